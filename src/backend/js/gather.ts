// @file Index kernels (gather, scatter, indexSelect, indexAdd) for the reference backend; indices come validated.
import type { TypedArray } from '../../tensor/dtype.js';
import { stridesOf, type Shape } from '../../tensor/shape.js';

/**
 * Walks `indexShape` in row-major order; for each innermost run calls `row(k, length, bases, innerSteps)`
 * where k is the flat position of the run's first index element and bases[t] is the offset of that element
 * in tensor t (strides given per tensor, 0 where a tensor does not move).
 */
function forEachIndexRow(
  indexShape: Shape,
  strideSets: readonly (readonly number[])[],
  row: (k: number, length: number, bases: readonly number[], innerSteps: readonly number[]) => void,
): void {
  const ndim = indexShape.length;
  const total = indexShape.reduce((p, d) => p * d, 1);
  if (total === 0) return;
  const bases = strideSets.map(() => 0);
  if (ndim === 0) {
    row(
      0,
      1,
      bases,
      strideSets.map(() => 0),
    );
    return;
  }
  const last = indexShape[ndim - 1]!;
  const innerSteps = strideSets.map((s) => s[ndim - 1]!);
  const counter = new Array<number>(ndim).fill(0);
  for (let start = 0; start < total; start += last) {
    row(start, last, bases, innerSteps);
    for (let d = ndim - 2; d >= 0; d--) {
      counter[d]!++;
      for (let t = 0; t < bases.length; t++) bases[t] = bases[t]! + strideSets[t]![d]!;
      if (counter[d]! < indexShape[d]!) break;
      for (let t = 0; t < bases.length; t++) bases[t] = bases[t]! - strideSets[t]![d]! * indexShape[d]!;
      counter[d] = 0;
    }
  }
}

/** Strides of `shape` with the one of `dim` zeroed (that coordinate comes from the index instead). */
function stridesWithout(shape: Shape, dim: number): number[] {
  const strides = stridesOf(shape);
  strides[dim] = 0;
  return strides;
}

/**
 * out[…, i_dim, …] = x[…, index[…, i_dim, …], …] for every position of `indexShape` (each dim ≤ x's except
 * `dim`); `out` has `indexShape`.
 */
export function gather(
  x: TypedArray,
  shape: Shape,
  dim: number,
  index: Int32Array,
  indexShape: Shape,
  out: TypedArray,
): void {
  const dimStride = stridesOf(shape)[dim] ?? 1;
  forEachIndexRow(indexShape, [stridesWithout(shape, dim)], (k, length, [base], [step]) => {
    for (let i = 0, offset = base!; i < length; i++, offset += step!) {
      out[k + i] = x[offset + index[k + i]! * dimStride]!;
    }
  });
}

/**
 * out[…, index[…, i_dim, …], …] = src[…, i_dim, …] (or += when `accumulate`) for every position of `indexShape`;
 * `src` (of `srcShape`, each dim ≥ the index's) is read at the index's position. Later writes win.
 */
export function scatter(
  src: TypedArray,
  srcShape: Shape,
  dim: number,
  index: Int32Array,
  indexShape: Shape,
  out: TypedArray,
  outShape: Shape,
  accumulate: boolean,
): void {
  const dimStride = stridesOf(outShape)[dim] ?? 1;
  const strideSets = [stridesWithout(outShape, dim), stridesOf(srcShape)];
  forEachIndexRow(indexShape, strideSets, (k, length, [outBase, srcBase], [outStep, srcStep]) => {
    for (let i = 0, o = outBase!, s = srcBase!; i < length; i++, o += outStep!, s += srcStep!) {
      const target = o + index[k + i]! * dimStride;
      out[target] = accumulate ? out[target]! + src[s]! : src[s]!;
    }
  });
}

/** x viewed as [outer, size, inner]: out[o, j, i] = x[o, index[j], i], out being [outer, index.length, inner]. */
export function indexSelect(
  x: TypedArray,
  outer: number,
  size: number,
  inner: number,
  index: Int32Array,
  out: TypedArray,
): void {
  const count = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) {
      const from = (o * size + index[j]!) * inner;
      const to = (o * count + j) * inner;
      if (inner === 1) out[to] = x[from]!;
      else out.set(x.subarray(from, from + inner), to);
    }
  }
}

/** out viewed as [outer, size, inner]: out[o, index[j], i] += src[o, j, i] (repeated indices accumulate). */
export function indexAdd(
  src: TypedArray,
  outer: number,
  size: number,
  inner: number,
  index: Int32Array,
  out: TypedArray,
): void {
  const count = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) {
      const to = (o * size + index[j]!) * inner;
      const from = (o * count + j) * inner;
      for (let i = 0; i < inner; i++) out[to + i] = out[to + i]! + src[from + i]!;
    }
  }
}
