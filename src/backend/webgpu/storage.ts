// @file Where each typed array's newest values are: its GPU copy, one per ArrayBuffer, with 'host' | 'device' | 'synced' state.
import { NeuriteError } from '../../errors.js';
import type { TypedArray } from '../../tensor/dtype.js';
import type { CommandBatch } from './batch.js';
import { BufferPool } from './buffer-pool.js';
import { type HostKind, gpuWords, hostKind, hostView } from './host-words.js';
import { BlockIndex, type ForeignBlock, type ForeignMemory } from './foreign-memory.js';

/** Which side holds the newest values: the host array, the GPU buffer, or both (equal). */
export type Residence = 'host' | 'device' | 'synced';

/** The GPU copy of one whole host ArrayBuffer, or of one block of foreign memory (see ForeignMemory). */
interface Region {
  readonly kind: HostKind;
  /** Elements of the whole ArrayBuffer (of the block). */
  readonly length: number;
  /** Element index in the host buffer of the region's element 0 (a block's start; 0 for an own buffer). */
  readonly hostStart: number;
  readonly gpu: GPUBuffer;
  state: Residence;
  /** GPU writes so far; a download marks the region 'synced' only if none happened meanwhile. */
  writes: number;
  /** The storage's epoch when the state was last valid (see DeviceStorage.invalidate). */
  epoch: number;
  /** Dropped (buffer collected, tensor disposed, block returned): a download in flight must not write back. */
  dead: boolean;
}

/** A region of a foreign block, indexed by the block's bytes. */
interface BlockRegion extends ForeignBlock {
  readonly region: Region;
}

/** One foreign memory: its blocks' regions, and the blocks whose newest values were on a lost device. */
interface ForeignEntry {
  readonly source: ForeignMemory;
  readonly blocks: BlockIndex<BlockRegion>;
  readonly lost: Set<number>;
}

/** A block of foreign memory whose newest values were on a lost device. */
export interface LostBlock {
  readonly memory: ArrayBufferLike;
  readonly start: number;
}

/** What a lost device held newer than the host: own host buffers, and blocks of foreign memory. */
export type LostMark = ArrayBufferLike | LostBlock;

function isLostBlock(mark: LostMark): mark is LostBlock {
  return (mark as Partial<LostBlock>).memory !== undefined;
}

const GPU_STORAGE_USAGE = 0x80 /* STORAGE */ | 0x04 /* COPY_SRC */ | 0x08; /* COPY_DST */
const MAP_READ_USAGE = 0x01 /* MAP_READ */ | 0x08; /* COPY_DST */

/**
 * The GPU side of tensor storage. Typed arrays stay the handles: each plain ArrayBuffer that a kernel touches
 * gets one GPU buffer of the same elements (4 bytes each) and a Residence. Inputs upload a host-newer copy;
 * outputs make the GPU copy the newest; `download` brings it back. The GPU buffer returns to the pool when
 * the ArrayBuffer is collected or its tensor disposed.
 *
 * Memory that is not the array's own (the wasm backend's linear memory, registered with `addForeignMemory`)
 * gets one region per block (the arena block that holds the array's base): views of a block are offsets into
 * its GPU buffer, exactly as views of an own buffer are. A block's region goes when the block is returned, so it
 * never outlives the block nor writes back over a block handed out again. An array of foreign memory on no live
 * block (not a tensor's storage) is uploaded on every use as an input and cannot be a GPU output.
 */
export class DeviceStorage {
  private readonly regions = new WeakMap<ArrayBufferLike, Region>();
  private readonly foreign = new Map<ArrayBufferLike, ForeignEntry>();
  /** Buffers whose newest values were on a device that was lost: every use refuses. */
  private readonly lost = new WeakSet<ArrayBufferLike>();
  /** Regions whose newest values are only on the GPU, with their host buffers, for syncAll. */
  private readonly deviceNewer = new Map<Region, WeakRef<ArrayBufferLike>>();
  readonly pool: BufferPool;
  private epoch = 0;
  private readonly finalizer: FinalizationRegistry<Region>;

  constructor(
    private readonly device: GPUDevice,
    private readonly batch: CommandBatch,
  ) {
    this.pool = new BufferPool(device, GPU_STORAGE_USAGE, 256 << 20);
    this.finalizer = new FinalizationRegistry((region) => this.drop(region));
  }

