// @file The threaded wasm matmul: bit-identical to one thread on every shape and transpose, the thread-count API,
// small products kept on the calling thread, worker errors surfacing as Errors, and workers not holding a process.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  getNumThreads as publicGetNumThreads,
  setNumThreads as publicSetNumThreads,
} from '../../src/index.js';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import {
  failNextThreadedJob,
  getNumThreads,
  setNumThreads,
  THREADED_MIN_WORK,
} from '../../src/backend/wasm/threads.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const wasm = createWasmBackend();
const initialThreads = getNumThreads();

afterAll(() => setNumThreads(initialThreads));

/** Deterministic values in [-1, 1). */
function fill(length: number, seed: number): Float32Array {
  const data = new Float32Array(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return data;
}

type Case = [m: number, k: number, n: number, transA: boolean, transB: boolean, batches: number];

/** The product on `threads` threads, through the wasm backend's matmul. */
function product([m, k, n, transA, transB, batches]: Case, threads: number): Float32Array {
  const a = fill(m * k * batches, 1);
  const b = fill(k * n, 2); // one B shared by every batch entry, as a Linear weight is
  const out = new Float32Array(m * n * batches);
  const aOffsets = Array.from({ length: batches }, (_, i) => i * m * k);
  setNumThreads(threads);
  wasm!.matmul(a, aOffsets, b, new Array<number>(batches).fill(0), out, m, k, n, transA, transB);
  return out;
}

function mismatches(x: Float32Array, y: Float32Array): number {
  let count = 0;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) count++;
  return count;
}

describe.skipIf(!wasm)('threaded wasm matmul', () => {
  const cases: Case[] = [
    [256, 256, 256, false, false, 1],
    [130, 257, 129, false, false, 1], // rows not a multiple of the tile or the share
    [131, 300, 70, true, false, 1],
    [64, 784, 256, false, true, 1], // a Linear forward, batch 64
    [784, 64, 256, true, false, 1], // its weight gradient
    [97, 129, 131, true, true, 2],
    [600, 1030, 40, false, false, 1], // k spans several packed slabs
  ];
  it.each(cases)('%i×%i·%i (transA %s, transB %s, %i batches) equals one thread bit for bit', (...c) => {
    const single = product(c, 1);
    for (const threads of [2, 3, 5]) expect(mismatches(product(c, threads), single)).toBe(0);
  });

  it('defaults to the core count in Node; rejects counts below 1 or fractional', () => {
    expect(initialThreads).toBeGreaterThanOrEqual(1);
    publicSetNumThreads(3);
    expect(publicGetNumThreads()).toBe(3);
    expect(() => setNumThreads(0)).toThrow(/setNumThreads/);
    expect(() => setNumThreads(1.5)).toThrow(/setNumThreads/);
    expect(getNumThreads()).toBe(3);
  });

  it('keeps products below the threshold on the calling thread', () => {
    // A job that would fail on a helper does not fail: no helper takes part in a small product.
    const small: Case = [32, 64, 64, false, false, 1];
    expect(32 * 64 * 64).toBeLessThan(THREADED_MIN_WORK);
    const single = product(small, 1);
    failNextThreadedJob();
    expect(mismatches(product(small, 4), single)).toBe(0);
    // Reset the flag with a threaded product that fails, then check recovery.
    expect(() => product([256, 256, 256, false, false, 1], 2)).toThrow();
  });

  it("surfaces a worker's error as an Error naming the op, and recovers", () => {
    const big: Case = [256, 256, 256, false, false, 1];
    const single = product(big, 1);
    failNextThreadedJob();
    expect(() => product(big, 2)).toThrow(/^matmul: a worker thread failed: deliberate failure/);
    expect(mismatches(product(big, 2), single)).toBe(0);
  });

  it('survives shrinking and growing the pool between products', () => {
    const c: Case = [200, 300, 180, false, true, 1];
    const single = product(c, 1);
    for (const threads of [4, 1, 2, 1, 3, 2]) expect(mismatches(product(c, threads), single)).toBe(0);
  });

  it('does not keep the process alive', () => {
    const script =
      "import { matmul, randn, getNumThreads, setNumThreads } from './src/index.ts';" +
      'setNumThreads(2); matmul(randn([300, 300]), randn([300, 300]));' +
      "console.log('done', getNumThreads());";
    const started = Date.now();
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('done 2');
    expect(result.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
