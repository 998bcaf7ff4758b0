// @file Backend registry: the active backend, setBackend and getBackend. Only ops/ imports this.
import { ValueError } from '../errors.js';
import { setResidentAllocator } from '../tensor/dtype.js';
import { jsBackend } from './js/index.js';
import type { Backend } from './types.js';
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

/** Makes `b` the active backend: its kernels, and its storage for the float32 arrays ops allocate. */
function activate(b: Backend): void {
  active = b;
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

/** Name of the active backend: 'wasm' where WebAssembly SIMD is available, else 'js'. */
export function getBackend(): string {
  return active.name;
}

/** Selects a registered backend by name ('js', the reference, or 'wasm'). */
export function setBackend(name: string): void {
  activate(lookup(name, 'setBackend'));
  chosen = true;
}

/** Makes a backend selectable with setBackend. */
export function registerBackend(b: Backend): void {
  registry.set(b.name, b);
}
