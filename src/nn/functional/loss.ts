// @file Loss functions (torch.nn.functional): cross-entropy, NLL, BCE, BCE with logits, MSE, L1, Huber, smooth L1, KL.
import { record } from '../../autograd/node.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { abs, div, eq, exp, log, lt, mul, square, sub, where } from '../../ops/elementwise.js';
import { mean, sum } from '../../ops/reduce.js';
import { expand, reshape } from '../../ops/shape.js';
import { allocate, isFloat, type TypedArray } from '../../tensor/dtype.js';
import { shapesEqual } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';

/** How per-element losses are combined: averaged (default), summed, or returned as they are. */
export type Reduction = 'mean' | 'sum' | 'none';

export interface ReductionOptions {
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

export interface NLLLossOptions extends ReductionOptions {
  /** Rescaling weight of each class, shape [C]. */
  weight?: Tensor | null;
  /** Targets equal to this class index contribute nothing, to the loss or to the mean's denominator (default −100). */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NLLLossOptions {
  /** ε in [0, 1]: the target becomes (1 − ε)·target + ε/C (default 0). */
  labelSmoothing?: number;
}

export interface BCELossOptions extends ReductionOptions {
  /** Rescaling weight of each element, broadcast to the input's shape. */
  weight?: Tensor | null;
}

export interface BCEWithLogitsOptions extends BCELossOptions {
  /** Weight p of the positive term, broadcast to the input's shape (usually [C], one per class on the last dim). */
  posWeight?: Tensor | null;
}

export interface HuberLossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1, must be > 0). */
  delta?: number;
}

export interface SmoothL1LossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1, must be ≥ 0; 0 gives the L1 loss). */
  beta?: number;
}

