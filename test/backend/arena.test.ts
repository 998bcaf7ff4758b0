// @file The wasm backend's tensor storage: the size-class arena, resident float32 arrays, the cap and fallback,
// zeroing of recycled blocks, dispose(), and kernels on resident, aliased and spilled operands against js.
import { afterEach, describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backend/js/index.js';
import { Arena, BLOCK_ALIGN, classBytes, sizeClass } from '../../src/backend/wasm/arena.js';
import { ResidentStorage } from '../../src/backend/wasm/arena-storage.js';
import { wasmBackendFrom, NO_LIMITS } from '../../src/backend/wasm/index.js';
import { probeFeatures } from '../../src/backend/wasm/probe.js';
import { loadRuntime, SCRATCH_BYTES } from '../../src/backend/wasm/runtime.js';
import { ValueError } from '../../src/errors.js';
import { add, getBackend, setBackend, zeros } from '../../src/index.js';
import { allocate, allocateUninitialized, setResidentAllocator } from '../../src/tensor/dtype.js';

const MiB = 2 ** 20;

/** A ResidentStorage over a fresh memory of `bytes` bytes of arena (from address 0). */
function storageOf(bytes: number): { storage: ResidentStorage; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  return { storage: new ResidentStorage(memory.buffer, 0, bytes), memory };
}

afterEach(() => setBackend(getBackend())); // reinstalls the active backend's allocator

describe('size classes', () => {
  it('cover every request with at most 25% slack above 256 bytes, in 64-byte multiples', () => {
    let previous = -1;
    for (let bytes = 1; bytes < 1 << 22; bytes = Math.ceil(bytes * 1.07) + 1) {
      const cls = sizeClass(bytes);
      const size = classBytes(cls);
      expect(size).toBeGreaterThanOrEqual(bytes);
      expect(size % BLOCK_ALIGN).toBe(0);
      if (bytes > 256) expect(size).toBeLessThanOrEqual(bytes * 1.25 + 1);
      expect(sizeClass(size)).toBe(cls); // a class's own size maps back to it
      expect(cls).toBeGreaterThanOrEqual(previous);
      previous = cls;
    }
    expect([64, 128, 192, 256, 320, 512, 640, 1024, 1280].map((b) => classBytes(sizeClass(b)))).toEqual([
      64, 128, 192, 256, 320, 512, 640, 1024, 1280,
    ]);
  });
});

describe('Arena', () => {
  it('hands out 64-byte-aligned, disjoint blocks and reuses a released block of the same class', () => {
    const arena = new Arena(128, 1 * MiB);
    const sizes = [4, 100, 4096, 4000, 5000, 65536, 3];
    const blocks = sizes.map((s) => [arena.allocate(s), classBytes(sizeClass(s))] as const);
    for (const [at] of blocks) expect(at % BLOCK_ALIGN).toBe(0);
    const sorted = [...blocks].sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < sorted.length; i++)
      expect(sorted[i]![0]).toBeGreaterThanOrEqual(sorted[i - 1]![0] + sorted[i - 1]![1]);
    expect(arena.stats.liveBlocks).toBe(sizes.length);
    const [at4096] = blocks[2]!;
    arena.release(at4096, sizeClass(4096));
    expect(arena.stats.liveBlocks).toBe(sizes.length - 1);
    expect(arena.allocate(4096)).toBe(at4096);
    expect(arena.lastFresh).toBe(false);
  });

  it('merges released neighbours, splits larger free blocks, and gives the end back to the untouched rest', () => {
    const arena = new Arena(0, 64 * 1024);
    const [a, b, c, d] = [0, 1, 2, 3].map(() => arena.allocate(8192));
    arena.release(b!, sizeClass(8192));
    arena.release(c!, sizeClass(8192));
    expect(arena.allocate(16384)).toBe(b); // b and c merged
    arena.release(b!, sizeClass(16384));
    expect(arena.allocate(3000)).toBe(b); // a 3072-byte block split from the front of the merged one
    expect(arena.allocate(8192)).toBe(b! + 3072); // and the next request from what is left of it
    const rest = b! + 3072 + 8192; // the free 5120 bytes before d
    arena.release(d!, sizeClass(8192)); // merges with them and ends the carved region: the region shrinks back
    expect(arena.allocate(32768)).toBe(rest);
    expect(arena.lastFresh).toBe(false); // those bytes were used before
    expect(arena.allocate(8192)).toBe(rest + 32768);
    expect(arena.lastFresh).toBe(true); // never touched
    expect(arena.stats).toMatchObject({ liveBlocks: 5, bytesCarved: rest + 40960 });
    expect(a).toBe(0);
  });

  it('fails (−1) past its capacity and recovers once a block returns', () => {
    const arena = new Arena(0, 64 * 1024);
    const got: number[] = [];
    for (let at = arena.allocate(8192); at >= 0; at = arena.allocate(8192)) got.push(at);
    expect(got).toHaveLength(8);
    expect(arena.stats).toMatchObject({ liveBlocks: 8, bytesInUse: 65536, bytesCarved: 65536 });
    arena.release(got[3]!, sizeClass(8192));
    expect(arena.allocate(8192)).toBe(got[3]);
  });
});

