// @file Strided window kernels (slice, sliceAssign) for the reference backend: narrow, cat, flip, pad, index.
import type { TypedArray } from '../../tensor/dtype.js';
import { stridesOf, type Shape } from '../../tensor/shape.js';

/**
 * Calls `row(bigStart, smallStart, length, bigStep)` for each innermost run of a window of `windowShape` inside a
 * row-major tensor of `shape`: element i of the window's row-major order sits at `bigStart + k·bigStep` of the
 * big tensor and at `smallStart + k` of the window, for k < length.
 */
function forEachWindowRow(
  shape: Shape,
  windowShape: Shape,
  starts: readonly number[],
  steps: readonly number[],
  row: (bigStart: number, smallStart: number, length: number, bigStep: number) => void,
): void {
  const ndim = windowShape.length;
  const total = windowShape.reduce((p, d) => p * d, 1);
  if (total === 0) return;
  const strides = stridesOf(shape);
  let base = 0;
  for (let d = 0; d < ndim; d++) base += starts[d]! * strides[d]!;
  if (ndim === 0) {
    row(0, 0, 1, 1);
    return;
  }
  const jumps = strides.map((s, d) => s * steps[d]!);
  const last = windowShape[ndim - 1]!;
  const lastJump = jumps[ndim - 1]!;
  const counter = new Array<number>(ndim).fill(0);
  for (let start = 0; start < total; start += last) {
    row(base, start, last, lastJump);
    for (let d = ndim - 2; d >= 0; d--) {
      counter[d]!++;
      base += jumps[d]!;
      if (counter[d]! < windowShape[d]!) break;
      base -= jumps[d]! * windowShape[d]!;
      counter[d] = 0;
    }
  }
}

/** out[i₀, i₁, …] = x[starts₀ + i₀·steps₀, starts₁ + i₁·steps₁, …] over `outShape`; steps may be negative. */
export function slice(
  x: TypedArray,
  shape: Shape,
  starts: readonly number[],
  steps: readonly number[],
  out: TypedArray,
  outShape: Shape,
): void {
  forEachWindowRow(shape, outShape, starts, steps, (from, to, length, step) => {
    if (step === 1) out.set(x.subarray(from, from + length), to);
    else for (let k = 0, i = from; k < length; k++, i += step) out[to + k] = x[i]!;
  });
}

/** out[starts₀ + i₀·steps₀, …] = src[i₀, …] over `srcShape`; other elements of `out` are untouched. */
export function sliceAssign(
  src: TypedArray,
  srcShape: Shape,
  out: TypedArray,
  outShape: Shape,
  starts: readonly number[],
  steps: readonly number[],
): void {
  forEachWindowRow(outShape, srcShape, starts, steps, (to, from, length, step) => {
    if (step === 1) out.set(src.subarray(from, from + length), to);
    else for (let k = 0, i = to; k < length; k++, i += step) out[i] = src[from + k]!;
  });
}
