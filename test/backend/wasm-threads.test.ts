// @file The threaded wasm kernels: matmul and convolution bit-identical to one thread, the thread-count API,
// small products kept on the calling thread, worker errors surfacing as Errors, and workers not holding a process.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  NeuriteError,
  getNumThreads as publicGetNumThreads,
  setNumThreads as publicSetNumThreads,
} from '../../src/index.js';
import type { ConvGeometry } from '../../src/backend/types.js';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import {
  failNextThreadedJob,
  fixCallerShare,
  getNumThreads,
  setNumThreads,
  setThreadingThresholds,
  THREADED_MIN_WORK,
} from '../../src/backend/wasm/threads.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
/** Spawned children run the wasm backend (whose helpers these tests check) whatever NEURITE_BACKEND the suite runs. */
const wasmChildEnv = { ...process.env, NEURITE_BACKEND: 'wasm' };
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
    [64, 300, 523, false, false, 1], // fewer rows than columns: split by columns (n not a multiple of 8)
    [40, 500, 300, true, false, 2],
    [64, 1568, 130, false, true, 1], // a Linear forward with a transposed weight, split by columns
  ];
  it.each(cases)('%i×%i·%i (transA %s, transB %s, %i batches) equals one thread bit for bit', (...c) => {
    setThreadingThresholds(1, 0); // split whatever the size
    try {
      const single = product(c, 1);
      failNextThreadedJob();
      expect(() => product(c, 2), 'the product is split').toThrow(/a worker thread failed/);
      for (const threads of [2, 3, 5]) expect(mismatches(product(c, threads), single)).toBe(0);
      // However much of the job the caller keeps (ShareBalance learns it), each output is computed whole.
      for (const share of [0.2, 0.7, 0.95]) {
        fixCallerShare(share);
        expect(mismatches(product(c, 2), single), `caller share ${share}`).toBe(0);
      }
    } finally {
      fixCallerShare(null);
      setThreadingThresholds();
    }
  });

  it('splits only products with enough work per copied float (by default)', () => {
    const split = (c: Case) => {
      failNextThreadedJob();
      try {
        product(c, 2);
        return false;
      } catch {
        return true;
      } finally {
        failNextThreadedJob(false); // in case no job took it
      }
    };
    expect(split([1024, 1024, 1024, false, false, 1])).toBe(true); // 341 multiply-adds per float
    expect(split([256, 256, 256, false, false, 1])).toBe(true); // 85
    expect(split([64, 784, 256, false, true, 1])).toBe(false); // 48: copying would cost more than it saves
    expect(split([32, 64, 64, false, false, 1])).toBe(false); // below THREADED_MIN_WORK
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

  it("surfaces a worker's error as a NeuriteError naming the op, and recovers", () => {
    const big: Case = [256, 256, 256, false, false, 1];
    const single = product(big, 1);
    failNextThreadedJob();
    expect(() => product(big, 2)).toThrow(/^matmul: a worker thread failed: deliberate failure/);
    failNextThreadedJob();
    expect(() => product(big, 2)).toThrow(NeuriteError);
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
      env: wasmChildEnv,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('done 2');
    expect(result.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('starts its helpers in a process run with a V8 flag (Worker refuses V8 flags in execArgv)', () => {
    // Node 20 needs --experimental-wasm-relaxed-simd for the fused build; engines that ship relaxed SIMD accept
    // the flag too (or refuse it at start-up: then there is nothing to check).
    const script =
      "import { matmul, randn, setNumThreads } from './src/index.ts';" +
      "import { threadedJobCount } from './src/backend/wasm/threads.ts';" +
      'setNumThreads(2); const p = matmul(randn([300, 300]), randn([300, 300]));' +
      "console.log('done', p.shape.join('x'), threadedJobCount() > 0);";
    const args = ['--experimental-wasm-relaxed-simd', '--import', 'tsx', '--input-type=module', '-e', script];
    const result = spawnSync(process.execPath, args, {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: wasmChildEnv,
    });
    if (result.status !== 0 && /bad option|not allowed/.test(result.stderr)) return;
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('done 300x300 true');
  });
});

/** A convolution's three maps on `threads` threads, through the wasm backend. */
function convolve(geo: ConvGeometry, threads: number, withBias: boolean): Float32Array[] {
  const w = geo.window;
  const kg = (geo.inChannels / geo.groups) * w.kernelH * w.kernelW;
  const x = fill(geo.images * geo.inChannels * w.inH * w.inW, 3);
  const weight = fill(geo.outChannels * kg, 4);
  const bias = withBias ? fill(geo.outChannels, 5) : null;
  const gradOut = fill(geo.images * geo.outChannels * w.outH * w.outW, 6);
  setNumThreads(threads);
  const out = new Float32Array(gradOut.length);
  wasm!.conv2d(x, weight, bias, out, geo);
  const gradInput = new Float32Array(x.length);
  wasm!.conv2dInputGrad(gradOut, weight, gradInput, geo);
  const gradWeight = new Float32Array(weight.length);
  wasm!.conv2dWeightGrad(x, gradOut, gradWeight, geo);
  return [out, gradInput, gradWeight];
}

function geometry(
  images: number,
  inChannels: number,
  outChannels: number,
  groups: number,
  size: number,
  kernel: number,
  pad: number,
  stride = 1,
): ConvGeometry {
  const outSize = Math.floor((size + 2 * pad - kernel) / stride) + 1;
  return {
    images,
    inChannels,
    outChannels,
    groups,
    window: {
      inH: size,
      inW: size,
      outH: outSize,
      outW: outSize,
      kernelH: kernel,
      kernelW: kernel,
      strideH: stride,
      strideW: stride,
      padH: pad,
      padW: pad,
      dilationH: 1,
      dilationW: 1,
    },
  };
}

describe.skipIf(!wasm)('threaded wasm convolution', () => {
  const cases: [string, ConvGeometry, boolean][] = [
    ['LeNet conv 6→16 5×5, batch 64', geometry(64, 6, 16, 1, 14, 5, 0), true],
    ['conv 16→32 3×3 same, batch 37 (uneven shares and chunks)', geometry(37, 16, 32, 1, 14, 3, 1), false],
    ['grouped, strided, batch 50', geometry(50, 8, 32, 2, 33, 3, 1, 2), true],
  ];
  it.each(cases)('%s: forward, input and weight gradients equal one thread bit for bit', (_, geo, bias) => {
    setThreadingThresholds(1, 0); // split whatever the size
    try {
      failNextThreadedJob();
      expect(() => convolve(geo, 2, bias), 'the convolution is split').toThrow(/a worker thread failed/);
      const single = convolve(geo, 1, bias);
      for (const threads of [2, 3]) {
        const threaded = convolve(geo, threads, bias);
        single.forEach((want, i) =>
          expect(mismatches(threaded[i]!, want), `map ${i}, ${threads} threads`).toBe(0),
        );
      }
      for (const share of [0.2, 0.8]) {
        fixCallerShare(share);
        const threaded = convolve(geo, 2, bias);
        single.forEach((want, i) =>
          expect(mismatches(threaded[i]!, want), `map ${i}, caller share ${share}`).toBe(0),
        );
      }
    } finally {
      fixCallerShare(null);
      setThreadingThresholds();
    }
  });

  it("surfaces a worker's error as an Error naming the map, and recovers", () => {
    const geo = geometry(64, 6, 16, 1, 14, 5, 0);
    const single = convolve(geo, 1, false);
    failNextThreadedJob();
    expect(() => convolve(geo, 2, false)).toThrow(
      /^conv2d \(forward\): a worker thread failed: deliberate failure/,
    );
    const again = convolve(geo, 2, false);
    single.forEach((want, i) => expect(mismatches(again[i]!, want)).toBe(0));
  });
});
