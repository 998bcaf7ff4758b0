// @file Nested JS arrays of a tensor's values (toArray(), array()): the row-major elements rebuilt dim by dim.
import type { TypedArray } from './dtype.js';
import { numel } from './shape.js';

/** A nested JS array of numbers (or booleans for bool tensors), as returned by `toArray()`. */
export type NestedArray = number | boolean | NestedArray[];

/** Row-major `data` of `shape` as nested arrays (a bare value for a 0-d shape). */
export function nest(data: TypedArray, shape: readonly number[], asBool: boolean): NestedArray {
  const build = (dim: number, offset: number): NestedArray => {
    if (dim === shape.length) return asBool ? data[offset] !== 0 : data[offset]!;
    const size = shape[dim]!;
    const stride = numel(shape.slice(dim + 1));
    const out: NestedArray[] = new Array(size);
    for (let i = 0; i < size; i++) out[i] = build(dim + 1, offset + i * stride);
    return out;
  };
  return build(0, 0);
}
