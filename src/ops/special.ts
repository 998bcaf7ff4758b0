// @file Special functions (erf), like torch.special / torch.erf.
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
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
  const out = allocate(dtype, x.numel());
  backend().erf(x.storage, out);
  return record(new Tensor(out, x.shape, dtype), 'erf', [x], (g) => [
    mul(g, mul(exp(neg(square(x))), TWO_OVER_SQRT_PI)),
  ]);
}
