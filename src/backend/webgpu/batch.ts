// @file The command batch: one encoder collects dispatches and copies until a read, a count or a microtask submits it.
import { NeuriteError } from '../../errors.js';

/** Dispatches recorded before the batch submits on its own. */
export const DISPATCHES_PER_SUBMIT = 64;

/**
 * Owns the current GPUCommandEncoder. Work is submitted when a read needs it (`flush`), after
 * DISPATCHES_PER_SUBMIT dispatches, or on the microtask after the first recorded command, whichever comes first.
 * Buffers the pending commands use are released (`afterSubmit`) only once those commands are submitted. After
 * the device is lost, every call throws.
 */
export class CommandBatch {
  private encoder: GPUCommandEncoder | null = null;
  private recorded = 0;
  private flushQueued = false;
  private pendingReleases: (() => void)[] = [];
  private lostReason: string | null = null;
  /** Rejections for reads waiting on the device when it is lost. */
  private readonly lostListeners = new Set<(error: Error) => void>();

  /** The first validation or out-of-memory error the device reported: results after it are not trusted. */
  private failure: string | null = null;

  constructor(readonly device: GPUDevice) {
    device.addEventListener('uncapturederror', (event) => {
      const error = (event as GPUUncapturedErrorEvent).error;
      this.failure ??= `${error.constructor.name}: ${error.message}`;
    });
    void device.lost.then((info) => {
      this.lostReason = info.message || info.reason || 'unknown reason';
      const error = this.lostError('webgpu');
      for (const listener of this.lostListeners) listener(error);
      this.lostListeners.clear();
    });
  }

  get isLost(): boolean {
    return this.lostReason !== null;
  }

  /** The error every call gives once the device is lost. */
  lostError(op: string): NeuriteError {
    return new NeuriteError(
      op,
      `the WebGPU device was lost (${this.lostReason}); tensors on it are gone: call setBackend('webgpu') again ` +
        'for a new device, or switch to wasm',
    );
  }

  /** Throws when the device is lost. */
  check(op: string): void {
    if (this.lostReason !== null) throw this.lostError(op);
  }

  /** Throws when the device reported an error (a kernel failed to compile or bind): no value after it is trusted. */
  checkHealthy(op: string): void {
    this.check(op);
    if (this.failure !== null) {
      throw new NeuriteError(
        op,
        `webgpu: the device reported an error, so results are not trusted: ${this.failure}`,
      );
    }
  }

  /** The encoder to record into (created on demand); schedules the submit. */
  record(op: string): GPUCommandEncoder {
    this.check(op);
    if (this.encoder === null) this.encoder = this.device.createCommandEncoder();
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
    return this.encoder;
  }

  /** Counts one dispatch (after it is recorded); submits when the batch is full. */
  dispatched(): void {
    if (++this.recorded >= DISPATCHES_PER_SUBMIT) this.flush();
  }

  /** Whether commands wait to be submitted. */
  get pending(): boolean {
    return this.encoder !== null;
  }

  /** Runs `release` once every command recorded so far is submitted (now, when nothing is pending). */
  afterSubmit(release: () => void): void {
    if (this.encoder === null) release();
    else this.pendingReleases.push(release);
  }

  /** Submits the recorded commands (if any) and runs the releases that waited for them. */
  flush(): void {
    this.flushQueued = false;
    const encoder = this.encoder;
    if (encoder === null) return;
    this.encoder = null;
    this.recorded = 0;
    if (this.lostReason === null) this.device.queue.submit([encoder.finish()]);
    const releases = this.pendingReleases;
    this.pendingReleases = [];
    for (const release of releases) release();
  }

  /** Settles `promise`, or rejects with the device-lost error if the device is lost first (no read hangs). */
  unlessLost<T>(op: string, promise: Promise<T>): Promise<T> {
    if (this.lostReason !== null) return Promise.reject(this.lostError(op));
    return new Promise<T>((resolve, reject) => {
      const onLost = (error: Error): void => reject(error);
      this.lostListeners.add(onLost);
      promise.then(
        (value) => {
          this.lostListeners.delete(onLost);
          resolve(value);
        },
        (error: unknown) => {
          this.lostListeners.delete(onLost);
          const reason = error instanceof Error ? error.message : String(error);
          reject(
            this.lostReason !== null
              ? this.lostError(op)
              : new NeuriteError(op, `webgpu: reading from the GPU failed (${reason}); was the device lost?`),
          );
        },
      );
    });
  }
}
