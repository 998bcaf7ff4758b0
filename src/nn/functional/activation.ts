// @file Activations composed from ops (hardtanh, relu6, softsign, mish, softmin); the primitive ones live in ops/.
import { noGrad } from '../../autograd/grad-mode.js';
import { ValueError } from '../../errors.js';
import { mish as mishOp } from '../../ops/activation.js';
import { abs, add, clamp, div, ge, le, logicalOr, neg, softmax, where } from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * clamp(x, minVal, maxVal) (F.hardtanh, defaults −1 and 1). As in PyTorch, the gradient is 0 where
 * x ≤ minVal or x ≥ maxVal (boundaries included) and g elsewhere, a NaN x included (both comparisons are false).
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  if (!(minVal <= maxVal)) {
    throw new ValueError('hardtanh', `minVal must not be greater than maxVal, got ${minVal} and ${maxVal}`);
  }
  const clamped = noGrad(() => clamp(x, minVal, maxVal));
  return where(logicalOr(le(x, minVal), ge(x, maxVal)), clamped, x);
}

/** min(max(x, 0), 6) (F.relu6): hardtanh(x, 0, 6). */
export function relu6(x: Tensor): Tensor {
  return hardtanh(x, 0, 6);
}

/** x/(1 + |x|) (F.softsign). */
export function softsign(x: Tensor): Tensor {
  return div(x, add(abs(x), 1));
}

/** x·tanh(softplus(x)) (F.mish; Misra, 2019); ∂ = g·(t + x·σ(x)·(1 − t²)), t = tanh(softplus(x)). */
export function mish(x: Tensor): Tensor {
  return mishOp(x);
}

/** softmax(−x) along `dim` (F.softmin). */
export function softmin(x: Tensor, dim: number): Tensor {
  return softmax(neg(x), dim);
}
