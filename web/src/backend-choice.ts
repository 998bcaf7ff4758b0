// @file Choosing the compute backend inside a training worker: WebGPU where the browser has an adapter and neurite
// has a `webgpu` backend, else wasm, with a note that says why. The pages show the result (backend, adapter).
import { backendReady, getBackend, setBackend, zeros } from 'neurite';

/** The backends a page offers. */
export const BACKEND_CHOICES = ['webgpu', 'wasm'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** What a worker ended up running on. */
export interface BackendStatus {
  /** The backend the worker asked for. */
  requested: BackendChoice;
  /** The active backend's name: 'webgpu', 'wasm' (or 'js' where WebAssembly SIMD is missing). */
  backend: string;
  /** The WebGPU adapter (vendor, architecture, description), or null without one. */
  adapter: string | null;
  /** Why the requested backend is not the one in use; null when it is. */
  note: string | null;
}

/** Reads a backend choice from text (a URL parameter, a select's value); anything else is null. */
export function parseBackendChoice(text: string | null | undefined): BackendChoice | null {
  return text === 'webgpu' || text === 'wasm' ? text : null;
}

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
}
interface GpuLike {
  requestAdapter(): Promise<{ info?: AdapterInfoLike } | null>;
}

/** The WebGPU adapter's name (`google swiftshader`, `nvidia ampere`), or null where there is none. */
export async function describeAdapter(): Promise<string | null> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.description].filter((part) => part).join(' ');
    return name || 'unnamed adapter';
  } catch {
    return null;
  }
}

/** Whether this browser has a WebGPU adapter at all (the pages' default is webgpu where it does). */
export async function hasWebGpuAdapter(): Promise<boolean> {
  return (await describeAdapter()) !== null;
}

/** Whether the active backend reads values synchronously (`dataSync`); a GPU backend reads only with `await`. */
export function readsSynchronously(): boolean {
  try {
    // The result of an op, so its values are where the backend computes (a fresh host array reads anywhere).
    zeros([1]).add(1).dataSync();
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes `requested` the active backend, or wasm when it cannot be: no `navigator.gpu`, no adapter, or a neurite
 * build without a `webgpu` backend (setBackend rejects). `setBackend('webgpu')` is awaited, as it requests the
 * device asynchronously; wasm is awaited through `backendReady` (in a browser it may compile late). Callers read
 * values with `await` (or through read-batch.ts), so both backends train the same code.
 */
export async function chooseBackend(requested: BackendChoice): Promise<BackendStatus> {
  await backendReady;
  const adapter = await describeAdapter();
  let note: string | null = null;
  if (requested === 'webgpu') {
    if (!('gpu' in globalThis.navigator)) note = 'this browser has no WebGPU (navigator.gpu is missing)';
    else if (adapter === null) note = 'this browser offers no WebGPU adapter';
    else {
      try {
        const pending: unknown = setBackend('webgpu');
        await pending;
        return { requested, backend: getBackend(), adapter, note: null };
      } catch (error) {
        note = `neurite's webgpu backend did not start: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  }
  try {
    // Leaving webgpu is asynchronous (GPU-newer arrays come back to the host first); between CPU backends it is not.
    const pending: unknown = setBackend('wasm');
    await pending;
  } catch {
    // No WebAssembly SIMD: neurite stays on its js backend, which getBackend() reports.
  }
  return { requested, backend: getBackend(), adapter, note: note && `${note}; training on wasm` };
}

/**
 * One line for a page's status: `webgpu on google swiftshader`, `wasm (WebGPU adapter: google swiftshader)`,
 * `wasm (this browser offers no WebGPU adapter; training on wasm)`.
 */
export function describeStatus(status: BackendStatus): string {
  const where = status.backend === 'webgpu' && status.adapter ? ` on ${status.adapter}` : '';
  const unused = status.backend !== 'webgpu' && status.adapter ? `WebGPU adapter: ${status.adapter}` : null;
  const details = [status.note, unused].filter((part) => part !== null);
  return `${status.backend}${where}${details.length > 0 ? ` (${details.join('; ')})` : ''}`;
}
