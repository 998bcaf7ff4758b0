// @file TensorFlow.js for the benchmarks: its cpu and wasm backends in Node, quiet, wasm binaries read from disk,
// and its gradients, which tfjs-core's bundle leaves out (the `@tensorflow/tfjs` umbrella package registers them).
import { buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfWasm from '@tensorflow/tfjs-backend-wasm';

type Extensions = Record<
  string,
  (module: { _compile(source: string, filename: string): void }, filename: string) => void
>;

/**
 * Requires CommonJS packages with Node's plain loader rather than tsx's. tsx runs every required .js file that
 * mentions `import` or `export` through a WebAssembly lexer whose memory grows on large files (tfjs-core's
 * bundle is 1.2 MB), detaching an ArrayBuffer: that slows all typed-array code in the process (see index.ts).
 * A plain `node` process loading tfjs does not pay this, so neither should neurite nor tfjs-cpu here.
 */
function requirePlain(ids: readonly string[]): unknown[] {
  const require = createRequire(import.meta.url);
  const extensions = (Module as unknown as { _extensions: Extensions })._extensions;
  const tsxLoader = extensions['.js']!;
  extensions['.js'] = (module, filename) => module._compile(readFileSync(filename, 'utf8'), filename);
  try {
    return ids.map((id) => require(id) as unknown);
  } finally {
    extensions['.js'] = tsxLoader;
  }
}

const [core, , wasmBackend] = requirePlain([
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
]);
const tf = core as typeof TfCore;
const { setWasmPaths } = wasmBackend as typeof TfWasm;

/**
 * Registers tfjs's gradient functions, as `import '@tensorflow/tfjs-core/dist/register_all_gradients'` in the
 * `@tensorflow/tfjs` package does: without them, training fails ("gradient function not found for RealDiv").
 * That module is ES2017 with extensionless imports, so esbuild (which tsx and vite bring) bundles it to CommonJS
 * in memory; it is compiled with Node's plain loader, as above. Its own copy of tfjs-core's modules shares the
 * engine and the kernel and gradient registries, which tfjs keeps on globalThis.
 */
function registerGradients(): void {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  const { outputFiles } = buildSync({
    entryPoints: [entry],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    write: false,
    logLevel: 'error',
  });
  const gradients = new Module(entry) as Module & { _compile(source: string, filename: string): void };
  gradients.filename = entry;
  gradients._compile(outputFiles[0]!.text, entry);
}

registerGradients();

export { tf };
export type TfTensor = TfCore.Tensor;
export type TfBackend = 'cpu' | 'wasm';

export interface WasmInfo {
  simd: boolean;
  threads: boolean;
}

/** Registers the cpu backend (the wasm one starts later, see initWasm) and makes it active. */
export async function initTfjs(): Promise<string> {
  // PROD turns off tfjs's debug checks and its "install tfjs-node" banner.
  tf.env().set('PROD', true);
  await useBackend('cpu');
  return tf.version_core;
}

/**
 * Starts the wasm backend and reports what it runs with. Its memory grows as tensors are allocated, which
 * detaches ArrayBuffers: see `detachArrayBuffer` in index.ts for what that does to all JavaScript code.
 */
export async function initWasm(): Promise<WasmInfo> {
  // The package's main file lives in dist/, next to the .wasm binaries; Node needs a path with a trailing slash.
  const require = createRequire(import.meta.url);
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + sep);
  await useBackend('wasm');
  return {
    simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
    threads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
  };
}

/** Makes `name` the active backend (tensors stay where they were created). */
export async function useBackend(name: TfBackend): Promise<void> {
  if (tf.getBackend() === name) return;
  if (!(await tf.setBackend(name))) throw new Error(`tfjs: backend '${name}' failed to initialise`);
  await tf.ready();
}