export interface KLDivOptions {
  /** 'mean' (over all elements), 'batchmean' (sum / batch size: the true KL divergence), 'sum' or 'none'. */
  reduction?: Reduction | 'batchmean';
  /** The target holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

// ---- validation ---------------------------------------------------------------------------------------

/** @internal Throws a ValueError unless `reduction` is one of the allowed names. */
export function checkReduction(op: string, reduction: string, allowBatchmean = false): void {
  const allowed = allowBatchmean ? ['mean', 'batchmean', 'sum', 'none'] : ['mean', 'sum', 'none'];
  if (!allowed.includes(reduction)) {
    throw new ValueError(
      op,
      `reduction must be ${allowed.map((r) => `'${r}'`).join(', ')}, got '${String(reduction)}'`,
    );
  }
}

/** @internal Throws a ValueError unless 0 ≤ labelSmoothing ≤ 1. */
export function checkLabelSmoothing(op: string, labelSmoothing: number): void {
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new ValueError(op, `labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  }
}

/** @internal Throws a ValueError unless delta > 0 (Huber) or beta ≥ 0 (smooth L1). */
export function checkThreshold(op: string, name: 'delta' | 'beta', value: number): void {
  const ok = name === 'delta' ? value > 0 : value >= 0;
  if (!ok || !Number.isFinite(value)) {
    throw new ValueError(op, `${name} must be ${name === 'delta' ? '> 0' : '≥ 0'} and finite, got ${value}`);
  }
}

function checkFloatInput(op: string, input: Tensor): void {
  if (!isFloat(input.dtype))
    throw new DTypeError(op, `input must be a floating-point tensor, got dtype ${input.dtype}`);
}

function checkFloatTarget(op: string, target: Tensor): void {
  if (!isFloat(target.dtype)) {
    throw new DTypeError(
      op,
      `target must be a floating-point tensor, got dtype ${target.dtype} (convert it with target.float())`,
    );
  }
}

/**
 * Elementwise losses demand equal shapes. PyTorch broadcasts a mismatched target with a warning, which
 * silently computes the wrong loss for the common [N, 1] vs [N] mistake; neurite throws instead.
 */
function checkSameShape(op: string, input: Tensor, target: Tensor): void {
  if (!shapesEqual(input.shape, target.shape)) {
    throw new ShapeError(
      op,
      `target shape ${fmtShape(target.shape)} must match input shape ${fmtShape(input.shape)} ` +
        '(neurite does not broadcast loss targets; reshape one of them)',
    );
  }
}

/** Checks that an elementwise weight is a float tensor that broadcasts to `shape` without enlarging it. */
function checkElementWeight(op: string, name: string, weight: Tensor, shape: readonly number[]): void {
  if (!isFloat(weight.dtype))
    throw new DTypeError(op, `${name} must be a floating-point tensor, got dtype ${weight.dtype}`);
  const lead = shape.length - weight.ndim;
  if (lead < 0 || weight.shape.some((d, i) => d !== 1 && d !== shape[lead + i])) {
    throw new ShapeError(
      op,
      `${name} of shape ${fmtShape(weight.shape)} cannot be broadcast to the input shape ${fmtShape(shape)}`,
    );
  }
}

function reduceLoss(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? sum(loss) : mean(loss);
}

function tensorOf(values: ArrayLike<number>, shape: readonly number[], like: Tensor): Tensor {
  const storage = allocate(like.dtype, values.length);
  for (let i = 0; i < values.length; i++) storage[i] = values[i]!;
  return new Tensor(storage, shape, like.dtype);
}

/** The loss tensor of a fused op: the per-position losses for 'none', else their sum or sum / denominator. */
function reduceFused(
  losses: Float64Array,
  total: number,
  denominator: number,
  shape: readonly number[],
  reduction: Reduction,
  like: Tensor,
): Tensor {
  if (reduction === 'none') return tensorOf(losses, shape, like);
  return tensorOf([reduction === 'sum' ? total : total / denominator], [], like);
}

/** How a fused backward applies the upstream gradient g to its local derivatives. */
interface Upstream {
  /** g at an output position, folded into the local derivative (1 when g goes through `finish`). */
  at(position: number): number;
  /** The input gradient from the local derivatives. */
  finish(local: Tensor): Tensor;
}

/**
 * Usually g is a constant and is multiplied in while the local derivatives are computed (no extra pass).
 * When g itself requires grad (backward with createGraph), it goes through a recorded mul instead, so the
 * result stays differentiable with respect to g; `view` gives g shaped to broadcast over the input.
 */
function upstream(gradOutput: Tensor, perPosition: boolean, view: () => Tensor): Upstream {
  if (gradOutput.requiresGrad) return { at: () => 1, finish: (local) => mul(view(), local) };
  const g = gradOutput.storage;
  return { at: perPosition ? (position) => g[position]! : () => g[0]!, finish: (local) => local };
}

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

/** Checks an int32 class-index target against the input's layout and the class count. */
function checkIndexTarget(
  op: string,
  input: Tensor,
  target: Tensor,
  layout: ClassLayout,
  ignoreIndex: number,
): void {
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
  const classes = layout.classes;
  const data = target.storage;
  for (let i = 0; i < data.length; i++) {
    const t = data[i]!;
    if (t !== ignoreIndex && (t < 0 || t >= classes)) {
      throw new ValueError(
        op,
        `target ${t} (at flat position ${i}) is out of bounds for ${classes} classes ` +
          `(expected 0 ≤ target < ${classes}, or ignoreIndex ${ignoreIndex})`,
      );
    }
  }
}

/** Checks a class-weight vector (float, shape [C]) and returns its values. */
function classWeights(op: string, weight: Tensor | null | undefined, classes: number): TypedArray | null {
  if (weight == null) return null;
  if (!isFloat(weight.dtype))
    throw new DTypeError(op, `weight must be a floating-point tensor, got dtype ${weight.dtype}`);
  if (weight.ndim !== 1 || weight.shape[0] !== classes) {
    throw new ShapeError(
      op,
      `weight must have shape [${classes}] (one entry per class), got ${fmtShape(weight.shape)}`,
    );
  }
  return weight.storage;
}

/**
 * Per position, the log-normaliser m + log Σ_c e^{x_c − m} with m the max over classes, in float64:
 * log p_c = x_c − normaliser, so logits of any finite size are safe (log-sum-exp).
 */
function logNormalisers(x: TypedArray, { batch, classes, inner }: ClassLayout): Float64Array {
  const out = new Float64Array(batch * inner);
  for (let n = 0; n < batch; n++) {
    for (let k = 0; k < inner; k++) {
      const base = n * classes * inner + k;
      let m = -Infinity;
      for (let c = 0; c < classes; c++) m = Math.max(m, x[base + c * inner]!);
      let s = 0;
      for (let c = 0; c < classes; c++) s += Math.exp(x[base + c * inner]! - m);
      out[n * inner + k] = m + Math.log(s);
    }
  }
  return out;
}

/** The upstream gradient shaped to broadcast over the input: [N, 1, d1, …] for 'none', a scalar otherwise. */
function classGradView(gradOutput: Tensor, input: Tensor, layout: ClassLayout, reduction: Reduction): Tensor {
  if (reduction !== 'none' || input.ndim < 2) return gradOutput;
  return reshape(gradOutput, [layout.batch, 1, ...input.shape.slice(2)]);
}

interface IndexLossSpec {
  op: string;
  input: Tensor;
  target: Tensor;
  /** Cross-entropy: the per-position log-normalisers of the logits. NLL (input already log p): null. */
  normalisers: Float64Array | null;
  weight: TypedArray | null;
  ignoreIndex: number;
  reduction: Reduction;
  labelSmoothing: number;
  layout: ClassLayout;
}

/**
 * The fused NLL / cross-entropy with class-index targets. Per position i with class t = yᵢ (skipped when
 * t = ignoreIndex): lᵢ = (1 − ε)·(−w_t·log p_t) + (ε/C)·(−Σ_c w_c·log p_c); 'mean' divides Σlᵢ by Σ w_t.
 * Through the softmax, ∂lᵢ/∂x_c = (1 − ε)·w_t·(p_c − [c = t]) + (ε/C)·(W·p_c − w_c) with W = Σ_c w_c;
 * for NLL, ∂lᵢ/∂x_t = −w_t.
 */
function indexLoss(spec: IndexLossSpec): Tensor {
  const {
    op,
    input,
    target,
    normalisers,
    weight,
    ignoreIndex,
    reduction,
    labelSmoothing: eps,
    layout,
  } = spec;
  const { batch, classes, inner } = layout;
  const x = input.storage;
  const labels = target.storage;
  const logProb = (i: number, position: number): number =>
    normalisers ? x[i]! - normalisers[position]! : x[i]!;
  const losses = new Float64Array(batch * inner);
  let total = 0;
  let denominator = 0;
  for (let n = 0; n < batch; n++) {
    for (let k = 0; k < inner; k++) {
      const position = n * inner + k;
      const t = labels[position]!;
      if (t === ignoreIndex) continue;
      const base = n * classes * inner + k;
      const wt = weight ? weight[t]! : 1;
      let loss = -wt * logProb(base + t * inner, position);
      if (eps > 0) {
        let smooth = 0;
        for (let c = 0; c < classes; c++)
          smooth -= (weight ? weight[c]! : 1) * logProb(base + c * inner, position);
        loss = (1 - eps) * loss + (eps / classes) * smooth;
      }
      losses[position] = loss;
      total += loss;
      denominator += wt;
    }
  }
  const out = reduceFused(losses, total, denominator, layout.outShape, reduction, input);

  return record(out, op, [input], (gradOutput) => {
    const g = upstream(gradOutput, reduction === 'none', () =>
      classGradView(gradOutput, input, layout, reduction),
    );
    const coefficient = allocate(input.dtype, input.numel());
    const scale = reduction === 'mean' ? 1 / denominator : 1;
    let weightSum = classes;
    if (weight) {
      weightSum = 0;
      for (let c = 0; c < classes; c++) weightSum += weight[c]!;
    }
    for (let n = 0; n < batch; n++) {
      for (let k = 0; k < inner; k++) {
        const position = n * inner + k;
        const t = labels[position]!;
        if (t === ignoreIndex) continue;
        const base = n * classes * inner + k;
        const s = scale * g.at(position) * (weight ? weight[t]! : 1);
        if (!normalisers) {
          coefficient[base + t * inner] = -s;
          continue;
        }
        const shift = normalisers[position]!;
        const smoothScale = (scale * g.at(position) * eps) / classes;
        for (let c = 0; c < classes; c++) {
          const i = base + c * inner;
          const p = Math.exp(x[i]! - shift);
          let d = (1 - eps) * s * (c === t ? p - 1 : p);
          if (eps > 0) d += smoothScale * (weightSum * p - (weight ? weight[c]! : 1));
          coefficient[i] = d;
        }
      }
    }
    return [g.finish(new Tensor(coefficient, input.shape, input.dtype))];
  });
}

/**
 * Cross-entropy with class-probability targets y (same shape as the input), smoothed to y' = (1 − ε)·y + ε/C:
 * lᵢ = −Σ_c w_c·y'_c·log p_c; 'mean' divides by the number of positions (numel / C).
 * ∂lᵢ/∂x_c = p_c·Σ_k w_k·y'_k − w_c·y'_c and ∂lᵢ/∂y_c = −(1 − ε)·w_c·log p_c.
 */
function probabilityLoss(
  input: Tensor,
  target: Tensor,
  weight: TypedArray | null,
  reduction: Reduction,
  eps: number,
  layout: ClassLayout,
): Tensor {
  const { batch, classes, inner } = layout;
  const x = input.storage;
  const y = target.storage;
  const normalisers = logNormalisers(x, layout);
  const smoothed = (i: number): number => y[i]! * (1 - eps) + eps / classes;
  const positions = batch * inner;
  const losses = new Float64Array(positions);
  let total = 0;
  for (let n = 0; n < batch; n++) {
    for (let k = 0; k < inner; k++) {
      const base = n * classes * inner + k;
      const shift = normalisers[n * inner + k]!;
      let loss = 0;
      for (let c = 0; c < classes; c++) {
        const i = base + c * inner;
        loss -= (weight ? weight[c]! : 1) * smoothed(i) * (x[i]! - shift);
      }
      losses[n * inner + k] = loss;
      total += loss;
    }
  }
  const out = reduceFused(losses, total, positions, layout.outShape, reduction, input);

  return record(out, 'crossEntropy', [input, target], (gradOutput) => {
    const g = upstream(gradOutput, reduction === 'none', () =>
      classGradView(gradOutput, input, layout, reduction),
    );
    const scale = reduction === 'mean' ? 1 / positions : 1;
    const inputGrad = input.requiresGrad ? allocate(input.dtype, input.numel()) : null;
    const targetGrad = target.requiresGrad ? allocate(target.dtype, target.numel()) : null;
    for (let n = 0; n < batch; n++) {
      for (let k = 0; k < inner; k++) {
        const position = n * inner + k;
        const base = n * classes * inner + k;
        const shift = normalisers[position]!;
        const s = scale * g.at(position);
        let mass = 0;
        if (inputGrad)
          for (let c = 0; c < classes; c++) mass += (weight ? weight[c]! : 1) * smoothed(base + c * inner);
        for (let c = 0; c < classes; c++) {
          const i = base + c * inner;
          const wc = weight ? weight[c]! : 1;
          if (inputGrad) inputGrad[i] = s * (Math.exp(x[i]! - shift) * mass - wc * smoothed(i));
          if (targetGrad) targetGrad[i] = -s * (1 - eps) * wc * (x[i]! - shift);
        }
      }
    }
    return [
      inputGrad ? g.finish(new Tensor(inputGrad, input.shape, input.dtype)) : null,
      targetGrad ? g.finish(new Tensor(targetGrad, target.shape, target.dtype)) : null,
    ];
  });
}

/**
 * Negative log-likelihood of class indices given log-probabilities (torch.nn.functional.nll_loss).
 *
 * input: log-probabilities of shape [C], [N, C] or [N, C, d1, …]; target: int32 class indices of shape [],
 * [N] or [N, d1, …]. Per position lᵢ = −w_{yᵢ}·x_{i,yᵢ} (0 where yᵢ = ignoreIndex); 'mean' is the weighted
 * mean Σlᵢ / Σ w_{yᵢ} over non-ignored positions (NaN when every target is ignored, as in PyTorch).
 */
export function nllLoss(input: Tensor, target: Tensor, options: NLLLossOptions = {}): Tensor {
  const op = 'nllLoss';
  const { reduction = 'mean', ignoreIndex = -100 } = options;
  checkReduction(op, reduction);
  checkFloatInput(op, input);
  const layout = layoutOf(op, input);
  checkIndexTarget(op, input, target, layout, ignoreIndex);
  const weight = classWeights(op, options.weight, layout.classes);
  return indexLoss({
    op,
    input,
    target,
    normalisers: null,
    weight,
    ignoreIndex,
    reduction,
    labelSmoothing: 0,
    layout,
  });
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
    return probabilityLoss(input, target, weight, reduction, labelSmoothing, layout);
  }
  checkIndexTarget(op, input, target, layout, ignoreIndex);
  return indexLoss({
    op,
    input,
    target,
    normalisers: logNormalisers(input.storage, layout),
    weight,
    ignoreIndex,
    reduction,
    labelSmoothing,
    layout,
  });
}

// ---- binary classification --------------------------------------------------------------------------------

/** The per-element formulas of a fused elementwise loss (weights included). */
interface PointwiseRule {
  loss(i: number): number;
  /** ∂lᵢ/∂xᵢ */
  inputGrad(i: number): number;
  /** ∂lᵢ/∂yᵢ */
  targetGrad(i: number): number;
}

/** Runs a fused elementwise loss over input and target of one shape; 'mean' divides by the element count. */
function pointwiseLoss(
  op: string,
  input: Tensor,
  target: Tensor,
  reduction: Reduction,
  rule: PointwiseRule,
): Tensor {
  const count = input.numel();
  const losses = new Float64Array(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const loss = rule.loss(i);
    losses[i] = loss;
    total += loss;
  }
  const out = reduceFused(losses, total, count, input.shape, reduction, input);
  return record(out, op, [input, target], (gradOutput) => {
    const g = upstream(gradOutput, reduction === 'none', () => gradOutput);
    const scale = reduction === 'mean' ? 1 / count : 1;
    return ([input, target] as const).map((t, k) => {
      if (!t.requiresGrad) return null;
      const derivative = k === 0 ? rule.inputGrad : rule.targetGrad;
      const local = allocate(t.dtype, count);
      for (let i = 0; i < count; i++) local[i] = scale * g.at(i) * derivative(i);
      return g.finish(new Tensor(local, t.shape, t.dtype));
    });
  });
}

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
  const y = target.storage;
  return pointwiseLoss(op, input, target, reduction, {
    loss: (i) =>
      -(w ? w[i]! : 1) *
      (y[i]! * Math.max(Math.log(x[i]!), -100) + (1 - y[i]!) * Math.max(Math.log(1 - x[i]!), -100)),
    inputGrad: (i) => ((w ? w[i]! : 1) * (x[i]! - y[i]!)) / Math.max((1 - x[i]!) * x[i]!, 1e-12),
    targetGrad: (i) => -(w ? w[i]! : 1) * Math.log(x[i]! / (1 - x[i]!)),
  });
}

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
  const op = 'binaryCrossEntropyWithLogits';
  const { reduction = 'mean', weight = null, posWeight = null } = options;
  checkReduction(op, reduction);
  checkFloatInput(op, input);
  checkFloatTarget(op, target);
  checkSameShape(op, input, target);
  const w = elementWeights(op, 'weight', weight, input.shape);
  const p = elementWeights(op, 'posWeight', posWeight, input.shape);
  const x = input.storage;
  const y = target.storage;
  return pointwiseLoss(op, input, target, reduction, {
    loss: (i) =>
      (w ? w[i]! : 1) * ((1 - y[i]!) * x[i]! + (1 + ((p ? p[i]! : 1) - 1) * y[i]!) * negLogSigmoid(x[i]!)),
    inputGrad: (i) => {
      const pi = p ? p[i]! : 1;
      return (w ? w[i]! : 1) * ((1 + (pi - 1) * y[i]!) * sigmoidOf(x[i]!) - pi * y[i]!);
    },
    targetGrad: (i) => (w ? w[i]! : 1) * (-x[i]! + ((p ? p[i]! : 1) - 1) * negLogSigmoid(x[i]!)),
  });
}

// ---- regression -------------------------------------------------------------------------------------------

function regressionDifference(op: string, input: Tensor, target: Tensor, reduction: string): Tensor {
  checkReduction(op, reduction);
  checkFloatInput(op, input);
  checkFloatTarget(op, target);
  checkSameShape(op, input, target);
  return sub(input, target);
}

/**
 * Mean squared error (torch.nn.functional.mse_loss): lᵢ = (xᵢ − yᵢ)².
 * Unlike PyTorch, a target whose shape differs from the input's is a ShapeError, not a broadcast with a warning.
 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const { reduction = 'mean' } = options;
  return reduceLoss(square(regressionDifference('mseLoss', input, target, reduction)), reduction);
}

/** Mean absolute error (torch.nn.functional.l1_loss): lᵢ = |xᵢ − yᵢ|; ∂/∂x = sign(x − y). Shapes must match. */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const { reduction = 'mean' } = options;
  return reduceLoss(abs(regressionDifference('l1Loss', input, target, reduction)), reduction);
}

/**
 * Huber loss (torch.nn.functional.huber_loss), with d = x − y:
 * l = ½d² where |d| < δ, δ·(|d| − ½δ) elsewhere (default δ = 1). Quadratic near 0, linear in the tails.
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberLossOptions = {}): Tensor {
  const op = 'huberLoss';
  const { reduction = 'mean', delta = 1 } = options;
  checkThreshold(op, 'delta', delta);
  const d = regressionDifference(op, input, target, reduction);
  const size = abs(d);
  const loss = where(lt(size, delta), mul(square(d), 0.5), mul(sub(size, 0.5 * delta), delta));
  return reduceLoss(loss, reduction);
}

/**
 * Smooth L1 loss (torch.nn.functional.smooth_l1_loss), with d = x − y:
 * l = ½d²/β where |d| < β, |d| − ½β elsewhere (default β = 1); β = 0 is exactly the L1 loss.
 * huberLoss with δ equals β times smoothL1Loss with β = δ.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1LossOptions = {}): Tensor {
  const op = 'smoothL1Loss';
  const { reduction = 'mean', beta = 1 } = options;
  checkThreshold(op, 'beta', beta);
  const d = regressionDifference(op, input, target, reduction);
  const size = abs(d);
  if (beta === 0) return reduceLoss(size, reduction);
  const loss = where(lt(size, beta), mul(square(d), 0.5 / beta), sub(size, 0.5 * beta));
  return reduceLoss(loss, reduction);
}

// ---- distributions ----------------------------------------------------------------------------------------

/**
 * Kullback–Leibler divergence (torch.nn.functional.kl_div); the input holds log-probabilities log q:
 * lᵢ = yᵢ·(log yᵢ − xᵢ) (0 where yᵢ = 0), or with `logTarget` lᵢ = e^{yᵢ}·(yᵢ − xᵢ).
 * 'batchmean' = Σlᵢ / N gives KL(y ‖ q) per sample; 'mean' averages over every element, as PyTorch does.
 * Where yᵢ = 0 the gradient with respect to the target is 0 (PyTorch gives NaN).
 */
export function klDiv(input: Tensor, target: Tensor, options: KLDivOptions = {}): Tensor {
  const op = 'klDiv';
  const { reduction = 'mean', logTarget = false } = options;
  checkReduction(op, reduction, true);
  checkFloatInput(op, input);
  checkFloatTarget(op, target);
  checkSameShape(op, input, target);
  const loss = logTarget
    ? mul(exp(target), sub(target, input))
    : sub(mul(target, log(where(eq(target, 0), 1, target))), mul(target, input));
  if (reduction === 'batchmean') {
    const total = sum(loss);
    return input.ndim > 0 ? div(total, input.shape[0]!) : total;
  }
  return reduceLoss(loss, reduction);
}
