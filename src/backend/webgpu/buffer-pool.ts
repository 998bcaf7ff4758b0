// @file GPU buffers recycled by size class (four per power of two), so a training step allocates no new buffers.

/** Rounds a request up to its size class: at least 256 bytes, then four classes per power of two. */
export function sizeClass(bytes: number): number {
  const wanted = Math.max(256, Math.ceil(bytes / 4) * 4);
  const power = 2 ** Math.floor(Math.log2(wanted));
  const step = Math.max(4, power / 4);
  return Math.ceil(wanted / step) * step;
}

/**
 * Free buffers of one usage, by size class. `acquire` returns a free buffer of the class or creates one;
 * `release` keeps it for the next request of that class. Buffers are released only once no command still to
 * be submitted uses them (the context defers releases until its next submit).
 */
export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pooledBytes = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags,
    /** Above this many idle bytes, released buffers are destroyed instead of kept. */
    private readonly maxPooledBytes: number,
  ) {}

  acquire(bytes: number): GPUBuffer {
    // Near the device's limit the class would overshoot it: such a buffer gets its exact size instead.
    const exact = Math.ceil(bytes / 4) * 4;
    const size = sizeClass(bytes) <= this.device.limits.maxBufferSize ? sizeClass(bytes) : exact;
    const list = this.free.get(size);
    const reused = list?.pop();
    if (reused) {
      this.pooledBytes -= size;
      return reused;
    }
    return this.device.createBuffer({ size, usage: this.usage });
  }

  release(buffer: GPUBuffer): void {
    if (this.pooledBytes + buffer.size > this.maxPooledBytes) {
      buffer.destroy();
      return;
    }
    let list = this.free.get(buffer.size);
    if (!list) this.free.set(buffer.size, (list = []));
    list.push(buffer);
    this.pooledBytes += buffer.size;
  }

  /** Destroys every idle buffer. */
  clear(): void {
    for (const list of this.free.values()) for (const buffer of list) buffer.destroy();
    this.free.clear();
    this.pooledBytes = 0;
  }
}
