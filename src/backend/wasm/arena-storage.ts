// @file Tensor storage in the wasm backend's linear memory: float32 arrays on arena blocks, returned when unreachable.
import type { ResidentAllocator, TypedArray } from '../../tensor/dtype.js';
import { Arena, BLOCK_ALIGN, sizeClass, type ArenaStats } from './arena.js';
import { collectGarbage } from './collect.js';

/** Float32 storage below this many elements stays a plain array: kernels that small run in js anyway. */
export const RESIDENT_MIN_ELEMENTS = 1024;

/**
 * The largest block, as a fraction of the arena: a freed block serves only its own size class, so one huge
 * tensor (a whole dataset made float32) would keep its share of the arena from every other size. Larger storage
 * is a plain array (its kernels' copies cost little beside their work).
 */
const MAX_BLOCK_SHARE = 1 / 16;

/** A collection is requested when more than this share of the arena is in use … */
const COLLECT_AT = 0.5;
/** … and at least this share has been handed out since the last request. */
const COLLECT_EVERY = 0.25;

/** What the wasm backend's storage holds now (see bench/memory.ts). */
export interface ResidentStats extends ArenaStats {
  /** Requests that found the arena full and got a plain array instead, since the start. */
  readonly fallbacks: number;
  /** Requests above the largest block (MAX_BLOCK_SHARE of the arena) that got a plain array. */
  readonly oversized: number;
  /** Blocks returned because their array became unreachable (a garbage collection, then an event-loop turn). */
  readonly finalized: number;
  /** Blocks returned by Tensor.dispose(). */
  readonly disposed: number;
  /** Full garbage collections requested to return dead blocks sooner. */
  readonly collections: number;
}

// A held value packs a block's class and address: class · 2³² + address.
const CLASS_UNIT = 2 ** 32;

/**
 * Hands out float32 arrays that are views of arena blocks of one WebAssembly.Memory, so that wasm kernels read
 * and write them in place. Each block is registered with a FinalizationRegistry on its base array (the array
 * returned here; never on a Tensor or a subarray, which do not keep it alive), and returns to the arena when
 * that array has been collected: after a garbage collection, once the event loop turns. A loop that never
 * yields frees nothing until it does; the arena is capped, and a request that finds it full gets a plain
 * Float32Array (the kernels copy those, as before), so memory stays bounded and results the same either way.
 * The memory must never move or detach while a block is handed out (WasmRuntime reserves it once).
 */
export class ResidentStorage implements ResidentAllocator {
  readonly minElements: number;
  private readonly arena: Arena;
  private readonly buffer: ArrayBufferLike;
  private readonly registry: FinalizationRegistry<number>;
  /** Bytes of each live block's base array, by address (for blockContaining). */
  private readonly liveBytes = new Map<number, number>();
  private releaseListener: ((start: number) => void) | null = null;
  private readonly maxBytes: number;
  private collectionRequested = false;
  private allocatedSinceCollection = 0;
  private collections = 0;
  private fallbackCount = 0;
  private oversizedCount = 0;
  private finalizedCount = 0;
  private disposedCount = 0;

  /** An arena of `capacity` bytes from `start` of `buffer`, for float32 arrays of at least `minElements`. */
  constructor(buffer: ArrayBufferLike, start: number, capacity: number, minElements = RESIDENT_MIN_ELEMENTS) {
    this.buffer = buffer;
    this.minElements = minElements;
    this.arena = new Arena(start, capacity);
    this.maxBytes = capacity * MAX_BLOCK_SHARE;
    this.registry = new FinalizationRegistry((held: number) => {
      this.collectionRequested = false;
      this.finalizedCount++;
      this.returnBlock(held % CLASS_UNIT, Math.floor(held / CLASS_UNIT));
    });
  }

  /** A float32 array of `size` elements on an arena block (zeroed when `zeroed`), or null when the arena is full. */
  float32(size: number, zeroed: boolean): Float32Array | null {
    const bytes = size * 4;
    if (bytes > this.maxBytes) {
      this.oversizedCount++;
      return null;
    }
    const at = this.arena.allocate(bytes);
    this.allocatedSinceCollection += bytes;
    if (
      !this.collectionRequested &&
      this.allocatedSinceCollection > this.arena.capacity * COLLECT_EVERY &&
      this.arena.bytesInUse > this.arena.capacity * COLLECT_AT
    )
      this.requestCollection();
    if (at < 0) {
      this.fallbackCount++;
      return null;
    }
    const data = new Float32Array(this.buffer, at, size);
    if (zeroed && !this.arena.lastFresh) data.fill(0);
    this.registry.register(data, sizeClass(bytes) * CLASS_UNIT + at, data);
    this.liveBytes.set(at, bytes);
    return data;
  }

  /**
   * Asks for a full garbage collection (Node only, at most 2% of the time: see collect.ts), whose finalizers
   * return the dead blocks when the event loop next turns. Not again until a block has come back (a loop that
   * never yields gains nothing from more), nor before another COLLECT_EVERY of the arena has been handed out.
   */
  private requestCollection(): void {
    if (!collectGarbage()) return; // none allowed now: the next request asks again
    this.collectionRequested = true;
    this.allocatedSinceCollection = 0;
    this.collections++;
  }

  /** Returns `data`'s block now if `data` is the base array of a live block (else false: nothing to do). */
  release(data: TypedArray): boolean {
    if (data.buffer !== this.buffer || !this.registry.unregister(data)) return false;
    this.disposedCount++;
    this.returnBlock(data.byteOffset, sizeClass(data.byteLength));
    return true;
  }

  private returnBlock(at: number, cls: number): void {
    this.liveBytes.delete(at);
    this.releaseListener?.(at);
    this.arena.release(at, cls);
  }

  /** The buffer the blocks are views of (the wasm memory; the webgpu backend keys its GPU copies by block). */
  get memory(): ArrayBufferLike {
    return this.buffer;
  }

  /**
   * The live block [start, start + bytes) (bytes of its base array) that contains byte `byteOffset`, or null:
   * the nearest live block start at or below it, looked up 64 bytes at a time (at most one largest block's worth).
   */
  blockContaining(byteOffset: number): { start: number; bytes: number } | null {
    const lowest = Math.max(this.arena.start, byteOffset - this.maxBytes);
    for (let at = byteOffset - (byteOffset % BLOCK_ALIGN); at >= lowest; at -= BLOCK_ALIGN) {
      const bytes = this.liveBytes.get(at);
      if (bytes !== undefined) return byteOffset < at + bytes ? { start: at, bytes } : null;
    }
    return null;
  }

  /** Calls `listener(start)` when a block is returned, before the arena can hand it out again (one listener). */
  onBlockReleased(listener: ((start: number) => void) | null): void {
    this.releaseListener = listener;
  }

  /** Whether `data` is a view of this storage's memory (a block, or part of one). */
  holds(data: TypedArray): boolean {
    return data.buffer === this.buffer;
  }

  get stats(): ResidentStats {
    return {
      ...this.arena.stats,
      fallbacks: this.fallbackCount,
      oversized: this.oversizedCount,
      finalized: this.finalizedCount,
      disposed: this.disposedCount,
      collections: this.collections,
    };
  }
}
