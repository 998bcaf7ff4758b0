// @file Batch normalization as fused ops: training mode (statistics, normalization, affine, with its VJP) and
// eval mode (one per-channel affine pass).
import { isGradEnabled } from '../autograd/grad-mode.js';
import { exclusiveGrad } from '../autograd/exclusive.js';
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import { DTypeError } from '../errors.js';
import {
  allocateUninitialized,
  isFloat,
  promoteTypes,
  type DType,
  type FloatArray,
} from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { add, mul, rsqrt, square, sub } from './elementwise.js';
import { mean, sum } from './reduce.js';
import { reshape } from './shape.js';

/** What batchNormTraining returns: the output and the batch statistics (not differentiable). */
export interface BatchNormResult {
  out: Tensor;
  /** Per-channel batch mean μ, shape [C]. */
  mean: Tensor;
  /** Per-channel biased batch variance σ², shape [C]. */
  variance: Tensor;
}

/**
 * Training-mode batch normalization of x [N, C, *] over every dim but 1, in one pass of the backend's kernel:
 * y = (x − μ)/√(σ² + ε)·γ + β with μ and σ² (biased) the batch statistics of each channel, accumulated in
 * float64. `weight` (γ) and `bias` (β) are [C] or null. Its VJP is the fused
 * ∂x = γ·invstd·(∂y − mean(∂y) − x̂·mean(∂y·x̂)), ∂γ = Σ ∂y·x̂, ∂β = Σ ∂y (x̂ = (x − μ)·invstd); while
 * grad mode is on during backward (createGraph) the same formulas are built from ops, so double backward works.
 * Callers check shapes (nn.functional.batchNorm does).
 */
export function batchNormTraining(
  x: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
): BatchNormResult {
  let dtype: DType = x.dtype;
  for (const t of [weight, bias]) if (t) dtype = promoteTypes(dtype, t.dtype);
  if (!isFloat(dtype)) throw new DTypeError('batchNorm', `expected floating-point input, got ${x.dtype}`);
  const input = x.dtype === dtype ? x : x.to(dtype);
  const gamma = weight && weight.dtype !== dtype ? weight.to(dtype) : weight;
  const beta = bias && bias.dtype !== dtype ? bias.to(dtype) : bias;
  const outer = input.shape[0]!;
  const channels = input.shape[1]!;
  const inner = input.numel() / (outer * channels);
  // Every output of these kernels is overwritten (Backend.batchNorm, batchNormBackward, channelAffine).
  const out = allocateUninitialized(dtype, input.numel()) as FloatArray;
  const mu = new Float64Array(channels);
  const variance = new Float64Array(channels);
  const invstd = new Float64Array(channels);
  backend().batchNorm(
    input.storage as FloatArray,
    outer,
    channels,
    inner,
    gamma ? (gamma.storage as FloatArray) : null,
    beta ? (beta.storage as FloatArray) : null,
    eps,
    out,
    mu,
    variance,
    invstd,
  );
  const inputs = [input, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])];
  const result = record(new Tensor(out, input.shape, dtype), 'batchNorm', inputs, (g) => {
    const gradOut = g.dtype === dtype ? g : g.to(dtype);
    const grads = isGradEnabled()
      ? batchNormGradFromOps(gradOut, input, gamma, eps)
      : batchNormGradFused(gradOut, input, gamma, mu, invstd);
    return [grads.input, ...(gamma ? [grads.weight] : []), ...(beta ? [grads.bias] : [])];
  });
  // The statistics are the kernel's output: on a device backend (webgpu) only the device holds them, so the
  // float32 copy is a kernel too, never a host read.
  const stat = (values: Float64Array): Tensor => {
    if (dtype === 'float64') return new Tensor(values, [channels], dtype);
    const copy = allocateUninitialized(dtype, channels);
    backend().unary('copy', values, copy);
    return new Tensor(copy, [channels], dtype);
  };
  return { out: result, mean: stat(mu), variance: stat(variance) };
}

interface BatchNormGrads {
  input: Tensor | null;
  weight: Tensor | null;
  bias: Tensor | null;
}

