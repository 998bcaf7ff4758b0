// @file The js backend's batch normalization kernels: per-channel statistics, normalization and its VJP.
import type { FloatArray } from '../../tensor/dtype.js';

/** Backend.batchNorm: two passes for μ and σ² (centred, float64), one for the output. */
export function batchNorm(
  x: FloatArray,
  outer: number,
  channels: number,
  inner: number,
  weight: FloatArray | null,
  bias: FloatArray | null,
  eps: number,
  out: FloatArray,
  mean: Float64Array,
  variance: Float64Array,
  invstd: Float64Array,
): void {
  const count = outer * inner;
  const stride = channels * inner;
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let n = 0; n < outer; n++) {
      const start = n * stride + c * inner;
      for (let i = start; i < start + inner; i++) sum += x[i]!;
    }
    const mu = sum / count;
    let squares = 0;
    for (let n = 0; n < outer; n++) {
      const start = n * stride + c * inner;
      for (let i = start; i < start + inner; i++) {
        const d = x[i]! - mu;
        squares += d * d;
      }
    }
    const sigma2 = squares / count;
    const inv = 1 / Math.sqrt(sigma2 + eps);
    mean[c] = mu;
    variance[c] = sigma2;
    invstd[c] = inv;
    // out = x·scale + shift, with scale = γ·invstd and shift = β − μ·scale.
    const scale = (weight ? weight[c]! : 1) * inv;
    const shift = (bias ? bias[c]! : 0) - mu * scale;
    for (let n = 0; n < outer; n++) {
      const start = n * stride + c * inner;
      for (let i = start; i < start + inner; i++) out[i] = x[i]! * scale + shift;
    }
  }
}

/** Backend.channelAffine: out = x·scale[c] + shift[c] per channel. */
export function channelAffine(
  x: FloatArray,
  outer: number,
  channels: number,
  inner: number,
  scale: Float64Array,
  shift: Float64Array,
  out: FloatArray,
): void {
  for (let n = 0, i = 0; n < outer; n++) {
    for (let c = 0; c < channels; c++) {
      const a = scale[c]!;
      const b = shift[c]!;
      for (let end = i + inner; i < end; i++) out[i] = x[i]! * a + b;
    }
  }
}

/** Backend.batchNormBackward: one pass for Σ∂y and Σ∂y·x̂ per channel, one for ∂x. */
export function batchNormBackward(
  gradOut: FloatArray,
  x: FloatArray,
  outer: number,
  channels: number,
  inner: number,
  weight: FloatArray | null,
  mean: Float64Array,
  invstd: Float64Array,
  gradInput: FloatArray | null,
  gradWeight: FloatArray | null,
  gradBias: FloatArray | null,
): void {
  const count = outer * inner;
  const stride = channels * inner;
  for (let c = 0; c < channels; c++) {
    const mu = mean[c]!;
    const inv = invstd[c]!;
    let sumDy = 0;
    let sumDyXc = 0; // Σ ∂y·(x − μ); Σ ∂y·x̂ = invstd·sumDyXc
    for (let n = 0; n < outer; n++) {
      const start = n * stride + c * inner;
      for (let i = start; i < start + inner; i++) {
        const dy = gradOut[i]!;
        sumDy += dy;
        sumDyXc += dy * (x[i]! - mu);
      }
    }
    const sumDyXhat = sumDyXc * inv;
    if (gradBias) gradBias[c] = sumDy;
    if (gradWeight) gradWeight[c] = sumDyXhat;
    if (!gradInput) continue;
    // ∂x = k·(∂y − Σ∂y/M − x̂·Σ∂y·x̂/M) with k = γ·invstd and x̂ = (x − μ)·invstd, i.e. a·∂y + b·x + d
    // (float64 arithmetic here, so the regrouping costs no precision).
    const k = (weight ? weight[c]! : 1) * inv;
    const meanDy = sumDy / count;
    const slope = (sumDyXhat * inv) / count; // multiplies (x − μ)
    const a = k;
    const b = -k * slope;
    const d = -k * meanDy + k * slope * mu;
    for (let n = 0; n < outer; n++) {
      const start = n * stride + c * inner;
      for (let i = start; i < start + inner; i++) gradInput[i] = a * gradOut[i]! + b * x[i]! + d;
    }
  }
}
