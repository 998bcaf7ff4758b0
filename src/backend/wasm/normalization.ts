// @file The wasm backend's batch normalization: assembly/normalization.ts on float32 arrays.
import type { FloatArray } from '../../tensor/dtype.js';
import { jsBackend } from '../js/index.js';
import type { Backend } from '../types.js';
import type { WasmLimits } from './limits.js';
import type { WasmRuntime } from './runtime.js';

/** Float32 when every array given is (nulls do not count). */
function float32(...arrays: (FloatArray | null)[]): boolean {
  return arrays.every((a) => a === null || a instanceof Float32Array);
}

export function wasmBatchNorm(runtime: WasmRuntime, limits: WasmLimits): Backend['batchNorm'] {
  return (x, outer, channels, inner, weight, bias, eps, out, mean, variance, invstd) => {
    const n = outer * channels * inner;
    if (n < limits.minSize || !float32(x, weight, bias, out)) {
      jsBackend.batchNorm(x, outer, channels, inner, weight, bias, eps, out, mean, variance, invstd);
      return;
    }
    const [xAt, outAt, weightAt, biasAt, statsAt] = runtime.layout(
      n * 4,
      n * 4,
      channels * 4,
      channels * 4,
      3 * channels * 8,
    );
    const heap = runtime.f32;
    heap.set(x.subarray(0, n), xAt >> 2);
    if (weight) heap.set(weight, weightAt >> 2);
    if (bias) heap.set(bias, biasAt >> 2);
    runtime.kernels.batchNorm(
      xAt,
      outer,
      channels,
      inner,
      weight ? weightAt : 0,
      bias ? biasAt : 0,
      eps,
      outAt,
      statsAt,
    );
    out.set(heap.subarray(outAt >> 2, (outAt >> 2) + n));
    const stats = new Float64Array(heap.buffer, statsAt, 3 * channels);
    mean.set(stats.subarray(0, channels));
    variance.set(stats.subarray(channels, 2 * channels));
    invstd.set(stats.subarray(2 * channels));
  };
}

export function wasmBatchNormBackward(
  runtime: WasmRuntime,
  limits: WasmLimits,
): Backend['batchNormBackward'] {
  return (gradOut, x, outer, channels, inner, weight, mean, invstd, gradInput, gradWeight, gradBias) => {
    const n = outer * channels * inner;
    if (n < limits.minSize || !float32(gradOut, x, weight, gradInput, gradWeight, gradBias)) {
      jsBackend.batchNormBackward(
        gradOut,
        x,
        outer,
        channels,
        inner,
        weight,
        mean,
        invstd,
        gradInput,
        gradWeight,
        gradBias,
      );
      return;
    }
    const [gAt, xAt, inAt, weightAt, statsAt, gradWeightAt, gradBiasAt] = runtime.layout(
      n * 4,
      n * 4,
      gradInput ? n * 4 : 0,
      channels * 4,
      3 * channels * 8,
      channels * 4,
      channels * 4,
    );
    const heap = runtime.f32;
    heap.set(gradOut.subarray(0, n), gAt >> 2);
    heap.set(x.subarray(0, n), xAt >> 2);
    if (weight) heap.set(weight, weightAt >> 2);
    const stats = new Float64Array(heap.buffer, statsAt, 3 * channels);
    stats.set(mean, 0);
    stats.set(invstd, 2 * channels);
    runtime.kernels.batchNormBackward(
      gAt,
      xAt,
      outer,
      channels,
      inner,
      weight ? weightAt : 0,
      statsAt,
      gradInput ? inAt : 0,
      gradWeight ? gradWeightAt : 0,
      gradBias ? gradBiasAt : 0,
    );
    if (gradInput) gradInput.set(heap.subarray(inAt >> 2, (inAt >> 2) + n));
    if (gradWeight) gradWeight.set(heap.subarray(gradWeightAt >> 2, (gradWeightAt >> 2) + channels));
    if (gradBias) gradBias.set(heap.subarray(gradBiasAt >> 2, (gradBiasAt >> 2) + channels));
  };
}

export function wasmChannelAffine(runtime: WasmRuntime, limits: WasmLimits): Backend['channelAffine'] {
  return (x, outer, channels, inner, scale, shift, out) => {
    const n = outer * channels * inner;
    if (n < limits.minSize || !float32(x, out)) {
      jsBackend.channelAffine(x, outer, channels, inner, scale, shift, out);
      return;
    }
    const [xAt, coefficientsAt] = runtime.layout(n * 4, 2 * channels * 8);
    const heap = runtime.f32;
    heap.set(x.subarray(0, n), xAt >> 2);
    const coefficients = new Float64Array(heap.buffer, coefficientsAt, 2 * channels);
    coefficients.set(scale, 0);
    coefficients.set(shift, channels);
    runtime.kernels.channelAffineMap(xAt, outer, channels, inner, coefficientsAt, xAt);
    out.set(heap.subarray(xAt >> 2, (xAt >> 2) + n));
  };
}
