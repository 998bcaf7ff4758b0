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
 * Blocks of [start, start + capacity) (start 64-byte aligned). A request takes a freed block of its class, else
 * carves a new one from the untouched rest of the range, else fails (−1): the range is the cap, and the caller
 * then uses memory of its own. Freed blocks stay in their class (no splitting or merging): a training loop asks
 * for the same sizes step after step, so its blocks recycle exactly. A carved block has never been written, so
 * it holds zeros; `lastFresh` says whether the last allocation was one (recycled blocks hold old values).
 */
export class Arena {
  readonly start: number;
  readonly capacity: number;
  /** Whether the last successful allocate() carved a never-used block (all zero bytes). */
  lastFresh = false;
  private top: number;
  private readonly free: number[][] = [];
  private live = 0;
  private used = 0;

  constructor(start: number, capacity: number) {
    if (start % BLOCK_ALIGN !== 0)
      throw new Error(`Arena: start ${start} is not ${BLOCK_ALIGN}-byte aligned`);
    this.start = start;
    this.capacity = Math.max(0, Math.floor(capacity / BLOCK_ALIGN) * BLOCK_ALIGN);
    this.top = start;
  }

  /** The address of a block of at least `bytes` bytes (of class sizeClass(bytes)), or −1 when the arena is full. */
  allocate(bytes: number): number {
    const cls = sizeClass(bytes);
    const list = this.free[cls];
    let at: number;
    if (list !== undefined && list.length > 0) {
      at = list.pop()!;
      this.lastFresh = false;
    } else {
      const size = classBytes(cls);
      if (this.top + size > this.start + this.capacity) return -1;
      at = this.top;
      this.top += size;
      this.lastFresh = true;
    }
    this.live++;
    this.used += classBytes(cls);
    return at;
  }

  /** Returns the block at `at` of class `cls` (as sizeClass gave for its request) to its free list. */
  release(at: number, cls: number): void {
    (this.free[cls] ??= []).push(at);
    this.live--;
    this.used -= classBytes(cls);
  }

  /** Bytes of the blocks handed out and not yet freed. */
  get bytesInUse(): number {
    return this.used;
  }

  get stats(): ArenaStats {
    return {
      liveBlocks: this.live,
      bytesInUse: this.used,
      bytesCarved: this.top - this.start,
      capacity: this.capacity,
    };
  }
}
