// @file Special functions (erf), like torch.special / torch.erf.
import { record } from '../autograd/node.js';
import { erf as erfScalar } from '../backend/js/erf.js';
import { allocate, floatResult } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { exp, mul, square, neg } from './elementwise.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * The error function erf(x) = (2/√π)·∫₀ˣ e^{−t²} dt, elementwise (torch.erf), to float64 accuracy (fdlibm's
 * rational approximations). Ints and bools give float32. ∂ = g·(2/√π)·e^{−x²}.
 */
export function erf(x: Tensor): Tensor {
  const dtype = floatResult(x.dtype);
  const src = x.storage;
  const out = allocate(dtype, src.length);
  for (let i = 0; i < src.length; i++) out[i] = erfScalar(src[i]!);
  return record(new Tensor(out, x.shape, dtype), 'erf', [x], (g) => [
    mul(g, mul(exp(neg(square(x))), TWO_OVER_SQRT_PI)),
  ]);
}
