// @file Reading tensor values in the playground's worker on every backend: the reads of one snapshot are batched.
import { getBackend, type Tensor, type TypedArray } from 'neurite';
import { readsSynchronously } from './backend-choice.js';

/** Whether each backend (by name) reads synchronously, probed once: the probe runs an op. */
const syncByBackend = new Map<string, boolean>();

/** Whether the active backend reads synchronously (js, wasm: yes; webgpu: no). */
export function syncReads(): boolean {
  const name = getBackend();
  let sync = syncByBackend.get(name);
  if (sync === undefined) {
    sync = readsSynchronously();
    syncByBackend.set(name, sync);
  }
  return sync;
}

/**
 * Collects the tensors a snapshot (or an epoch's metrics) needs and reads them together: on a backend that reads
 * synchronously (js, wasm) with `dataSync()`, so the values come at once; on one that reads only asynchronously
 * (webgpu) every `data()` is started before any is awaited, so the device is waited on once, not once per tensor.
 *
 * Usage: `const value = batch.add(t)`, then `await batch.read()`, then `value()`.
 */
export class ReadBatch {
  private readonly tensors: Tensor[] = [];
  private values: TypedArray[] | null = null;

  /** Queues `t` for the next read; the returned function gives its values (a copy) once `read` has finished. */
  add(t: Tensor): () => TypedArray {
    if (this.values !== null) throw new Error('ReadBatch: add() after read()');
    const index = this.tensors.push(t) - 1;
    return () => {
      if (this.values === null) throw new Error('ReadBatch: values used before read() finished');
      return this.values[index]!;
    };
  }

  /** Reads every queued tensor on the active backend. */
  async read(): Promise<void> {
    if (this.values !== null) throw new Error('ReadBatch: read() twice');
    this.values = syncReads()
      ? this.tensors.map((t) => t.dataSync())
      : await Promise.all(this.tensors.map((t) => t.data()));
  }
}
