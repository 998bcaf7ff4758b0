// @file Fused loss ops: NLL / cross-entropy (class indices or probabilities) and binary cross-entropy, one kernel each way.
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import type { ClassLossSpec, LossUpstream, PointwiseLossKind } from '../backend/types.js';
import { ValueError } from '../errors.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import { hostValues } from '../tensor/host-gate.js';
import { Tensor } from '../tensor/tensor.js';
import { mul } from './elementwise.js';
import { reshape } from './shape.js';

export type { ClassLossSpec } from '../backend/types.js';

/** How per-element losses are combined: averaged, summed, or returned as they are. */
export type LossReduction = 'mean' | 'sum' | 'none';

/** The loss tensor: the per-position losses for 'none', else their sum or sum / denominator, in `like`'s dtype. */
function reduced(
  losses: Float64Array,
  sums: Float64Array,
  shape: readonly number[],
  reduction: LossReduction,
  like: Tensor,
): Tensor {
  if (!backend().readsSync) return reducedOnDevice(losses, sums, shape, reduction, like);
  if (reduction === 'none') {
    const out = allocate(like.dtype, losses.length);
    out.set(losses);
    return new Tensor(out, shape, like.dtype);
  }
  const out = allocate(like.dtype, 1);
  out[0] = reduction === 'sum' ? sums[0]! : sums[0]! / sums[1]!;
  return new Tensor(out, [], like.dtype);
}

/** `reduced` where the kernels wrote `losses` and `sums` on a device (webgpu): the same values, by kernels. */
function reducedOnDevice(
  losses: Float64Array,
  sums: Float64Array,
  shape: readonly number[],
  reduction: LossReduction,
  like: Tensor,
): Tensor {
  const kernels = backend();
  const out = allocate(like.dtype, reduction === 'none' ? losses.length : 1);
  if (reduction === 'none') kernels.unary('copy', losses, out);
  else if (reduction === 'sum') kernels.unary('copy', sums.subarray(0, 1), out);
  else kernels.binary('div', sums.subarray(0, 1), [], sums.subarray(1, 2), [], out, []);
  return new Tensor(out, reduction === 'none' ? shape : [], like.dtype);
}

const ONE = Float64Array.of(1);

/**
 * The upstream gradient for a fused backward kernel. Usually g is a constant that the kernel multiplies in
 * (no extra pass). When g itself requires grad (backward with createGraph), the kernel sees 1 and g goes
 * through a recorded mul (`finish`), so the result stays differentiable with respect to g; `view` gives g
 * shaped to broadcast over the input.
 */
function upstreamOf(
  gradOutput: Tensor,
  perPosition: boolean,
  scale: number,
  view: () => Tensor,
): { g: LossUpstream; finish: (local: Tensor) => Tensor } {
  if (gradOutput.requiresGrad) return { g: { values: ONE, step: 0, scale }, finish: (l) => mul(view(), l) };
  return {
    g: { values: gradOutput.storage as FloatArray, step: perPosition ? 1 : 0, scale },
    finish: (l) => l,
  };
}

