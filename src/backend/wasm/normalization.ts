// @file The wasm backend's batch normalization: assembly/normalization.ts on float32 arrays.
import type { FloatArray } from '../../tensor/dtype.js';
import { jsBackend } from '../js/index.js';
import type { Backend } from '../types.js';
import type { WasmLimits } from './limits.js';
import type { WasmRuntime } from './runtime.js';
import { input, output, scratch, stage, type Part } from './staging.js';

/** `data` as a part (`as` input or output), or no bytes (address 0: the kernel's "none") when absent. */
function optional(data: FloatArray | null, as: (data: Float32Array) => Part): Part {
  return data ? as(data as Float32Array) : scratch(0);
}

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
    const call = stage(runtime, [
      input(x.subarray(0, n)),
      output(out.subarray(0, n)),
      optional(weight, input),
      optional(bias, input),
      scratch(3 * channels * 8),
    ]);
    const [xAt, outAt, weightAt, biasAt, statsAt] = call.at;
    runtime.kernels.batchNorm(xAt!, outer, channels, inner, weightAt!, biasAt!, eps, outAt!, statsAt!);
    call.finish();
    const stats = new Float64Array(runtime.f32.buffer, statsAt, 3 * channels);
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
    const call = stage(runtime, [
      input(gradOut.subarray(0, n)),
      input(x.subarray(0, n)),
      optional(gradInput && gradInput.subarray(0, n), output),
      optional(weight, input),
      scratch(3 * channels * 8),
      optional(gradWeight, output),
      optional(gradBias, output),
    ]);
    const [gAt, xAt, inAt, weightAt, statsAt, gradWeightAt, gradBiasAt] = call.at;
    const stats = new Float64Array(runtime.f32.buffer, statsAt, 3 * channels);
    stats.set(mean, 0);
    stats.set(invstd, 2 * channels);
    runtime.kernels.batchNormBackward(
      gAt!,
      xAt!,
      outer,
      channels,
      inner,
      weightAt!,
      statsAt!,
      inAt!,
      gradWeightAt!,
      gradBiasAt!,
    );
    call.finish();
  };
}

export function wasmChannelAffine(runtime: WasmRuntime, limits: WasmLimits): Backend['channelAffine'] {
  return (x, outer, channels, inner, scale, shift, out) => {
    const n = outer * channels * inner;
    if (n < limits.minSize || !float32(x, out)) {
      jsBackend.channelAffine(x, outer, channels, inner, scale, shift, out);
      return;
    }
    const call = stage(
      runtime,
      [input(x.subarray(0, n)), output(out.subarray(0, n)), scratch(2 * channels * 8)],
      true,
    );
    const [xAt, outAt, coefficientsAt] = call.at;
    const coefficients = new Float64Array(runtime.f32.buffer, coefficientsAt, 2 * channels);
    coefficients.set(scale, 0);
    coefficients.set(shift, channels);
    runtime.kernels.channelAffineMap(xAt!, outer, channels, inner, coefficientsAt!, outAt!);
    call.finish();
  };
}
