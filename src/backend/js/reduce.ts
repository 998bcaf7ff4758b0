// @file Reduction kernels (sum, prod, max, min, arg-max/min) for the reference backend, accumulating in float64.
import type { TypedArray } from '../../tensor/dtype.js';
import { stridesOf, type Shape } from '../../tensor/shape.js';
import type { ReduceOp } from '../types.js';

const IDENTITY: Record<ReduceOp, number> = { sum: 0, prod: 1, max: -Infinity, min: Infinity };

export function reduce(
  op: ReduceOp,
  x: TypedArray,
  shape: Shape,
  axes: readonly number[],
  out: TypedArray,
): void {
  if (op === 'sum' && axes.length > 0 && axes[axes.length - 1]! - axes[0]! === axes.length - 1) {
    // One block of consecutive axes: x is [outer, size, inner] with the middle reduced.
    let outer = 1;
    let size = 1;
    let inner = 1;
    for (let d = 0; d < shape.length; d++) {
      if (d < axes[0]!) outer *= shape[d]!;
      else if (d <= axes[axes.length - 1]!) size *= shape[d]!;
      else inner *= shape[d]!;
    }
    sumMiddle(x, outer, size, inner, shape[shape.length - 1]!, out);
    return;
  }
  const acc = new Float64Array(out.length).fill(IDENTITY[op]);
  const ndim = shape.length;
  // Strides into `out` for every input dim (0 along reduced axes).
  const outDims = shape.filter((_, d) => !axes.includes(d));
  const outStrides = stridesOf(outDims);
  const strideOf = new Array<number>(ndim).fill(0);
  for (let d = 0, o = 0; d < ndim; d++) if (!axes.includes(d)) strideOf[d] = outStrides[o++]!;
  const n = x.length;
  if (n > 0) {
    if (ndim === 0) accumulate(op, acc, 0, x[0]!);
    else {
      const last = shape[ndim - 1]!;
      const innerStride = strideOf[ndim - 1]!;
      const counter = new Array<number>(ndim).fill(0);
      let base = 0;
      for (let start = 0; start < n; start += last) {
        let o = base;
        if (op === 'sum') {
          if (innerStride === 0) {
            let s = 0;
            for (let i = 0; i < last; i++) s += x[start + i]!;
            acc[o] = acc[o]! + s;
          } else for (let i = 0; i < last; i++, o += innerStride) acc[o] = acc[o]! + x[start + i]!;
        } else {
          for (let i = 0; i < last; i++, o += innerStride) accumulate(op, acc, o, x[start + i]!);
        }
        for (let d = ndim - 2; d >= 0; d--) {
          counter[d]!++;
          base += strideOf[d]!;
          if (counter[d]! < shape[d]!) break;
          base -= strideOf[d]! * shape[d]!;
          counter[d] = 0;
        }
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = acc[i]!;
}

let scratch = new Float64Array(256);

/**
 * Sums x viewed as [outer, size, inner] over the middle axis into out [outer, inner], in float64 and in the
 * order of the general loop below: with the last dim reduced (inner = 1), each row of `last` elements is
 * summed from 0 and the row sums are added up; otherwise each output adds its inputs in index order.
 */
function sumMiddle(
  x: TypedArray,
  outer: number,
  size: number,
  inner: number,
  last: number,
  out: TypedArray,
): void {
  if (inner === 1) {
    const rows = last > 0 ? size / last : 0;
    for (let o = 0, i = 0; o < outer; o++) {
      let total = 0;
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (const end = i + last; i < end; i++) s += x[i]!;
        total += s;
      }
      out[o] = total;
    }
    return;
  }
  if (scratch.length < inner) scratch = new Float64Array(Math.max(inner, 2 * scratch.length));
  const acc = scratch;
  for (let o = 0, i = 0; o < outer; o++) {
    acc.fill(0, 0, inner);
    for (let s = 0; s < size; s++) {
      for (let j = 0; j < inner; j++, i++) acc[j] = acc[j]! + x[i]!;
    }
    for (let j = 0; j < inner; j++) out[o * inner + j] = acc[j]!;
  }
}

function accumulate(op: ReduceOp, acc: Float64Array, o: number, v: number): void {
  const a = acc[o]!;
  switch (op) {
    case 'sum':
      acc[o] = a + v;
      break;
    case 'prod':
      acc[o] = a * v;
      break;
    case 'max':
      if (v > a || v !== v) acc[o] = v;
      break;
    case 'min':
      if (v < a || v !== v) acc[o] = v;
      break;
  }
}

export function argReduce(
  op: 'max' | 'min',
  x: TypedArray,
  outer: number,
  size: number,
  inner: number,
  values: TypedArray,
  indices: Int32Array,
): void {
  const sign = op === 'max' ? 1 : -1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let best = x[base]!;
      let bestIndex = 0;
      for (let s = 1; s < size && best === best; s++) {
        const v = x[base + s * inner]!;
        if (v !== v || sign * (v - best) > 0) {
          best = v;
          bestIndex = s;
        }
      }
      values[o * inner + i] = best;
      indices[o * inner + i] = bestIndex;
    }
  }
}
