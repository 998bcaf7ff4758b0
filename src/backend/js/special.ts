// @file Special-function kernels: erf over an array, to float64 accuracy.
import type { TypedArray } from '../../tensor/dtype.js';
import { erf as erfScalar } from './erf.js';

/** out[i] = erf(x[i]). */
export function erf(x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < x.length; i++) out[i] = erfScalar(x[i]!);
}
