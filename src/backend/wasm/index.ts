// @file The wasm backend: WebAssembly SIMD kernels where they pay off, the js kernels for everything else.
import { jsBackend } from '../js/index.js';
import type { Backend } from '../types.js';
import { wasmCol2im, wasmIm2col, wasmMaxPool2d, wasmMaxPool2dBackward } from './conv.js';
import { wasmConv2d, wasmConv2dInputGrad, wasmConv2dWeightGrad } from './convolution.js';
import { wasmBinary, wasmUnary, wasmUnaryGrad } from './elementwise.js';
import { DEFAULT_LIMITS, type WasmLimits } from './limits.js';
import { wasmClassIndexLoss, wasmClassIndexLossBackward } from './loss.js';
import { wasmMatmul } from './matmul.js';
import { wasmBatchNorm, wasmBatchNormBackward, wasmChannelAffine } from './normalization.js';
import { wasmOptimizerStep } from './optim.js';
import { probeFeatures, type Validate, type WasmFeatures } from './probe.js';
import { wasmReduce, wasmSoftmax } from './reduce.js';
import { wasmRecurrenceBackward, wasmRecurrenceForward } from './recurrent.js';
import { loadRuntime, loadRuntimeAsync, type WasmRuntime } from './runtime.js';

export { DEFAULT_LIMITS, NO_LIMITS, type WasmLimits } from './limits.js';
export { probeFeatures, type Validate, type WasmFeatures } from './probe.js';

/**
 * The wasm backend over a loaded runtime: the js backend with SIMD kernels overriding the entries that dominate
 * training (matmul, whole convolutions, batch norm, elementwise arithmetic and activations, sums, softmax, im2col/col2im, max pooling, optimizer steps, the LSTM's recurrence). Each
 * override handles float32 inputs above `limits` and hands anything else (float64, other dtypes and ops, small
 * inputs) to the js kernel, which stays the oracle. While it is active, float32 storage of ops is allocated in
 * the runtime's linear memory (`resident`), which the kernels read and write without copies.
 */
export function wasmBackendFrom(runtime: WasmRuntime, limits: WasmLimits = DEFAULT_LIMITS): Backend {
  return {
    ...jsBackend,
    name: 'wasm',
    kernelBuild: runtime.relaxedSimd ? 'relaxed-simd' : 'simd',
    ...(runtime.resident ? { resident: runtime.resident } : {}),
    matmul: wasmMatmul(runtime, limits),
    binary: wasmBinary(runtime, limits),
    unary: wasmUnary(runtime, limits),
    unaryGrad: wasmUnaryGrad(runtime, limits),
    reduce: wasmReduce(runtime, limits),
    softmax: wasmSoftmax(runtime, limits),
    conv2d: wasmConv2d(runtime, limits),
    conv2dInputGrad: wasmConv2dInputGrad(runtime, limits),
    conv2dWeightGrad: wasmConv2dWeightGrad(runtime, limits),
    im2col: wasmIm2col(runtime, limits),
    col2im: wasmCol2im(runtime, limits),
    maxPool2d: wasmMaxPool2d(runtime, limits),
    maxPool2dBackward: wasmMaxPool2dBackward(runtime, limits),
    batchNorm: wasmBatchNorm(runtime, limits),
    batchNormBackward: wasmBatchNormBackward(runtime, limits),
    channelAffine: wasmChannelAffine(runtime, limits),
    optimizerStep: wasmOptimizerStep(runtime, limits),
    classIndexLoss: wasmClassIndexLoss(runtime, limits),
    classIndexLossBackward: wasmClassIndexLossBackward(runtime, limits),
    recurrenceForward: wasmRecurrenceForward(runtime, limits),
    recurrenceBackward: wasmRecurrenceBackward(runtime, limits),
  };
}

/**
 * The build to load for probed `features`: the relaxed-SIMD (fused multiply-add) build where the engine has it,
 * unless `relaxedSimd` is '0' (NEURITE_RELAXED_SIMD=0 in Node). The plain build computes the same bits on every
 * engine and machine; the fused one rounds once per multiply-add where the hardware fuses, so its last bits
 * depend on the machine.
 */
export function preferredFeatures(
  features: WasmFeatures,
  relaxedSimd: string | undefined = globalThis.process?.env?.['NEURITE_RELAXED_SIMD'],
): WasmFeatures {
  return relaxedSimd === '0' ? { ...features, relaxedSimd: false } : features;
}

/**
 * The wasm backend if this engine validates WebAssembly SIMD and compiles the kernels synchronously, else
 * null (the caller keeps the js backend). `validate` replaces WebAssembly.validate in the probe (tests use it
 * to simulate an engine without SIMD).
 */
export function createWasmBackend(validate?: Validate): Backend | null {
  const runtime = loadRuntime(preferredFeatures(probeFeatures(validate)));
  return runtime ? wasmBackendFrom(runtime) : null;
}

/** As createWasmBackend, compiling asynchronously (browsers' main threads refuse large synchronous compiles). */
export async function createWasmBackendAsync(
  features: WasmFeatures = preferredFeatures(probeFeatures()),
): Promise<Backend | null> {
  const runtime = await loadRuntimeAsync(features);
  return runtime ? wasmBackendFrom(runtime) : null;
}
