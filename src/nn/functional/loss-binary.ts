// @file Binary classification losses: binaryCrossEntropy and binaryCrossEntropyWithLogits (stable; fused in ops/loss.ts).
import { checkOptions } from '../../options.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { checkProbabilities, pointwiseLoss } from '../../ops/loss.js';
import { expand } from '../../ops/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  BCE_LOSS_KEYS,
  BCE_WITH_LOGITS_KEYS,
  checkElementWeight,
  checkFloatInput,
  checkFloatTarget,
  checkReduction,
  checkSameShape,
  type BCELossOptions,
  type BCEWithLogitsOptions,
} from './loss-common.js';

// ---- binary classification --------------------------------------------------------------------------------

/** An elementwise weight broadcast to `shape` (weights are constants: they get no gradient). */
function elementWeights(op: string, name: string, weight: Tensor | null, shape: readonly number[]) {
  if (!weight) return null;
  checkElementWeight(op, name, weight, shape);
  return noGrad(() => expand(weight, shape));
}

/**
 * Binary cross-entropy between probabilities x ∈ [0, 1] and targets y (torch.nn.functional.binary_cross_entropy):
 * l = −w·(y·max(log x, −100) + (1 − y)·max(log(1 − x), −100)); the logs are clamped as in PyTorch so that
 * x ∈ {0, 1} gives a finite loss. Gradients follow PyTorch exactly: ∂l/∂x = w·(x − y)/max(x(1 − x), 1e−12)
 * and ∂l/∂y = −w·logit(x). `weight` broadcasts to the input's shape. Prefer binaryCrossEntropyWithLogits on
 * raw scores: it is stable.
 * @throws ValueError when an input is outside [0, 1]; DTypeError for a non-float target.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BCELossOptions = {}): Tensor {
  checkOptions('binaryCrossEntropy', options, BCE_LOSS_KEYS);
  const op = 'binaryCrossEntropy';
  const { reduction = 'mean', weight = null } = options;
  checkReduction(op, reduction);
  checkFloatInput(op, input);
  checkFloatTarget(op, target);
  checkSameShape(op, input, target);
  checkProbabilities(op, input);
  const w = elementWeights(op, 'weight', weight, input.shape);
  return pointwiseLoss(op, 'bce', input, target, w, null, reduction);
}

/**
 * Binary cross-entropy on logits (torch.nn.functional.binary_cross_entropy_with_logits), i.e. sigmoid + BCE
 * in one numerically stable expression:
 * l = w·[(1 − y)·x + (1 + (p − 1)·y)·(−log σ(x))], which equals −w·[p·y·log σ(x) + (1 − y)·log(1 − σ(x))],
 * with −log σ(x) = max(−x, 0) + log1p(e^{−|x|}), finite for any finite x (logits of ±1e4 are safe).
 * ∂l/∂x = w·[(1 + (p − 1)·y)·σ(x) − p·y] (σ(x) − y when p = 1) and ∂l/∂y = w·[−x + (p − 1)·(−log σ(x))].
 * `posWeight` p (e.g. [C], broadcast over the last dim) trades recall against precision per class; it and
 * `weight` broadcast to the input's shape and are constants.
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: BCEWithLogitsOptions = {},
): Tensor {
  checkOptions('binaryCrossEntropyWithLogits', options, BCE_WITH_LOGITS_KEYS);
  const op = 'binaryCrossEntropyWithLogits';
  const { reduction = 'mean', weight = null, posWeight = null } = options;
  checkReduction(op, reduction);
  checkFloatInput(op, input);
  checkFloatTarget(op, target);
  checkSameShape(op, input, target);
  const w = elementWeights(op, 'weight', weight, input.shape);
  const p = elementWeights(op, 'posWeight', posWeight, input.shape);
  return pointwiseLoss(op, 'bceWithLogits', input, target, w, p, reduction);
}
