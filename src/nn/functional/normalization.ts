// @file layerNorm and batchNorm, composed from differentiable ops (F.layer_norm, F.batch_norm).
import { noGrad } from '../../autograd/grad-mode.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { add, mean, mul, neg, reshape, rsqrt, square, sub } from '../../ops/index.js';
import { batchNormInference, batchNormTraining } from '../../ops/normalization.js';
import { shapesEqual } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';

/** The normalized shape as a list, checked to be non-empty positive integers. */
export function toNormalizedShape(op: string, normalizedShape: number | readonly number[]): number[] {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  if (shape.length === 0) throw new ValueError(op, 'normalizedShape must have at least one dimension');
  if (!shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ValueError(op, `normalizedShape must hold positive integers, got ${fmtShape(shape)}`);
  }
  return shape;
}

/**
 * Layer normalization over the last dims (torch.nn.functional.layer_norm; Ba et al., 2016):
 * y = (x − E[x])/√(Var[x] + ε)·γ + β, with mean and biased variance taken over the trailing
 * `normalizedShape` dims of each sample; γ (`weight`) and β (`bias`) have shape `normalizedShape`.
 * @throws ShapeError when x does not end with `normalizedShape`, or weight/bias have another shape.
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  const shape = toNormalizedShape('layerNorm', normalizedShape);
  const k = shape.length;
  if (x.ndim < k || !shapesEqual(x.shape.slice(x.ndim - k), shape)) {
    throw new ShapeError(
      'layerNorm',
      `expected input with shape [*, ${shape.join(', ')}] (normalizedShape ${fmtShape(shape)}), got shape ${fmtShape(x.shape)}`,
    );
  }
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && !shapesEqual(t.shape, shape)) {
      throw new ShapeError(
        'layerNorm',
        `${name} of shape ${fmtShape(t.shape)} does not match normalizedShape ${fmtShape(shape)}`,
      );
    }
  }
  const dims = shape.map((_, i) => x.ndim - k + i);
  const centered = sub(x, mean(x, dims, true));
  const variance = mean(square(centered), dims, true);
  let out = mul(centered, rsqrt(add(variance, eps)));
  if (weight) out = mul(out, weight);
  if (bias) out = add(out, bias);
  return out;
}

/**
 * Batch normalization over dim 1 (torch.nn.functional.batch_norm; Ioffe & Szegedy, 2015) for inputs
 * `[N, C, *]`: y = (x − μ)/√(σ² + ε)·γ + β per channel.
 *
 * - `training`: μ and σ² (biased) are the batch statistics over every dim but 1 (one fused op, see
 *   ops/normalization.ts), and the running buffers, when given, are updated in place: r ← (1 − momentum)·r + momentum·s, with the unbiased batch variance
 *   (·n/(n − 1)) for runningVar.
 *   `momentum` may be a 0-d tensor (a cumulative average's 1/count kept on a device).
 * - otherwise μ and σ² are `runningMean` and `runningVar`, which must then be given.
 * @throws ShapeError for inputs with fewer than 2 dims or statistics/affine tensors without C elements;
 *   ValueError when training with one value per channel.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight?: Tensor | null,
  bias?: Tensor | null,
  training = false,
  momentum: number | Tensor = 0.1,
  eps = 1e-5,
): Tensor {
  if (x.ndim < 2) {
    throw new ShapeError(
      'batchNorm',
      `expected an input [N, C, *] with at least 2 dims, got shape ${fmtShape(x.shape)}`,
    );
  }
  const channels = x.shape[1]!;
  for (const [name, t] of [
    ['runningMean', runningMean],
    ['runningVar', runningVar],
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== channels)) {
      throw new ShapeError(
        'batchNorm',
        `${name} should have shape [${channels}] for input of shape ${fmtShape(x.shape)}, got ${fmtShape(t.shape)}`,
      );
    }
  }
  if (training) {
    const count = x.numel() / channels;
    if (count <= 1) {
      throw new ValueError(
        'batchNorm',
        `expected more than 1 value per channel when training, got input shape ${fmtShape(x.shape)}`,
      );
    }
    const stats = batchNormTraining(x, weight ?? null, bias ?? null, eps);
    noGrad(() => {
      const keep = typeof momentum === 'number' ? 1 - momentum : sub(1, momentum);
      if (runningMean) runningMean.copy_(add(mul(runningMean, keep), mul(stats.mean, momentum)));
      if (runningVar) {
        const unbiased = mul(stats.variance, count / (count - 1));
        runningVar.copy_(add(mul(runningVar, keep), mul(unbiased, momentum)));
      }
    });
    return stats.out;
  }
  if (!runningMean || !runningVar) {
    throw new ValueError('batchNorm', 'runningMean and runningVar must be given when not training');
  }
  const fused = batchNormInference(x, runningMean, runningVar, weight ?? null, bias ?? null, eps);
  if (fused) return fused;
  // An affine map per channel, x·scale + shift, with scale = γ/√(σ² + ε) and shift = β − μ·scale, broadcast
  // against [N, C, *] as [C, 1, …, 1].
  let scale = rsqrt(add(runningVar, eps));
  if (weight) scale = mul(scale, weight);
  let shift = neg(mul(runningMean, scale));
  if (bias) shift = add(shift, bias);
  const channelShape = [channels, ...x.shape.slice(2).map(() => 1)];
  return add(mul(x, reshape(scale, channelShape)), reshape(shift, channelShape));
}
