// @file The bench's two builds of the wasm kernels as backends: 'wasm-simd' (plain SIMD: a multiply, then an add;
// bit-identical on every engine) and 'wasm-fma' (relaxed SIMD's f32x4.relaxed_madd, a fused multiply-add on
// x86-64 with FMA and on ARM). Engines with relaxed SIMD (Node ≥ 22, Chrome ≥ 114) pick the FMA build by default;
// Node 20 has it behind --experimental-wasm-relaxed-simd, which the bench turns on for its own process.
import v8 from 'node:v8';
import { registerBackend } from '../src/backend/index.js';
import { probeFeatures, wasmBackendFrom } from '../src/backend/wasm/index.js';
import { loadRuntime } from '../src/backend/wasm/runtime.js';

export interface Builds {
  /** Whether the FMA build loaded. */
  fma: boolean;
  /** Whether the engine needed the V8 flag for it (Node 20), as opposed to having relaxed SIMD by default. */
  flagged: boolean;
  /** The build that the library picks by default in this process (before the flag). */
  defaultBuild: 'simd' | 'fma' | 'none';
}

export function registerWasmBuilds(): Builds {
  const before = probeFeatures();
  const defaultBuild = !before.simd ? 'none' : before.relaxedSimd ? 'fma' : 'simd';
  const plain = loadRuntime({ simd: before.simd, relaxedSimd: false });
  if (plain) registerBackend({ ...wasmBackendFrom(plain), name: 'wasm-simd' });
  let flagged = false;
  if (before.simd && !before.relaxedSimd) {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    flagged = true;
  }
  const features = probeFeatures();
  const fused = features.relaxedSimd ? loadRuntime(features) : null;
  if (fused) registerBackend({ ...wasmBackendFrom(fused), name: 'wasm-fma' });
  return { fma: fused !== null, flagged, defaultBuild };
}
