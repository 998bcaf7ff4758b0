// @file Finding the wasm arena block of an array by byte offset (ResidentStorage, BlockIndex), as webgpu does.
import { describe, expect, it } from 'vitest';
import { ResidentStorage } from '../../src/backend/wasm/arena-storage.js';
import { BlockIndex } from '../../src/backend/webgpu/foreign-memory.js';

/** A ResidentStorage of a fresh 1 MiB memory, arena from address 0, arrays of ≥ 16 elements. */
function storage(): ResidentStorage {
  const memory = new WebAssembly.Memory({ initial: 16 });
  return new ResidentStorage(memory.buffer, 0, 1 << 20, 16);
}

describe('ResidentStorage.blockContaining', () => {
  it('answers the block of a base array and of views inside it, by any byte offset', () => {
    const resident = storage();
    const a = resident.float32(100, true)!;
    const b = resident.float32(5000, true)!;
    expect(resident.memory).toBe(a.buffer);
    expect(resident.blockContaining(a.byteOffset)).toEqual({ start: a.byteOffset, bytes: 400 });
    expect(resident.blockContaining(a.byteOffset + 396)).toEqual({ start: a.byteOffset, bytes: 400 });
    const view = b.subarray(4321, 4400);
    expect(resident.blockContaining(view.byteOffset)).toEqual({ start: b.byteOffset, bytes: 20_000 });
  });

  it('answers null past a base array’s end, outside the arena, and once the block is returned', () => {
    const resident = storage();
    const a = resident.float32(100, true)!; // a 448-byte class: bytes 400..447 belong to no array
    expect(resident.blockContaining(a.byteOffset + 400)).toBeNull();
    expect(resident.blockContaining((1 << 20) + 64)).toBeNull();
    const released: number[] = [];
    resident.onBlockReleased((start) => released.push(start));
    expect(resident.release(a)).toBe(true);
    expect(released).toEqual([a.byteOffset]);
    expect(resident.blockContaining(a.byteOffset)).toBeNull();
    resident.onBlockReleased(null);
    expect(resident.release(resident.float32(100, true)!)).toBe(true);
    expect(released).toHaveLength(1);
  });
});

describe('BlockIndex', () => {
  const block = (start: number, bytes: number): { start: number; bytes: number } => ({ start, bytes });

  it('finds the block holding a byte range, whatever order blocks were added in', () => {
    const index = new BlockIndex<{ start: number; bytes: number }>();
    const blocks = [block(1024, 512), block(0, 256), block(4096, 64), block(512, 128)];
    for (const b of blocks) index.add(b);
    expect(index.find(0, 256)).toBe(blocks[1]);
    expect(index.find(1024 + 100, 412)).toBe(blocks[0]);
    expect(index.find(1024 + 100, 413)).toBeUndefined(); // runs past the block
    expect(index.find(600, 4)).toBe(blocks[3]);
    expect(index.find(700, 4)).toBeUndefined(); // between blocks
    expect(index.find(4096 + 60, 4)).toBe(blocks[2]);
    expect(index.remove(512)).toBe(blocks[3]);
    expect(index.find(600, 4)).toBeUndefined();
    expect(index.get(1024)).toBe(blocks[0]);
    expect([...index.values()]).toHaveLength(3);
  });
});