describe('ResidentStorage', () => {
  it('returns float32 views of its memory; a recycled block is zeroed unless the caller asks otherwise', () => {
    const { storage, memory } = storageOf(1 * MiB);
    const first = storage.float32(2000, true)!;
    expect(first.buffer).toBe(memory.buffer);
    expect(first.byteOffset % BLOCK_ALIGN).toBe(0);
    first.fill(7);
    expect(storage.release(first)).toBe(true);
    const zeroed = storage.float32(2000, true)!;
    expect(zeroed.byteOffset).toBe(first.byteOffset);
    expect(zeroed.every((v) => v === 0)).toBe(true);
    zeroed.fill(5);
    storage.release(zeroed);
    const raw = storage.float32(2000, false)!;
    expect(raw.byteOffset).toBe(first.byteOffset);
    expect(raw[1999]).toBe(5); // uninitialised: the old values, not cleared
  });

  it('releases only live base arrays: not a subarray, not a plain array, not twice', () => {
    const { storage } = storageOf(1 * MiB);
    const block = storage.float32(4096, true)!;
    expect(storage.release(block.subarray(16))).toBe(false);
    expect(storage.release(new Float32Array(4096))).toBe(false);
    expect(storage.release(block)).toBe(true);
    expect(storage.release(block)).toBe(false);
    expect(storage.stats).toMatchObject({ liveBlocks: 0, disposed: 1 });
  });

  it('when full, allocate() falls back to plain zeroed arrays and counts it', () => {
    const { storage, memory } = storageOf(512 * 1024); // sixteen blocks of the largest size, 32 KiB
    setResidentAllocator(storage);
    const inArena = Array.from({ length: 16 }, () => allocate('float32', 8192));
    for (const a of inArena) expect(a.buffer).toBe(memory.buffer);
    const spilled = allocateUninitialized('float32', 8192);
    expect(spilled.buffer).not.toBe(memory.buffer);
    expect(spilled).toBeInstanceOf(Float32Array);
    expect(spilled.every((v) => v === 0)).toBe(true);
    expect(storage.stats.fallbacks).toBe(1);
    expect(allocate('float32', 100).buffer).not.toBe(memory.buffer); // below minElements: plain
    expect(allocate('float64', 8192).buffer).not.toBe(memory.buffer); // float32 only
    storage.release(inArena[0]!);
    expect(allocate('float32', 8193).buffer).not.toBe(memory.buffer); // above 1/16 of the arena: plain
    expect(storage.stats).toMatchObject({ oversized: 1, fallbacks: 1 });
    expect(allocate('float32', 8192).buffer).toBe(memory.buffer);
  });
});

describe('Tensor.dispose', () => {
  it('returns the block at once; using the tensor afterwards throws a ValueError', () => {
    const { storage } = storageOf(1 * MiB);
    setResidentAllocator(storage);
    const t = zeros([64, 64]);
    expect(storage.stats.liveBlocks).toBe(1);
    t.dispose();
    t.dispose(); // a second call does nothing
    expect(storage.stats).toMatchObject({ liveBlocks: 0, disposed: 1 });
    expect(() => t.dataSync()).toThrow(ValueError);
    expect(() => add(t, 1)).toThrow(/used after dispose\(\).*\[64, 64\]/);
  });

  it('leaves storage that a view shares to the garbage collector', () => {
    const { storage } = storageOf(1 * MiB);
    setResidentAllocator(storage);
    const t = zeros([64, 64]);
    const row = t.select(0, 1);
    t.dispose();
    expect(storage.stats.liveBlocks).toBe(1);
    expect(Array.from(row.dataSync()).every((v) => v === 0)).toBe(true);
  });
});