/** The VJP from the backend's kernel (grad mode off: the usual backward). */
function batchNormGradFused(
  g: Tensor,
  x: Tensor,
  gamma: Tensor | null,
  mu: Float64Array,
  invstd: Float64Array,
): BatchNormGrads {
  const dtype = x.dtype;
  const channels = x.shape[1]!;
  const outer = x.shape[0]!;
  const inner = x.numel() / (outer * channels);
  const gradInput = x.requiresGrad ? (allocateUninitialized(dtype, x.numel()) as FloatArray) : null;
  const gradWeight = gamma?.requiresGrad ? (allocateUninitialized(dtype, channels) as FloatArray) : null;
  const gradBias = allocateUninitialized(dtype, channels) as FloatArray;
  backend().batchNormBackward(
    g.storage as FloatArray,
    x.storage as FloatArray,
    outer,
    channels,
    inner,
    gamma ? (gamma.storage as FloatArray) : null,
    mu,
    invstd,
    gradInput,
    gradWeight,
    gradBias,
  );
  return {
    input: gradInput ? new Tensor(gradInput, x.shape, dtype) : null,
    weight: exclusiveGrad(gradWeight ? new Tensor(gradWeight, [channels], dtype) : null),
    bias: exclusiveGrad(new Tensor(gradBias, [channels], dtype)),
  };
}

/** The same VJP built from differentiable ops, recomputing the statistics from x (backward with createGraph). */
function batchNormGradFromOps(g: Tensor, x: Tensor, gamma: Tensor | null, eps: number): BatchNormGrads {
  const channels = x.shape[1]!;
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const perChannel = (t: Tensor) => reshape(t, [channels, ...x.shape.slice(2).map(() => 1)]);
  const centered = sub(x, mean(x, dims, true));
  const inv = rsqrt(add(mean(square(centered), dims, true), eps));
  const xhat = mul(centered, inv);
  const scaled = gamma ? mul(g, perChannel(gamma)) : g;
  const input = mul(
    inv,
    sub(sub(scaled, mean(scaled, dims, true)), mul(xhat, mean(mul(scaled, xhat), dims, true))),
  );
  return { input, weight: sum(mul(g, xhat), dims), bias: sum(g, dims) };
}

/**
 * Eval-mode batch normalization of x [N, C, *] with the running statistics, as one pass of the backend's
 * channelAffine kernel: y = x·s + t per channel, s = γ/√(σ² + ε), t = β − μ·s (s and t in float64). Returns null
 * — the caller then builds the same map from differentiable ops — when a gradient is wanted (grad mode on and
 * an input requires grad), the tensors do not share one float dtype, or the backend reads only asynchronously
 * (its running statistics live on the device).
 */
export function batchNormInference(
  x: Tensor,
  runningMean: Tensor,
  runningVar: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
): Tensor | null {
  const tensors = [x, runningMean, runningVar, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  if (!isFloat(x.dtype) || tensors.some((t) => t.dtype !== x.dtype)) return null;
  if (isGradEnabled() && tensors.some((t) => t.requiresGrad)) return null;
  // s and t are computed on the host; a device backend (webgpu) keeps the running statistics on the device.
  if (!backend().readsSync) return null;
  const channels = x.shape[1]!;
  const outer = x.shape[0]!;
  const inner = x.numel() / (outer * channels);
  const scale = new Float64Array(channels);
  const shift = new Float64Array(channels);
  const mu = runningMean.storage;
  const sigma2 = runningVar.storage;
  const gamma = weight ? weight.storage : null; // read once: a strided tensor gathers a copy on each read
  const beta = bias ? bias.storage : null;
  for (let c = 0; c < channels; c++) {
    scale[c] = (gamma ? gamma[c]! : 1) / Math.sqrt(sigma2[c]! + eps);
    shift[c] = (beta ? beta[c]! : 0) - mu[c]! * scale[c]!;
  }
  const out = allocateUninitialized(x.dtype, x.numel()) as FloatArray;
  backend().channelAffine(x.storage as FloatArray, outer, channels, inner, scale, shift, out);
  return new Tensor(out, x.shape, x.dtype);
}
