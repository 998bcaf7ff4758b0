// @file Activations composed from ops (hardtanh, relu6, softsign, mish, softmin); the primitive ones live in ops/.
import { noGrad } from '../../autograd/grad-mode.js';
import { ValueError } from '../../errors.js';
import {
  abs,
  add,
  clamp,
  div,
  gt,
  logicalAnd,
  lt,
  mul,
  neg,
  softmax,
  softplus,
  tanh,
  where,
} from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * clamp(x, minVal, maxVal) (F.hardtanh, defaults −1 and 1). As in PyTorch, the gradient is g strictly inside
 * (minVal, maxVal) and 0 elsewhere, boundaries included.
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  if (!(minVal <= maxVal)) {
    throw new ValueError('hardtanh', `minVal must not be greater than maxVal, got ${minVal} and ${maxVal}`);
  }
  const clamped = noGrad(() => clamp(x, minVal, maxVal));
  return where(logicalAnd(gt(x, minVal), lt(x, maxVal)), x, clamped);
}

/** min(max(x, 0), 6) (F.relu6): hardtanh(x, 0, 6). */
export function relu6(x: Tensor): Tensor {
  return hardtanh(x, 0, 6);
}

/** x/(1 + |x|) (F.softsign). */
export function softsign(x: Tensor): Tensor {
  return div(x, add(abs(x), 1));
}

/** x·tanh(softplus(x)) (F.mish; Misra, 2019). */
export function mish(x: Tensor): Tensor {
  return mul(x, tanh(softplus(x)));
}

/** softmax(−x) along `dim` (F.softmin). */
export function softmin(x: Tensor, dim: number): Tensor {
  return softmax(neg(x), dim);
}
