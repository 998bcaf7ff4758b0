// @file Classification losses: nllLoss and crossEntropy (class indices or probabilities), fused forward and backward.
import { checkOptions } from '../../options.js';
import { record } from '../../autograd/node.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { reshape } from '../../ops/shape.js';
import { allocate, isFloat, type TypedArray } from '../../tensor/dtype.js';
import { shapesEqual } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import {
  CROSS_ENTROPY_KEYS,
  NLL_LOSS_KEYS,
  checkFloatInput,
  checkLabelSmoothing,
  checkReduction,
  reduceFused,
  upstream,
  type CrossEntropyOptions,
  type NLLLossOptions,
  type Reduction,
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
  checkOptions('nllLoss', options, NLL_LOSS_KEYS);
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
