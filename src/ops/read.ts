// @file Reading a tensor's values: the one gate between the tensor layer and backend-owned storage.
import { backend } from '../backend/index.js';
import { NeuriteError } from '../errors.js';
import type { TypedArray } from '../tensor/dtype.js';
import { hostValues } from '../tensor/host-gate.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * The elements of `t` for a synchronous read (`dataSync`, `toArray`, `item`, printing, metrics), as a read-only
 * view of its storage: callers copy before they keep or change it. A backend that can only read asynchronously
 * (its storage on a device) refuses, naming the async form to use instead. On js and wasm the host gate still
 * refuses values a lost WebGPU device held (their host copies are stale).
 */
export function readSync(t: Tensor, op: string): TypedArray {
  const active = backend();
  if (active.readsSync) return hostValues(t.storage, op);
  const storage = t.storage;
  if (active.hostCurrent?.(storage)) return storage;
  throw new NeuriteError(
    op,
    `cannot read synchronously on backend '${active.name}': use await t.data() or await t.array()`,
  );
}

/**
 * Whether the active backend reads values synchronously (js, wasm). Where it does not (webgpu), loops read what
 * they log once per interval with `await t.data()` instead of `item()` per step (train/loop.ts).
 */
export function readsSynchronously(): boolean {
  return backend().readsSync;
}

/**
 * The elements of `t` once the backend has them on the host: a copy, so later in-place ops on `t` do not show.
 * Works on every backend; the js and wasm backends answer at once.
 */
export async function readAsync(t: Tensor): Promise<TypedArray> {
  const active = backend();
  if (active.read) return active.read(t.storage);
  return hostValues(t.storage, 'data').slice();
}
