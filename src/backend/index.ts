// @file Backend registry: the active backend, setBackend and getBackend. Only ops/ imports this.
import { ValueError } from '../errors.js';
import { setResidentAllocator } from '../tensor/dtype.js';
import { jsBackend } from './js/index.js';
import { guardedAgainstLost } from './lost-guard.js';
import type { Backend } from './types.js';
import type { WebGpuBackend } from './webgpu/index.js';
import { ResidentStorage, type ResidentStats } from './wasm/arena-storage.js';
import { createWasmBackend, createWasmBackendAsync, probeFeatures } from './wasm/index.js';

export { getNumThreads, setNumThreads } from './wasm/threads.js';
export type { Backend, BinaryOp, ReduceOp, UnaryGradOp, UnaryOp } from './types.js';

const registry = new Map<string, Backend>([['js', jsBackend]]);
const wasmBackend = createWasmBackend();
if (wasmBackend) registry.set('wasm', wasmBackend);

/** NEURITE_BACKEND=js|wasm (Node) picks the start-up backend, e.g. to run the whole test suite on one. */
const requested = globalThis.process?.env?.['NEURITE_BACKEND'] || undefined;
let chosen = requested !== undefined; // an explicit choice is never overridden by the async fallback below
let active: Backend =
  requested === undefined ? (wasmBackend ?? jsBackend) : lookup(requested, 'NEURITE_BACKEND');
setResidentAllocator(active.resident ?? null);

/** Whether a WebGPU device has been lost in this process: CPU backends then check their operands (lost-guard.ts). */
let deviceLost = false;

/** Makes `b` the active backend: its kernels, and its storage for the float32 arrays ops allocate. */
function activate(b: Backend): void {
  active = deviceLost && b.name !== 'webgpu' ? guardedAgainstLost(b) : b;
  setResidentAllocator(b.resident ?? null);
}

/**
 * What the wasm backend's tensor storage holds now (arena blocks and bytes, fallbacks to plain arrays, blocks
 * returned), or null without a wasm backend or arena. bench/memory.ts prints it.
 */
export function residentStorageStats(): ResidentStats | null {
  const storage = registry.get('wasm')?.resident;
  return storage instanceof ResidentStorage ? storage.stats : null;
}

/**
 * Resolves once the fastest backend is in place. Engines with SIMD that refuse a synchronous compile (browsers'
 * main threads, for larger modules) start on js and switch to wasm here unless a backend was chosen meanwhile.
 */
export const backendReady: Promise<void> =
  wasmBackend || !probeFeatures().simd
    ? Promise.resolve()
    : createWasmBackendAsync().then((late) => {
        if (!late) return;
        registry.set('wasm', late);
        if (!chosen) activate(late);
      });

function lookup(name: string, op: string): Backend {
  const found = registry.get(name);
  if (!found)
    throw new ValueError(op, `unknown backend '${name}' (available: ${[...registry.keys()].join(', ')})`);
  return found;
}

/** The backend that kernels run on now. */
export function backend(): Backend {
  return active;
}

/** Name of the active backend: 'wasm' where WebAssembly SIMD is available, else 'js' (or 'webgpu' once set). */
export function getBackend(): string {
  return active.name;
}

/** Counts setBackend calls, so a switch that finishes later yields to any call made meanwhile. */
let switches = 0;

/**
 * Selects a backend by name: 'js' (the reference), 'wasm' (SIMD kernels), or 'webgpu' (compute shaders;
 * browsers with WebGPU). `setBackend('webgpu')` is asynchronous: it requests an adapter and a device the first
 * time, and rejects with a NeuriteError where `navigator.gpu` or an adapter is missing (Node today).
 *
 * Leaving webgpu is asynchronous too: the returned promise resolves once every array whose newest values are
 * on the GPU has been downloaded, and only then does the new backend take over (until then ops keep running on
 * webgpu, so nothing reads a stale host copy). From js or wasm to js or wasm the switch is immediate.
 */
export function setBackend(name: 'webgpu'): Promise<void>;
export function setBackend(name: string): void | Promise<void>;
export function setBackend(name: string): void | Promise<void> {
  chosen = true;
  const generation = ++switches;
  if (name === 'webgpu') return activateWebGpu(generation);
  const next = lookup(name, 'setBackend');
  if (active.name === 'webgpu' && next !== active)
    return leaveWebGpu(active as WebGpuBackend, next, generation);
  activate(next);
}

async function activateWebGpu(generation: number): Promise<void> {
  let gpu = registry.get('webgpu') as WebGpuBackend | undefined;
  if (gpu === undefined || gpu.context.batch.isLost) {
    if (gpu !== undefined) deviceLost = true;
    gpu?.context.storage.markLost();
    const { createWebGpuBackend } = await import('./webgpu/index.js');
    const created: WebGpuBackend = await createWebGpuBackend({
      isActive: () => active === created,
      foreignMemory: wasmMemoryBuffers(),
      lostBuffers: gpu?.context.storage.lostBuffers() ?? [],
    });
    registry.set('webgpu', created);
    gpu = created;
  }
  if (generation !== switches || active === gpu) return;
  // A wasm backend compiled after this device was created (browsers compile it asynchronously).
  for (const memory of wasmMemoryBuffers()) gpu.context.storage.addForeignMemory(memory);
  gpu.invalidate(); // the other backend may have written host copies that the GPU saw before
  activate(gpu);
}

async function leaveWebGpu(gpu: WebGpuBackend, next: Backend, generation: number): Promise<void> {
  while (!gpu.context.batch.isLost && gpu.context.storage.deviceNewerCount > 0) await gpu.syncToHost();
  if (generation !== switches || active !== gpu) return;
  // After a loss the GPU-newer values are gone: refused and NaN on the host rather than silently stale.
  if (gpu.context.batch.isLost) {
    gpu.context.storage.markLost();
    deviceLost = true;
  } else gpu.invalidate();
  activate(next);
}

/** The wasm backend's arena (its blocks of linear memory): the webgpu backend gives each block one GPU buffer. */
function wasmMemoryBuffers(): ResidentStorage[] {
  const resident = registry.get('wasm')?.resident;
  return resident instanceof ResidentStorage ? [resident] : [];
}

/** Makes a backend selectable with setBackend. */
export function registerBackend(b: Backend): void {
  registry.set(b.name, b);
}
