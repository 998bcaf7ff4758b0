// @file The one-time warning that float64 tensors are computed as float32 on the GPU (WebGPU has no f64).

let shown = false;

/**
 * Warns once per process, when the first float64 tensor is made while webgpu is the backend, that its values are
 * stored and computed as f32 on the GPU (about 7 significant digits) and widened back on reading. Why a warning
 * and not a refusal: PyTorch's MPS backend refuses float64, but on webgpu the golden fixtures and users' float64
 * code would then stop instead of running at float32 precision, which JAX (on accelerators without float64) also
 * chooses, with the same one-time warning. The kernels' internal float64 scratch arrays (batch statistics, loss
 * sums) are not tensors and do not warn. Returns whether it warned (for tests).
 */
export function noteFloat64OnGpu(): boolean {
  if (shown) return false;
  shown = true;
  console.warn(
    'neurite webgpu: a float64 tensor was made. WebGPU has no f64, so float64 tensors are stored and computed ' +
      'as float32 on the GPU (about 7 significant digits) and widened to float64 when read. Use float32 on ' +
      'webgpu, or the wasm or js backend where float64 precision matters. (Shown once.)',
  );
  return true;
}
