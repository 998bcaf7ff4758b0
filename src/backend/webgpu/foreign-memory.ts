// @file Another backend's memory seen by webgpu (the wasm arena): its blocks, found by byte offset, one region each.
import type { TypedArray } from '../../tensor/dtype.js';

/** A block of foreign memory: bytes [start, start + bytes) of its buffer, owned by one base array. */
export interface ForeignBlock {
  readonly start: number;
  readonly bytes: number;
}

/**
 * Memory that another backend hands out in blocks (the wasm backend's arena in its linear memory, which never
 * grows, moves or detaches). Each live block holds one base array and the views of it; the webgpu storage gives
 * each block one GPU buffer. Implemented by the wasm backend's ResidentStorage.
 */
export interface ForeignMemory {
  /** The buffer the blocks are carved from. */
  readonly memory: ArrayBufferLike;
  /** The live block that contains byte `byteOffset` of `memory`, or null (not on a live block). */
  blockContaining(byteOffset: number): ForeignBlock | null;
  /**
   * Calls `listener(start)` synchronously whenever a block is returned (its base array collected, or disposed),
   * before the block can be handed out again; one listener at a time (null removes it).
   */
  onBlockReleased(listener: ((start: number) => void) | null): void;
  /** Returns `data`'s block now if `data` is a live block's base array (Tensor.dispose); else false. */
  release(data: TypedArray): boolean;
}

/**
 * Values keyed by foreign block, found by any byte offset inside the block: a sorted array of block starts
 * (binary search for the last start ≤ offset), since views of a block are subarrays at any offset in it.
 */
export class BlockIndex<V extends ForeignBlock> {
  private readonly starts: number[] = [];
  private readonly byStart = new Map<number, V>();

  /** The value whose block contains bytes [byteOffset, byteOffset + byteLength), or undefined. */
  find(byteOffset: number, byteLength: number): V | undefined {
    const exact = this.byStart.get(byteOffset);
    if (exact !== undefined) return byteLength <= exact.bytes ? exact : undefined;
    let lo = 0;
    let hi = this.starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= byteOffset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) return undefined;
    const value = this.byStart.get(this.starts[found]!)!;
    return byteOffset + byteLength <= value.start + value.bytes ? value : undefined;
  }

  get(start: number): V | undefined {
    return this.byStart.get(start);
  }

  add(value: V): void {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! < value.start) lo = mid + 1;
      else hi = mid;
    }
    this.starts.splice(lo, 0, value.start);
    this.byStart.set(value.start, value);
  }

  /** Removes and returns the value of the block at `start`. */
  remove(start: number): V | undefined {
    const value = this.byStart.get(start);
    if (value === undefined) return undefined;
    this.byStart.delete(start);
    const at = this.starts.indexOf(start);
    if (at >= 0) this.starts.splice(at, 1);
    return value;
  }

  values(): IterableIterator<V> {
    return this.byStart.values();
  }
}