describe.runIf(getBackend() === 'wasm')('switching backends', () => {
  it('tensors made on wasm (in its memory) stay readable and usable on js, and the reverse', () => {
    const onWasm = add(zeros([64, 64]), 1.5); // 4096 elements: arena storage
    setBackend('js');
    const onJs = add(zeros([64, 64]), 2);
    expect(onWasm.storage.buffer.byteLength).toBeGreaterThan(SCRATCH_BYTES); // the wasm memory
    expect(onJs.storage.buffer.byteLength).toBe(4096 * 4); // a plain array of its own
    const mixed = add(onWasm, onJs);
    setBackend('wasm');
    const back = add(mixed, onWasm);
    expect(Array.from(new Set(mixed.dataSync()))).toEqual([3.5]);
    expect(Array.from(new Set(back.dataSync()))).toEqual([5]);
  });
});

describe.runIf(probeFeatures().simd)('kernels on resident storage', () => {
  const runtime = loadRuntime(probeFeatures(), { arenaBytes: 16 * MiB })!;
  const wasm = wasmBackendFrom(runtime, NO_LIMITS);
  const resident = runtime.resident!;
  const filled = (n: number, seed: number): Float32Array => {
    const a = resident.float32(n, false)!;
    for (let i = 0; i < n; i++) a[i] = Math.sin(seed + i * 0.37) * 3;
    return a;
  };

  it('binary, unary and matmul read and write the arena in place and agree with js bit for bit', () => {
    const n = 4096;
    const a = filled(n, 1);
    const b = filled(n, 2);
    const out = resident.float32(n, false)!;
    const expected = new Float32Array(n);
    wasm.binary('mul', a, [n], b, [n], out, [n]);
    jsBackend.binary('mul', a, [n], b, [n], expected, [n]);
    expect(out).toEqual(expected);
    wasm.unary('relu', a, out);
    jsBackend.unary('relu', a, expected);
    expect(out).toEqual(expected);
    const c = resident.float32(64 * 64, false)!;
    const js = new Float32Array(64 * 64);
    wasm.matmul(a, [0], b, [0], c, 64, 64, 64, false, true);
    jsBackend.matmul(a, [0], b, [0], js, 64, 64, 64, false, true);
    for (let i = 0; i < js.length; i++) expect(c[i]).toBeCloseTo(js[i]!, 3);
  });

  it('an in-place op (out is an input) and overlapping operands give the copying results', () => {
    const n = 4096;
    const a = filled(n, 3);
    const before = a.slice();
    wasm.binary('add', a, [n], a, [n], a, [n]); // a += a
    expect(a).toEqual(before.map((v) => Math.fround(v + v)));
    // out overlaps the input shifted by one element: every input value must be read before it is overwritten
    const block = filled(n + 1, 4);
    const x = block.subarray(0, n);
    const shifted = block.subarray(1, n + 1);
    const expected = new Float32Array(n);
    jsBackend.unary('neg', x.slice(), expected);
    wasm.unary('neg', x, shifted);
    expect(shifted).toEqual(expected);
  });

  it('whole-vector kernels on a ragged subarray leave the elements after it alone', () => {
    const block = filled(4096, 6);
    const neighbours = block.slice(1027, 1040);
    const x = block.subarray(0, 1027); // 1027 = 4·256 + 3: a ragged tail
    const g = filled(1027, 7);
    wasm.unary('sigmoid', x, x);
    wasm.unaryGrad('tanh', g, x, x);
    expect(block.slice(1027, 1040)).toEqual(neighbours);
    const expected = new Float32Array(1027);
    const reference = filled(4096, 6).subarray(0, 1027);
    jsBackend.unary('sigmoid', reference, reference);
    jsBackend.unaryGrad('tanh', g, reference, expected);
    for (let i = 0; i < 1027; i++) expect(x[i]).toBeCloseTo(expected[i]!, 5);
  });

  it('operands too large for the scratch region run on the spill instance, resident ones included', () => {
    const n = SCRATCH_BYTES / 4 / 2 + 1024; // two copied operands exceed the scratch region
    const a = new Float32Array(n).map((_, i) => i % 251);
    const b = new Float32Array(n).map((_, i) => i % 13);
    const out = new Float32Array(n);
    wasm.binary('sub', a, [n], b, [n], out, [n]);
    expect(runtime.inMainMemory).toBe(false);
    expect(out[n - 1]).toBe(((n - 1) % 251) - ((n - 1) % 13));
    const small = filled(2048, 5);
    const smallOut = resident.float32(2048, false)!;
    wasm.unary('abs', small, smallOut);
    expect(runtime.inMainMemory).toBe(true);
    expect(smallOut).toEqual(small.map(Math.abs));
  });
});