  /** Registers another backend's block memory (wasm linear memory): one region per block (see the class). */
  addForeignMemory(source: ForeignMemory): void {
    if (this.foreign.has(source.memory)) return;
    const entry: ForeignEntry = { source, blocks: new BlockIndex(), lost: new Set() };
    this.foreign.set(source.memory, entry);
    source.onBlockReleased((start) => {
      entry.lost.delete(start);
      const gone = entry.blocks.remove(start);
      if (gone !== undefined) this.drop(gone.region);
    });
  }

  /** Marks a buffer or foreign block as holding values lost with an earlier device (see `lostBuffers`). */
  addLost(mark: LostMark): void {
    if (!isLostBlock(mark)) this.lost.add(mark);
    else this.foreign.get(mark.memory)?.lost.add(mark.start);
  }

  /** What only this device holds newer than the host: after a loss, the next device refuses it. */
  lostBuffers(): LostMark[] {
    const marks: LostMark[] = [];
    for (const [region, ref] of this.deviceNewer) {
      const buffer = ref.deref();
      if (buffer === undefined || region.state !== 'device') continue;
      marks.push(this.foreign.has(buffer) ? { memory: buffer, start: region.hostStart * 4 } : buffer);
    }
    return marks;
  }

  /**
   * After this device is lost: every array whose newest values were only on it is marked lost (the host gate
   * and the next device refuse it: `lostBuffers`) and a float array's host copy is set to NaN, so a CPU backend
   * never computes on its stale values unnoticed. Keeps the marks for `lostBuffers` (no invalidate after this).
   */
  markLost(): void {
    for (const [region, ref] of this.deviceNewer) {
      const buffer = ref.deref();
      if (buffer === undefined || region.state !== 'device') continue;
      const entry = this.foreign.get(buffer);
      if (entry !== undefined) entry.lost.add(region.hostStart * 4);
      else this.lost.add(buffer);
      if (region.kind === 'float32' || region.kind === 'float64') {
        hostView(buffer, region.kind, region.hostStart, Math.floor(region.length)).fill(NaN);
      }
    }
  }

  private isLost(arr: TypedArray): boolean {
    const entry = this.foreign.get(arr.buffer);
    if (entry === undefined) return this.lost.has(arr.buffer);
    if (entry.lost.size === 0) return false;
    const block = entry.source.blockContaining(arr.byteOffset);
    return block !== null && entry.lost.has(block.start);
  }

  private refuseLost(arr: TypedArray, op: string): void {
    if (this.isLost(arr)) {
      throw new NeuriteError(
        op,
        'webgpu: this tensor’s newest values were on a WebGPU device that was lost; recompute it (its host copy is stale)',
      );
    }
  }

  /** Whether `arr` is in foreign memory but on no live block: it has no region (uploaded per use, never written). */
  isUntracked(arr: TypedArray): boolean {
    const entry = this.foreign.get(arr.buffer);
    return entry !== undefined && this.blockRegion(entry, arr, 'webgpu') === undefined;
  }

  /** Whether `arr` covers its whole region (a write of it replaces every value the GPU copy holds). */
  coversRegion(arr: TypedArray): boolean {
    const region = this.lookup(arr);
    if (region === undefined) return arr.byteLength === arr.buffer.byteLength;
    return arr.byteOffset === region.hostStart * arr.BYTES_PER_ELEMENT && arr.length === region.length;
  }

  /**
   * The region of the foreign block holding `arr`, created on the first use of the block (undefined: `arr` is
   * on no live block, or spans past its block).
   */
  private blockRegion(entry: ForeignEntry, arr: TypedArray, op: string): Region | undefined {
    const known = entry.blocks.find(arr.byteOffset, arr.byteLength);
    if (known !== undefined) return known.region;
    if (!(arr instanceof Float32Array)) return undefined;
    const block = entry.source.blockContaining(arr.byteOffset);
    if (block === null || arr.byteOffset + arr.byteLength > block.start + block.bytes) return undefined;
    const region = this.newRegion('float32', block.bytes / 4, block.start / 4, op);
    entry.blocks.add({ start: block.start, bytes: block.bytes, region });
    return region;
  }

