// @file Binary classification losses: binaryCrossEntropy and binaryCrossEntropyWithLogits (stable, fused).
import { checkOptions } from '../../options.js';
import { record } from '../../autograd/node.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { ValueError } from '../../errors.js';
import { expand } from '../../ops/shape.js';
import { allocate, type TypedArray } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import {
  BCE_LOSS_KEYS,
  BCE_WITH_LOGITS_KEYS,
  checkElementWeight,
  checkFloatInput,
  checkFloatTarget,
  checkReduction,
  checkSameShape,
  reduceFused,
  upstream,
  type BCELossOptions,
  type BCEWithLogitsOptions,
  type Reduction,
} from './loss-common.js';

// ---- binary classification --------------------------------------------------------------------------------

/**
 * The per-element formulas of a fused elementwise loss, of input x, target y, weight w and positive weight p
 * (1 where not given). Rules are module constants, so that a call creates no closures.
 */
interface PointwiseRule {
  loss(x: number, y: number, w: number, p: number): number;
  /** ∂lᵢ/∂xᵢ */
  inputGrad(x: number, y: number, w: number, p: number): number;
  /** ∂lᵢ/∂yᵢ */
  targetGrad(x: number, y: number, w: number, p: number): number;
}

/** The operands of a fused elementwise loss: inputs, targets and the optional weights broadcast to them. */
interface PointwiseOperands {
  x: TypedArray;
  y: TypedArray;
  w: TypedArray | null;
  p: TypedArray | null;
}

/** Runs a fused elementwise loss over input and target of one shape; 'mean' divides by the element count. */
function pointwiseLoss(
  op: string,
  input: Tensor,
  target: Tensor,
  reduction: Reduction,
  rule: PointwiseRule,
  { x, y, w, p }: PointwiseOperands,
): Tensor {
  const count = input.numel();
  let out: Tensor;
  if (reduction === 'none') {
    const losses = new Float64Array(count);
    for (let i = 0; i < count; i++) losses[i] = rule.loss(x[i]!, y[i]!, w ? w[i]! : 1, p ? p[i]! : 1);
    out = reduceFused(losses, 0, count, input.shape, reduction, input);
  } else {
    let total = 0;
    for (let i = 0; i < count; i++) total += rule.loss(x[i]!, y[i]!, w ? w[i]! : 1, p ? p[i]! : 1);
    out = reduceFused(NO_LOSSES, total, count, input.shape, reduction, input);
  }
  return record(out, op, [input, target], (gradOutput) => {
    const g = upstream(gradOutput, reduction === 'none', () => gradOutput);
    const scale = reduction === 'mean' ? 1 / count : 1;
    const grads: (Tensor | null)[] = [null, null];
    for (let k = 0; k < 2; k++) {
      const t = k === 0 ? input : target;
      if (!t.requiresGrad) continue;
      const local = allocate(t.dtype, count);
      for (let i = 0; i < count; i++) {
        const wi = w ? w[i]! : 1;
        const pi = p ? p[i]! : 1;
        const derivative =
          k === 0 ? rule.inputGrad(x[i]!, y[i]!, wi, pi) : rule.targetGrad(x[i]!, y[i]!, wi, pi);
        local[i] = scale * g.at(i) * derivative;
      }
      grads[k] = g.finish(new Tensor(local, t.shape, t.dtype));
    }
    return grads;
  });
}

/** reduceFused reads the per-element losses only for reduction 'none'. */
const NO_LOSSES = new Float64Array(0);

/** An elementwise weight's values broadcast to `shape` (weights are constants: they get no gradient). */
function elementWeights(op: string, name: string, weight: Tensor | null, shape: readonly number[]) {
  if (!weight) return null;
  checkElementWeight(op, name, weight, shape);
  return noGrad(() => expand(weight, shape)).storage;
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
  const x = input.storage;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!(v >= 0 && v <= 1)) {
      throw new ValueError(
        op,
        `all elements of input should be between 0 and 1, got ${v} at flat index ${i} ` +
          '(pass raw scores to binaryCrossEntropyWithLogits instead)',
      );
    }
  }
  const w = elementWeights(op, 'weight', weight, input.shape);
  return pointwiseLoss(op, input, target, reduction, BCE, { x, y: target.storage, w, p: null });
}

/** l = −w·(y·max(log x, −100) + (1 − y)·max(log(1 − x), −100)). */
const BCE: PointwiseRule = {
  loss: (x, y, w) => -w * (y * Math.max(Math.log(x), -100) + (1 - y) * Math.max(Math.log(1 - x), -100)),
  inputGrad: (x, y, w) => (w * (x - y)) / Math.max((1 - x) * x, 1e-12),
  targetGrad: (x, y, w) => -w * Math.log(x / (1 - x)),
};

/** −log σ(v) = max(−v, 0) + log1p(e^{−|v|}), finite for every finite v. */
function negLogSigmoid(v: number): number {
  return Math.max(-v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
}

/** σ(v) without overflow: 1/(1 + e^{−v}) for v ≥ 0, e^{v}/(1 + e^{v}) otherwise. */
function sigmoidOf(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
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
  return pointwiseLoss(op, input, target, reduction, BCE_WITH_LOGITS, {
    x: input.storage,
    y: target.storage,
    w,
    p,
  });
}

/** l = w·[(1 − y)·x + (1 + (p − 1)·y)·(−log σ(x))]. */
const BCE_WITH_LOGITS: PointwiseRule = {
  loss: (x, y, w, p) => w * ((1 - y) * x + (1 + (p - 1) * y) * negLogSigmoid(x)),
  inputGrad: (x, y, w, p) => w * ((1 + (p - 1) * y) * sigmoidOf(x) - p * y),
  targetGrad: (x, y, w, p) => w * (-x + (p - 1) * negLogSigmoid(x)),
};
