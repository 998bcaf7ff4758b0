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
 * ∂ of cumprod along the middle axis, exact with zeros (no division by x): ∂x_i = P_{i−1}·T_i with P the running
 * product (P_{−1} = 1) and T_i = g_i + x_{i+1}·T_{i+1} (T_{n−1} = g_{n−1}), i.e. Σ_{j ≥ i} g_j·Π_{k ≤ j, k ≠ i} x_k.
 */
export function cumprodGrad(
  x: TypedArray,
  grad: TypedArray,
  outer: number,
  size: number,
  inner: number,
  out: TypedArray,
): void {
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      const start = o * size * inner + k;
      let tail = 0;
      for (let i = size - 1; i >= 0; i--) {
        const at = start + i * inner;
        tail = i === size - 1 ? grad[at]! : grad[at]! + x[at + inner]! * tail;
        out[at] = tail; // T_i for now; scaled by P_{i−1} below
      }
      let before = 1;
      for (let i = 0; i < size; i++) {
        const at = start + i * inner;
        out[at] = before * out[at]!;
        before *= x[at]!;
      }
    }
  }
}