  private newRegion(kind: HostKind, length: number, hostStart: number, op: string): Region {
    const bytes = Math.max(4, Math.ceil(length) * 4);
    const limit = this.device.limits.maxBufferSize;
    if (bytes > limit) {
      throw new NeuriteError(
        op,
        `webgpu: a tensor of ${Math.ceil(length)} elements needs a ${bytes}-byte GPU buffer, above this device's ` +
          `maxBufferSize of ${limit} bytes`,
      );
    }
    const gpu = this.pool.acquire(bytes);
    return { kind, length, hostStart, gpu, state: 'host', writes: 0, epoch: this.epoch, dead: false };
  }

  /** The region of `arr` if it has one, its state reset to 'host' when another backend ran since it was valid. */
  private lookup(arr: TypedArray): Region | undefined {
    const entry = this.foreign.get(arr.buffer);
    const region =
      entry === undefined
        ? this.regions.get(arr.buffer)
        : entry.blocks.find(arr.byteOffset, arr.byteLength)?.region;
    if (region !== undefined && region.epoch !== this.epoch) {
      region.epoch = this.epoch;
      region.state = 'host';
    }
    return region;
  }

  /**
   * Forgets every GPU copy's state (each counts as stale): called when another backend takes over, after
   * syncAll, since its kernels write host copies without telling this storage.
   */
  invalidate(): void {
    this.epoch++;
    this.deviceNewer.clear();
  }

  /** Where `arr`'s newest values are; 'host' for an array the GPU never saw. */
  residence(arr: TypedArray): Residence {
    if (this.isLost(arr)) return 'device'; // never current on the host
    return this.lookup(arr)?.state ?? 'host';
  }

  /** The region of `arr`'s ArrayBuffer (of its foreign block), created (state 'host') on first use. */
  region(arr: TypedArray, op: string): Region {
    const buffer = arr.buffer;
    this.refuseLost(arr, op);
    let region = this.lookup(arr);
    const kind = hostKind(arr);
    if (region === undefined) {
      const entry = this.foreign.get(buffer);
      if (entry !== undefined) {
        region = this.blockRegion(entry, arr, op);
        if (region === undefined) {
          throw new NeuriteError(
            op,
            'webgpu: this array of the wasm backend’s memory is on no live block (internal)',
          );
        }
        return region;
      }
      region = this.newRegion(kind, buffer.byteLength / arr.BYTES_PER_ELEMENT, 0, op);
      this.regions.set(buffer, region);
      this.finalizer.register(buffer, region, region);
    } else if (region.kind !== kind) {
      throw new NeuriteError(op, `webgpu: one buffer viewed as ${region.kind} and as ${kind} storage`);
    }
    return region;
  }

  /** Makes the GPU copy current for reading (uploads the whole host buffer when the host is newer). */
  prepareRead(arr: TypedArray, op: string): Region {
    const region = this.region(arr, op);
    if (region.state === 'host') {
      this.upload(arr.buffer, region);
      region.state = 'synced';
    }
    return region;
  }

  /** Makes the GPU copy the newest for a write of `arr` (keeping the rest of a partly written buffer). */
  prepareWrite(arr: TypedArray, op: string): Region {
    const region = this.region(arr, op);
    if (region.state === 'host' && arr.length !== region.length) this.upload(arr.buffer, region);
    this.markDevice(region, arr.buffer);
    return region;
  }

  private markDevice(region: Region, buffer: ArrayBufferLike): void {
    region.state = 'device';
    region.writes++;
    if (!this.deviceNewer.has(region)) this.deviceNewer.set(region, new WeakRef(buffer));
  }

  private upload(buffer: ArrayBufferLike, region: Region): void {
    // Commands recorded earlier may still read the old values: submit them before the queue write lands.
    if (this.batch.pending) this.batch.flush();
    const words = gpuWords(hostView(buffer, region.kind, region.hostStart, Math.floor(region.length)));
    this.device.queue.writeBuffer(region.gpu, 0, words.buffer, words.byteOffset, words.byteLength);
  }

