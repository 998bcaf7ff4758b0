// @file Softmax and log-softmax kernels (max-shifted, log-sum-exp) for the reference backend.
import type { FloatArray } from '../../tensor/dtype.js';

/** softmax(x)_c = e^{x_c − m} / Σ_j e^{x_j − m}; log-softmax = (x_c − m) − log Σ_j e^{x_j − m}, m = max_j x_j. */
export function softmax(
  x: FloatArray,
  out: FloatArray,
  outer: number,
  size: number,
  inner: number,
  log: boolean,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let max = -Infinity;
      for (let s = 0; s < size; s++) {
        const v = x[base + s * inner]!;
        if (v > max || v !== v) max = v;
      }
      if (max === -Infinity) max = 0; // all −∞: keep NaN-free shifts, result follows from exp(−∞) = 0
      let sum = 0;
      for (let s = 0; s < size; s++) sum += Math.exp(x[base + s * inner]! - max);
      if (log) {
        // (x − m) − log Σ, in PyTorch's order: x = m = −0 gives +0, where x − (m + log Σ) would give −0.
        const logSum = Math.log(sum);
        for (let s = 0; s < size; s++) out[base + s * inner] = x[base + s * inner]! - max - logSum;
      } else {
        for (let s = 0; s < size; s++) out[base + s * inner] = Math.exp(x[base + s * inner]! - max) / sum;
      }
    }
  }
}
