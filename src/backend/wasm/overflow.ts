// @file The float32 overflow check of the wasm products: an output with a NaN is recomputed by the js kernel.
import type { WasmRuntime } from './runtime.js';
import { input, stage } from './staging.js';

/**
 * Whether `out`, a product computed in float32 (matmul, a convolution map), holds a NaN, so that the js kernel
 * must redo it. Besides the NaNs that the inputs carry, the float32 kernels make NaNs of their own, ∞ − ∞
 * between terms that overflowed float32 (the product 3e38·3 beside a −∞ term), where the js kernels,
 * accumulating in float64, give the sum the terms have (−∞ there); redoing the call keeps the wasm backend
 * equal to its oracle. The check is a SIMD scan of `out` in linear memory, under 1 % of the product's time
 * (0.3–0.9 ms for a 64×32×28×28 convolution output beside 130 ms of convolution; no copy when `out` is storage in linear memory); the redo costs the js
 * kernel's time, paid only by computations that already hold a NaN.
 */
export function holdsNaN(runtime: WasmRuntime, out: Float32Array): boolean {
  if (out.length === 0) return false;
  const [at] = stage(runtime, [input(out)]).at;
  return runtime.kernels.hasNaN(at!, out.length) !== 0;
}
