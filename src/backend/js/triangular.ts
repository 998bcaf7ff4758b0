// @file Triangular masking of a batch of rows×cols matrices (tril, triu).
import type { TypedArray } from '../../tensor/dtype.js';

/**
 * Copies x into the zero-filled `out`, keeping entry (i, j) of each matrix when j − i ≤ diagonal (`lower`) or
 * j − i ≥ diagonal (upper).
 */
export function triangle(
  x: TypedArray,
  rows: number,
  cols: number,
  diagonal: number,
  lower: boolean,
  out: TypedArray,
): void {
  for (let base = 0; base < x.length; base += rows * cols) {
    for (let i = 0; i < rows; i++) {
      const from = lower ? 0 : Math.max(0, Math.min(cols, i + diagonal));
      const to = lower ? Math.max(0, Math.min(cols, i + diagonal + 1)) : cols;
      for (let j = from; j < to; j++) out[base + i * cols + j] = x[base + i * cols + j]!;
    }
  }
}
