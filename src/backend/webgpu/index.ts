// @file The webgpu backend: GPU kernels where they exist, the js reference on current host copies elsewhere.
import type { ResidentAllocator, TypedArray } from '../../tensor/dtype.js';
import { setFloat64Notice } from '../../tensor/dtype-notice.js';
import { setHostGate } from '../../tensor/host-gate.js';
import { jsBackend } from '../js/index.js';
import type { Backend } from '../types.js';
import { type AdapterDescription, acquireDevice } from './device.js';
import { DeviceContext } from './device-context.js';
import type { ForeignMemory } from './foreign-memory.js';
import { elementwiseKernels } from './elementwise.js';
import { noteFloat64OnGpu } from './float64-notice.js';
import { hostFallback, type KernelName } from './fallback.js';
import { webGpuHostGate } from './gate.js';
import { gpuKernels } from './kernels/index.js';
import { layoutKernels } from './layout.js';
import { reduceKernels } from './reduce.js';
import { scanKernels } from './reduce-scan.js';
import type { LostMark } from './storage.js';

export type { AdapterDescription } from './device.js';

/** The webgpu Backend, with what setBackend and the tests need to see of it. */
export interface WebGpuBackend extends Backend {
  readonly name: 'webgpu';
  readonly adapter: AdapterDescription;
  readonly context: DeviceContext;
  /** The kernels that run on the GPU (the rest run the js kernel on current host copies, or refuse). */
  readonly gpuKernelNames: readonly KernelName[];
  /** Downloads every array whose newest values are only on the GPU (before another backend takes over). */
  syncToHost(): Promise<void>;
  /** Forgets which GPU copies are current: after another backend ran, every host copy counts as newest. */
  invalidate(): void;
}

export interface WebGpuOptions {
  /** Whether webgpu is the active backend now (strided copies of the tensor layer run on the GPU only then). */
  readonly isActive: () => boolean;
  /** Other backends' block memory (the wasm arena): one GPU buffer per block (see DeviceStorage). */
  readonly foreignMemory: readonly ForeignMemory[];
  /** What a lost device held newer than the host (`lostBuffers` of its storage): refused. */
  readonly lostBuffers?: readonly LostMark[];
}

/** The Backend entries that are kernels. */
function kernelNames(): KernelName[] {
  return (Object.keys(jsBackend) as (keyof Backend)[]).filter(
    (key): key is KernelName => typeof jsBackend[key] === 'function',
  );
}

/**
 * Requests a device and builds the backend: this module's elementwise, reduction and layout kernels, then the
 * kernels of `kernels/` over them, each run with its name for errors; every other entry is the js kernel behind
 * hostFallback. Installs the host gate for the arrays this device tracks.
 */
export async function createWebGpuBackend(options: WebGpuOptions): Promise<WebGpuBackend> {
  const { device, adapter } = await acquireDevice('setBackend');
  const ctx = new DeviceContext(device);
  for (const buffer of options.foreignMemory) ctx.storage.addForeignMemory(buffer);
  for (const buffer of options.lostBuffers ?? []) ctx.storage.addLost(buffer);
  const layout = layoutKernels(ctx);
  const { gather: _gather, scatter: _scatter, ...layoutEntries } = layout;
  const onGpu: Partial<Backend> = {
    ...elementwiseKernels(ctx),
    ...reduceKernels(ctx),
    ...scanKernels(ctx),
    ...layoutEntries,
    ...gpuKernels(ctx),
  };
  const entries: Record<string, unknown> = {};
  const gpuKernelNames: KernelName[] = [];
  for (const name of kernelNames()) {
    const kernel = onGpu[name] as ((...args: unknown[]) => unknown) | undefined;
    if (kernel) {
      gpuKernelNames.push(name);
      entries[name] = (...args: unknown[]): unknown => {
        ctx.beginOp(name);
        const result = kernel(...args);
        ctx.finishOp();
        return result;
      };
    } else {
      entries[name] = hostFallback(name, jsBackend[name] as (...args: never[]) => void, ctx.storage);
    }
  }
  const resident: ResidentAllocator = {
    minElements: Infinity,
    float32: () => null,
    release: (data: TypedArray) => ctx.storage.release(data),
  };
  setHostGate(webGpuHostGate(ctx, layout, options.isActive));
  setFloat64Notice(() => {
    if (options.isActive()) noteFloat64OnGpu();
  });
  return {
    ...(entries as unknown as Backend),
    name: 'webgpu',
    readsSync: false,
    resident,
    read: (storage: TypedArray) => ctx.storage.download(storage, 'data'),
    hostCurrent: (storage: TypedArray) => ctx.storage.residence(storage) !== 'device',
    adapter,
    context: ctx,
    gpuKernelNames,
    syncToHost: () => ctx.storage.syncAll('setBackend'),
    invalidate: () => ctx.storage.invalidate(),
  };
}
