// @file Classification losses: nllLoss and crossEntropy (class indices or probabilities), checked here, fused in ops/loss.ts.
import { checkOptions } from '../../options.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { classIndexLoss, classProbabilityLoss, type ClassLossSpec } from '../../ops/loss.js';
import { isFloat } from '../../tensor/dtype.js';
import { shapesEqual } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  CROSS_ENTROPY_KEYS,
  NLL_LOSS_KEYS,
  checkFloatInput,
  checkLabelSmoothing,
  checkReduction,
  type CrossEntropyOptions,
  type NLLLossOptions,
} from './loss-common.js';

// ---- classification: NLL and cross-entropy --------------------------------------------------------------

/** Where the classes and positions of an input of shape [C], [N, C] or [N, C, d1, …] lie in its storage. */
interface ClassLayout {
  batch: number;
  classes: number;
  /** Product of the trailing dims d1·d2·…: the stride between classes. */
  inner: number;
  /** The shape of the unreduced loss: [] for [C], else [N, d1, …]. */
  outShape: number[];
}

function layoutOf(op: string, input: Tensor): ClassLayout {
  if (input.ndim === 0) {
    throw new ShapeError(op, 'input must have a class dim: shape [C], [N, C] or [N, C, d1, …], got []');
  }
  if (input.ndim === 1) return { batch: 1, classes: input.shape[0]!, inner: 1, outShape: [] };
  const spatial = input.shape.slice(2);
  return {
    batch: input.shape[0]!,
    classes: input.shape[1]!,
    inner: spatial.reduce((p, d) => p * d, 1),
    outShape: [input.shape[0]!, ...spatial],
  };
}

/** Checks an int32 class-index target's dtype and shape against the input's layout (its values: ops/loss.ts). */
function checkIndexTarget(op: string, input: Tensor, target: Tensor, layout: ClassLayout): void {
  if (target.dtype !== 'int32') {
    throw new DTypeError(
      op,
      `target must hold int32 class indices, got dtype ${target.dtype} (convert it with target.int())`,
    );
  }
  if (input.ndim >= 2 && target.ndim >= 1 && target.shape[0] !== layout.batch) {
    throw new ShapeError(
      op,
      `Expected input batch_size (${layout.batch}) to match target batch_size (${target.shape[0]}) ` +
        `(input shape ${fmtShape(input.shape)}, target shape ${fmtShape(target.shape)}).`,
    );
  }
  if (!shapesEqual(target.shape, layout.outShape)) {
    throw new ShapeError(
      op,
      `expected a target of shape ${fmtShape(layout.outShape)} for input of shape ${fmtShape(input.shape)}, ` +
        `got ${fmtShape(target.shape)}`,
    );
  }
}

/** Checks a class-weight vector (float, shape [C]). */
function classWeights(op: string, weight: Tensor | null | undefined, classes: number): Tensor | null {
  if (weight == null) return null;
  if (!isFloat(weight.dtype))
    throw new DTypeError(op, `weight must be a floating-point tensor, got dtype ${weight.dtype}`);
  if (weight.ndim !== 1 || weight.shape[0] !== classes) {
    throw new ShapeError(
      op,
      `weight must have shape [${classes}] (one entry per class), got ${fmtShape(weight.shape)}`,
    );
  }
  return weight;
}

/** The fused kernels' view of a class layout and its options. */
function specOf(layout: ClassLayout, ignoreIndex: number, labelSmoothing: number): ClassLossSpec {
  const { batch, classes, inner } = layout;
  return { batch, classes, inner, ignoreIndex, labelSmoothing };
}

/**
 * Negative log-likelihood of class indices given log-probabilities (torch.nn.functional.nll_loss).
 *
 * input: log-probabilities of shape [C], [N, C] or [N, C, d1, …]; target: int32 class indices of shape [],
 * [N] or [N, d1, …]. Per position lᵢ = −w_{yᵢ}·x_{i,yᵢ} (0 where yᵢ = ignoreIndex); 'mean' is the weighted
 * mean Σlᵢ / Σ w_{yᵢ} over non-ignored positions (NaN when every target is ignored, as in PyTorch).
 */
export function nllLoss(input: Tensor, target: Tensor, options: NLLLossOptions = {}): Tensor {
  checkOptions('nllLoss', options, NLL_LOSS_KEYS);
  const op = 'nllLoss';
  const { reduction = 'mean', ignoreIndex = -100 } = options;
  checkReduction(op, reduction);
  checkFloatInput(op, input);
  const layout = layoutOf(op, input);
  checkIndexTarget(op, input, target, layout);
  const weight = classWeights(op, options.weight, layout.classes);
  const spec = specOf(layout, ignoreIndex, 0);
  return classIndexLoss(op, input, target, weight, spec, false, reduction, layout.outShape);
}

/**
 * Cross-entropy between logits and targets (torch.nn.functional.cross_entropy): nllLoss(logSoftmax(x, 1), y),
 * fused into one op whose gradient is softmax − one-hot.
 *
 * input: logits of shape [C], [N, C] or [N, C, d1, …]. target: either int32 class indices of shape [],
 * [N] or [N, d1, …], or float class probabilities of the input's shape.
 * - Indices: lᵢ = (1 − ε)·(−w_{yᵢ}·log p_{i,yᵢ}) + (ε/C)·(−Σ_c w_c·log p_{i,c}), with ε = labelSmoothing and
 *   lᵢ = 0 where yᵢ = ignoreIndex; 'mean' divides Σlᵢ by Σ w_{yᵢ} over the non-ignored positions (NaN when
 *   every target is ignored, as in PyTorch).
 * - Probabilities: lᵢ = −Σ_c w_c·y'_{i,c}·log p_{i,c} with y' = (1 − ε)·y + ε/C; 'mean' divides by the number
 *   of positions; ignoreIndex must stay negative.
 * log p is computed as x − m − log Σ e^{x − m} (m the max over classes), so any finite logits are safe.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkOptions('crossEntropy', options, CROSS_ENTROPY_KEYS);
  const op = 'crossEntropy';
  const { reduction = 'mean', ignoreIndex = -100, labelSmoothing = 0 } = options;
  checkReduction(op, reduction);
  checkLabelSmoothing(op, labelSmoothing);
  checkFloatInput(op, input);
  const layout = layoutOf(op, input);
  const weight = classWeights(op, options.weight, layout.classes);
  if (isFloat(target.dtype)) {
    if (!shapesEqual(target.shape, input.shape)) {
      throw new ShapeError(
        op,
        `a float target holds class probabilities and must have the input's shape ${fmtShape(input.shape)}, ` +
          `got ${fmtShape(target.shape)} (for class indices pass an int32 tensor: target.int())`,
      );
    }
    if (ignoreIndex >= 0) {
      throw new ValueError(
        op,
        `ignoreIndex (${ignoreIndex}) is not supported for class-probability (float) targets`,
      );
    }
    const spec = specOf(layout, ignoreIndex, labelSmoothing);
    return classProbabilityLoss(input, target, weight, spec, reduction, layout.outShape);
  }
  checkIndexTarget(op, input, target, layout);
  const spec = specOf(layout, ignoreIndex, labelSmoothing);
  return classIndexLoss(op, input, target, weight, spec, true, reduction, layout.outShape);
}
