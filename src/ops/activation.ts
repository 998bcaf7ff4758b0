// @file Activations whose derivative is written out rather than left to the chain rule (mish), for nn.functional.
import { noGrad } from '../autograd/grad-mode.js';
import { record } from '../autograd/node.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, mul, sigmoid, softplus, square, sub, tanh } from './elementwise.js';

/**
 * mish(x) = x·tanh(softplus(x)) (F.mish; Misra, 2019). ∂ = g·(t + x·σ(x)·(1 − t²)) with t = tanh(softplus(x)),
 * the local derivative formed first and multiplied by g once, as PyTorch's mish_backward does: through the chain
 * rule an infinite g would meet terms of both signs and give ∞ − ∞ = NaN (g = −∞ at x = −0.3).
 */
export function mish(x: Tensor): Tensor {
  const out = noGrad(() => mul(x, tanh(softplus(x))));
  return record(out, 'mish', [x], (g) => {
    const t = tanh(softplus(x)); // recomputed here so that a recorded backward (createGraph) differentiates it
    return [mul(g, add(t, mul(mul(x, sigmoid(x)), sub(1, square(t)))))];
  });
}