  /**
   * Throws unless the host copy of `arr` is current (a host read of GPU-newer values would be stale). `op`
   * names the reader; the message names the async read.
   */
  checkHostCurrent(arr: TypedArray, op: string): void {
    this.refuseLost(arr, op);
    const region = this.lookup(arr);
    if (region !== undefined && region.state === 'device') {
      throw new NeuriteError(
        op,
        'the newest values of this tensor are on the GPU (webgpu backend) and this op reads them on the host: ' +
          'await t.data() first, or use an op with a GPU kernel',
      );
    }
  }

  /** Records that the host wrote `arr` (the GPU copy is stale); throws if the GPU held newer values. */
  hostWrote(arr: TypedArray, op: string): void {
    const region = this.lookup(arr);
    if (region === undefined) return;
    this.checkHostCurrent(arr, op);
    region.state = 'host';
    this.deviceNewer.delete(region);
  }

  /** Records that the host replaced every value of `arr`'s buffer: the GPU copy is stale, whatever it held. */
  markHostNewer(arr: TypedArray): void {
    const region = this.lookup(arr);
    if (region === undefined) return;
    region.state = 'host';
    this.deviceNewer.delete(region);
  }

  /** Copies `arr`'s values to a fresh host array, downloading them when the GPU holds the newest. */
  async download(arr: TypedArray, op: string): Promise<TypedArray> {
    this.refuseLost(arr, op);
    const region = this.lookup(arr);
    if (region === undefined || region.state !== 'device') return arr.slice();
    await this.syncRegion(arr.buffer, region, op);
    return arr.slice();
  }

  /** Downloads every region whose newest values are on the GPU (before leaving the backend). */
  async syncAll(op: string): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const [region, ref] of this.deviceNewer) {
      const buffer = ref.deref();
      if (buffer === undefined || region.state !== 'device') this.deviceNewer.delete(region);
      else pending.push(this.syncRegion(buffer, region, op));
    }
    await Promise.all(pending);
  }

  /** How many arrays hold values that only the GPU has. */
  get deviceNewerCount(): number {
    let count = 0;
    for (const region of this.deviceNewer.keys()) if (region.state === 'device') count++;
    return count;
  }

  private async syncRegion(buffer: ArrayBufferLike, region: Region, op: string): Promise<void> {
    this.batch.checkHealthy(op);
    const bytes = Math.max(4, Math.ceil(region.length) * 4);
    const staging = this.device.createBuffer({ size: bytes, usage: MAP_READ_USAGE });
    const encoder = this.batch.record(op);
    encoder.copyBufferToBuffer(region.gpu, 0, staging, 0, bytes);
    const writes = region.writes;
    this.batch.flush();
    try {
      await this.batch.unlessLost(op, staging.mapAsync(1 /* GPUMapMode.READ */));
      this.batch.checkHealthy(op);
      const words = staging.getMappedRange();
      const count = Math.floor(region.length);
      if (region.dead) return; // the buffer was collected or the block returned (perhaps handed out again)
      const host = hostView(buffer, region.kind, region.hostStart, count);
      if (region.kind === 'float32') host.set(new Float32Array(words, 0, count));
      else if (region.kind === 'float64') host.set(new Float32Array(words, 0, count));
      else if (region.kind === 'int32') host.set(new Int32Array(words, 0, count));
      else host.set(new Uint32Array(words, 0, count));
      if (region.writes === writes && region.state === 'device') {
        region.state = 'synced';
        this.deviceNewer.delete(region);
      }
    } finally {
      if (!this.batch.isLost) staging.unmap();
      staging.destroy();
    }
  }

  /**
   * Returns `arr`'s GPU buffer to the pool now (Tensor.dispose); the host array stays as it is. A foreign block's
   * base array returns its block to the other backend's arena, and the region goes with it.
   */
  release(arr: TypedArray): boolean {
    const entry = this.foreign.get(arr.buffer);
    if (entry !== undefined) return entry.source.release(arr); // the region goes with the block
    const region = this.lookup(arr);
    if (region === undefined || arr.byteLength !== arr.buffer.byteLength) return false;
    this.regions.delete(arr.buffer);
    this.finalizer.unregister(region);
    this.drop(region);
    return true;
  }

  private drop(region: Region): void {
    region.dead = true;
    this.deviceNewer.delete(region);
    this.batch.afterSubmit(() => this.pool.release(region.gpu));
  }
}