/** Throws unless every class index is in [0, C) or equals ignoreIndex, naming the first that is not. */
function checkClassIndices(op: string, target: Tensor, classes: number, ignoreIndex: number): void {
  const data = hostValues(target.storage, op);
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

/** g shaped to broadcast over class scores: [N, 1, d1, …] for per-position losses, a scalar otherwise. */
function classGradView(gradOutput: Tensor, input: Tensor, spec: ClassLossSpec, reduction: LossReduction) {
  if (reduction !== 'none' || input.ndim < 2) return gradOutput;
  return reshape(gradOutput, [spec.batch, 1, ...input.shape.slice(2)]);
}

/**
 * NLL (`logits` false: input holds log-probabilities) or cross-entropy (`logits` true) with int32 class-index
 * targets of shape `outShape`, already checked for shape: per position lᵢ = (1 − ε)·(−w_t·log p_t) +
 * (ε/C)·(−Σ_c w_c·log p_c), 0 where t = ignoreIndex; 'mean' divides Σlᵢ by Σ w_t. Recorded as `op`; the
 * gradient is the softmax minus the (smoothed, weighted) one-hot.
 * @throws ValueError naming the first target outside [0, C) that is not ignoreIndex.
 */
export function classIndexLoss(
  op: string,
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  spec: ClassLossSpec,
  logits: boolean,
  reduction: LossReduction,
  outShape: readonly number[],
): Tensor {
  checkClassIndices(op, target, spec.classes, spec.ignoreIndex);
  const kernels = backend();
  const x = input.storage as FloatArray;
  const w = weight ? (weight.storage as FloatArray) : null;
  const positions = spec.batch * spec.inner;
  const normalisers = logits ? new Float64Array(positions) : null;
  const losses = new Float64Array(positions);
  const sums = new Float64Array(2);
  kernels.classIndexLoss(spec, x, target.storage, w, normalisers, losses, sums);
  const out = reduced(losses, sums, outShape, reduction, input);
  return record(out, op, [input], (gradOutput) => {
    // The weighted mean's denominator Σ w_t is on the device for webgpu: the gradient is divided by it there.
    const onDevice = reduction === 'mean' && !backend().readsSync;
    const scale = reduction === 'mean' && !onDevice ? 1 / sums[1]! : 1;
    const { g, finish } = upstreamOf(gradOutput, reduction === 'none', scale, () =>
      classGradView(gradOutput, input, spec, reduction),
    );
    const grad = allocate(input.dtype, input.numel()) as FloatArray;
    backend().classIndexLossBackward(spec, x, target.storage, w, normalisers, g, grad);
    if (onDevice) divideByTotalWeight(grad, input.shape, sums.subarray(1, 2));
    return [finish(new Tensor(grad, input.shape, input.dtype))];
  });
}

/**
 * grad /= Σw on the device, as the host path's scale 1/Σw: with every target ignored (Σw = 0) the gradient is
 * all zeros and stays so (divided by 1), as in PyTorch, instead of 0/0.
 */
function divideByTotalWeight(grad: FloatArray, shape: readonly number[], total: Float64Array): void {
  const kernels = backend();
  const isZero = new Uint8Array(1);
  kernels.binary('eq', total, [], Float64Array.of(0), [], isZero, []);
  const divisor = new Float64Array(1);
  kernels.binary('add', total, [], isZero, [], divisor, []);
  kernels.binary('div', grad, shape, divisor, [], grad, shape);
}

/**
 * Cross-entropy with class-probability targets y (the input's shape), smoothed to y' = (1 − ε)·y + ε/C:
 * lᵢ = −Σ_c w_c·y'_c·log p_c; 'mean' divides by the number of positions. Differentiable in input and target.
 */
export function classProbabilityLoss(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  spec: ClassLossSpec,
  reduction: LossReduction,
  outShape: readonly number[],
): Tensor {
  const x = input.storage as FloatArray;
  const y = target.storage as FloatArray;
  const w = weight ? (weight.storage as FloatArray) : null;
  const positions = spec.batch * spec.inner;
  const normalisers = new Float64Array(positions);
  const losses = new Float64Array(positions);
  const sums = new Float64Array(2);
  backend().classProbabilityLoss(spec, x, y, w, normalisers, losses, sums);
  const out = reduced(losses, sums, outShape, reduction, input);
  return record(out, 'crossEntropy', [input, target], (gradOutput) => {
    const scale = reduction === 'mean' ? 1 / positions : 1;
    const { g, finish } = upstreamOf(gradOutput, reduction === 'none', scale, () =>
      classGradView(gradOutput, input, spec, reduction),
    );
    const inputGrad = input.requiresGrad ? (allocate(input.dtype, input.numel()) as FloatArray) : null;
    const targetGrad = target.requiresGrad ? (allocate(target.dtype, target.numel()) as FloatArray) : null;
    backend().classProbabilityLossBackward(spec, x, y, w, normalisers, g, inputGrad, targetGrad);
    return [
      inputGrad ? finish(new Tensor(inputGrad, input.shape, input.dtype)) : null,
      targetGrad ? finish(new Tensor(targetGrad, target.shape, target.dtype)) : null,
    ];
  });
}

/** Throws unless every element of a BCE input is a probability in [0, 1], naming the first that is not. */
export function checkProbabilities(op: string, input: Tensor): void {
  const x = hostValues(input.storage, op);
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
}

/**
 * A fused elementwise loss (backend/js/loss.ts has the formulas) of input and target of one shape, with
 * optional weights already broadcast to it (constants: they get no gradient); 'mean' divides by the element
 * count. Differentiable in input and target.
 */
export function pointwiseLoss(
  op: string,
  kind: PointwiseLossKind,
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  posWeight: Tensor | null,
  reduction: LossReduction,
): Tensor {
  const count = input.numel();
  const x = input.storage as FloatArray;
  const y = target.storage as FloatArray;
  const w = weight ? (weight.storage as FloatArray) : null;
  const p = posWeight ? (posWeight.storage as FloatArray) : null;
  const losses = reduction === 'none' ? new Float64Array(count) : null;
  const sums = Float64Array.of(0, count);
  backend().pointwiseLoss(kind, x, y, w, p, losses, sums);
  const out = reduced(losses ?? sums, sums, input.shape, reduction, input);
  return record(out, op, [input, target], (gradOutput) => {
    const scale = reduction === 'mean' ? 1 / count : 1;
    const { g, finish } = upstreamOf(gradOutput, reduction === 'none', scale, () => gradOutput);
    return ([input, target] as const).map((t, k) => {
      if (!t.requiresGrad) return null;
      const local = allocate(t.dtype, count) as FloatArray;
      backend().pointwiseLossBackward(kind, k === 0 ? 'input' : 'target', x, y, w, p, g, local);
      return finish(new Tensor(local, t.shape, t.dtype));
    });
  });
}
