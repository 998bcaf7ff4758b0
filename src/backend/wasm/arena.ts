// @file A size-class allocator over one address range of linear memory: free lists per class, a bump pointer, a cap.

/** Every block starts on a multiple of this (a cache line; every class size is a multiple of it). */
export const BLOCK_ALIGN = 64;

/** Classes up to 256 bytes step by 64; above, four classes per power of two (at most 25% of a block unused). */
const SMALL_LIMIT = 256;
const SMALL_CLASSES = SMALL_LIMIT / BLOCK_ALIGN;

/**
 * The size class of a request of `bytes` (> 0): 64, 128, 192, 256, then 320, 384, 448, 512, 640, 768, …, i.e. for
 * 2^e < bytes ≤ 2^(e+1) the next multiple of 2^(e−2).
 */
export function sizeClass(bytes: number): number {
  if (bytes <= SMALL_LIMIT) return Math.max(0, Math.ceil(bytes / BLOCK_ALIGN) - 1);
  const e = Math.floor(Math.log2(bytes - 1));
  const step = 2 ** (e - 2);
  const k = Math.ceil(bytes / step); // 5 … 8
  return SMALL_CLASSES + (e - 8) * 4 + (k - 5);
}

/** The bytes of a block of class `cls` (the inverse of sizeClass: sizeClass(classBytes(c)) = c). */
export function classBytes(cls: number): number {
  if (cls < SMALL_CLASSES) return (cls + 1) * BLOCK_ALIGN;
  const e = 8 + Math.floor((cls - SMALL_CLASSES) / 4);
  return (5 + ((cls - SMALL_CLASSES) % 4)) * 2 ** (e - 2);
}

/** What an arena holds now. */
export interface ArenaStats {
  /** Blocks handed out and not yet freed. */
  readonly liveBlocks: number;
  /** Bytes of those blocks (class sizes). */
  readonly bytesInUse: number;
  /** Bytes ever carved from the range (the high-water mark: memory that has been touched). */
  readonly bytesCarved: number;
  /** Bytes of the range. */
  readonly capacity: number;
}

/**
 * Blocks of [start, start + capacity) (start 64-byte aligned), each of its request's class size. A request takes
 * a free block of its class, else splits the first free block of a larger class, else carves a new one from the
 * untouched rest of the range, else fails (−1): the range is the cap, and the caller then uses memory of its own.
 * A released block merges with free neighbours (and with the untouched rest when it ends there), so sizes that
 * one workload freed serve the next. Memory above the high-water mark has never been written, so it holds zeros;
 * `lastFresh` says whether the last allocation came from there (other blocks hold old values).
 */
export class Arena {
  readonly start: number;
  readonly capacity: number;
  /** Whether the last successful allocate() returned a never-used block (all zero bytes). */
  lastFresh = false;
  private top: number;
  private highWater: number;
  /** Free blocks by the largest class that fits in them (insertion-ordered sets of addresses). */
  private readonly freeByClass: Set<number>[] = [];
  /** Free blocks: size by start address, and start address by end address (for merging). */
  private readonly freeSize = new Map<number, number>();
  private readonly freeStart = new Map<number, number>();
  private live = 0;
  private used = 0;

  constructor(start: number, capacity: number) {
    if (start % BLOCK_ALIGN !== 0)
      throw new Error(`Arena: start ${start} is not ${BLOCK_ALIGN}-byte aligned`);
    this.start = start;
    this.capacity = Math.max(0, Math.floor(capacity / BLOCK_ALIGN) * BLOCK_ALIGN);
    this.top = start;
    this.highWater = start;
  }

  /** The address of a block of at least `bytes` bytes (of class sizeClass(bytes)), or −1 when the arena is full. */
  allocate(bytes: number): number {
    const cls = sizeClass(bytes);
    const size = classBytes(cls);
    let at = -1;
    for (let c = cls; c < this.freeByClass.length && at < 0; c++) {
      const set = this.freeByClass[c];
      if (set === undefined || set.size === 0) continue;
      at = set.values().next().value!;
      const have = this.freeSize.get(at)!;
      this.removeFree(at, have, c);
      if (have > size) this.addFree(at + size, have - size);
    }
    if (at >= 0) {
      this.lastFresh = false;
    } else {
      if (this.top + size > this.start + this.capacity) return -1;
      at = this.top;
      this.lastFresh = at >= this.highWater;
      this.top += size;
      this.highWater = Math.max(this.highWater, this.top);
    }
    this.live++;
    this.used += size;
    return at;
  }

  /** Returns the block at `at` of class `cls` (as sizeClass gave for its request), merging it with free neighbours. */
  release(at: number, cls: number): void {
    let size = classBytes(cls);
    this.live--;
    this.used -= size;
    const after = this.freeSize.get(at + size);
    if (after !== undefined) {
      this.removeFree(at + size, after, floorClass(after));
      size += after;
    }
    const before = this.freeStart.get(at);
    if (before !== undefined) {
      const beforeSize = at - before;
      this.removeFree(before, beforeSize, floorClass(beforeSize));
      at = before;
      size += beforeSize;
    }
    if (at + size === this.top) this.top = at;
    else this.addFree(at, size);
  }

  /** Bytes of the blocks handed out and not yet freed. */
  get bytesInUse(): number {
    return this.used;
  }

  get stats(): ArenaStats {
    return {
      liveBlocks: this.live,
      bytesInUse: this.used,
      bytesCarved: this.highWater - this.start,
      capacity: this.capacity,
    };
  }

  private addFree(at: number, size: number): void {
    this.freeSize.set(at, size);
    this.freeStart.set(at + size, at);
    (this.freeByClass[floorClass(size)] ??= new Set()).add(at);
  }

  private removeFree(at: number, size: number, cls: number): void {
    this.freeSize.delete(at);
    this.freeStart.delete(at + size);
    this.freeByClass[cls]!.delete(at);
  }
}

/** The largest class whose blocks fit in `size` bytes (a multiple of 64). */
function floorClass(size: number): number {
  const cls = sizeClass(size);
  return classBytes(cls) > size ? cls - 1 : cls;
}
