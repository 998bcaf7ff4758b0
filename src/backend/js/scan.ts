// @file Running sums and products along the middle axis of [outer, size, inner] (cumsum, cumprod) and cumprod's ∂.
import type { TypedArray } from '../../tensor/dtype.js';

/** out[o, i, k] = Σ (or Π) over j ≤ i of x[o, j, k]. */
export function scan(
  op: 'sum' | 'prod',
  x: TypedArray,
  outer: number,
  size: number,
  inner: number,
  out: TypedArray,
): void {
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      const start = o * size * inner + k;
      let acc = op === 'sum' ? 0 : 1;
      for (let i = 0; i < size; i++) {
        const at = start + i * inner;
        acc = op === 'sum' ? acc + x[at]! : acc * x[at]!;
        out[at] = acc;
      }
    }
  }
}

/**
 * ∂ of cumprod along the middle axis, PyTorch's algorithm (so that zeros, infinities and NaN give its values). Per
 * line of length n with first zero at z1 and next zero at z2 (n when absent), P = the forward output:
 * ∂x_i = (Σ_{i ≤ j < z1} g_j·P_j)/x_i for i < z1; ∂x_{z1} = P_{z1−1}·Σ_{z1 ≤ j < z2} g_j·Π_{z1 < k ≤ j} x_k
 * (P_{−1} = 1); ∂x_i = 0 after z1. A line of one element passes g through.
 */
export function cumprodGrad(
  x: TypedArray,
  output: TypedArray,
  grad: TypedArray,
  outer: number,
  size: number,
  inner: number,
  out: TypedArray,
): void {
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      const start = o * size * inner + k;
      if (size === 1) {
        out[start] = grad[start]!;
        continue;
      }
      let z1 = 0;
      while (z1 < size && x[start + z1 * inner] !== 0) z1++;
      let tail = 0;
      for (let i = z1 - 1; i >= 0; i--) {
        const at = start + i * inner;
        tail += grad[at]! * output[at]!;
        out[at] = tail / x[at]!;
      }
      if (z1 === size) continue;
      const at = start + z1 * inner;
      let acc = grad[at]!;
      let product = 1;
      for (let j = z1 + 1; j < size && x[start + j * inner] !== 0; j++) {
        product *= x[start + j * inner]!;
        acc += grad[start + j * inner]! * product;
      }
      out[at] = (z1 === 0 ? 1 : output[at - inner]!) * acc;
      for (let i = z1 + 1; i < size; i++) out[start + i * inner] = 0;
    }
  }
}
