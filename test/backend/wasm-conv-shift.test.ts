// @file The wasm convolutions' shifted-plane column path (stride 1, width kept) and max pooling's adjoint, against js.
import { describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backend/js/index.js';
import type { ConvGeometry, Window2d } from '../../src/backend/types.js';
import { NO_LIMITS, probeFeatures, wasmBackendFrom } from '../../src/backend/wasm/index.js';
import { loadRuntime } from '../../src/backend/wasm/runtime.js';
import {
  getNumThreads,
  setNumThreads,
  setThreadingThresholds,
  threadedJobCount,
} from '../../src/backend/wasm/threads.js';
import { NeuriteError } from '../../src/errors.js';

const runtime = loadRuntime(probeFeatures());
/** Every float32 call in wasm, however small. */
const wasm = runtime ? wasmBackendFrom(runtime, NO_LIMITS) : null;

/** Deterministic values in [-1, 1) (xorshift). */
function values(n: number, seed: number): Float32Array {
  const data = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return data;
}

/** |got − want| ≤ terms·2⁻²³·(|want| + 1) elementwise: a sum of `terms` products of values in [−1, 1). */
function expectClose(got: Float32Array, want: Float32Array, terms: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    const bound = terms * 2 ** -23 * (Math.abs(want[i]!) + 1);
    if (!(Math.abs(got[i]! - want[i]!) <= bound))
      expect.fail(`${what} at ${i}: wasm ${got[i]}, js ${want[i]}`);
  }
}

/** A stride-1, dilation-1 window whose padding keeps the width: 2·padW = kernelW − 1. */
function window(inH: number, inW: number, kernelH: number, kernelW: number, padH: number): Window2d {
  const padW = (kernelW - 1) / 2;
  return {
    inH,
    inW,
    outH: inH + 2 * padH - kernelH + 1,
    outW: inW,
    kernelH,
    kernelW,
    strideH: 1,
    strideW: 1,
    padH,
    padW,
    dilationH: 1,
    dilationW: 1,
  };
}

const WINDOWS: [string, Window2d][] = [
  ['3×3 same on 14×14', window(14, 14, 3, 3, 1)],
  ['5×5, no vertical padding', window(9, 7, 5, 5, 0)],
  ['1×3, padding rows above and below', window(6, 11, 1, 3, 2)],
  ['3×1, padding beyond the kernel (all-zero rows)', window(5, 4, 3, 1, 3)],
  ['7×7 wider than a 3-wide plane', window(4, 3, 7, 7, 3)],
  ['1×1', window(3, 5, 1, 1, 0)],
];

const CASES = [
  { images: 3, inChannels: 2, outChannels: 5, groups: 1 },
  { images: 2, inChannels: 4, outChannels: 6, groups: 2 },
  { images: 17, inChannels: 1, outChannels: 3, groups: 1 }, // ∂W over two 16-image chunks
  { images: 19, inChannels: 1, outChannels: 16, groups: 1 }, // ∂W summed as ∂Wᵀ where kH·kW < 16
  { images: 3, inChannels: 2, outChannels: 18, groups: 2 }, // ∂Wᵀ per group where kH·kW < 9
];

describe.skipIf(!wasm)('wasm convolutions on shifted planes', () => {
  for (const [name, w] of WINDOWS) {
    it(`${name}: forward, input and weight gradients agree with js`, () => {
      for (const [i, c] of CASES.entries()) {
        const geo: ConvGeometry = { ...c, window: w };
        const what = `${name}, case ${i}`;
        const kg = (c.inChannels / c.groups) * w.kernelH * w.kernelW;
        const inSize = c.images * c.inChannels * w.inH * w.inW;
        const outSize = c.images * c.outChannels * w.outH * w.outW;
        const x = values(inSize, 3 + i);
        const weight = values(c.outChannels * kg, 5 + i);
        const bias = values(c.outChannels, 7 + i);
        const gradOut = values(outSize, 11 + i);
        const pair = (n: number) => [new Float32Array(n).fill(NaN), new Float32Array(n).fill(NaN)] as const;
        const y = pair(outSize);
        wasm!.conv2d(x, weight, bias, y[0], geo);
        jsBackend.conv2d(x, weight, bias, y[1], geo);
        expectClose(y[0], y[1], kg + 1, `conv2d ${what}`);
        const dx = pair(inSize);
        wasm!.conv2dInputGrad(gradOut, weight, dx[0], geo);
        jsBackend.conv2dInputGrad(gradOut, weight, dx[1], geo);
        expectClose(dx[0], dx[1], c.outChannels * w.kernelH * w.kernelW, `conv2dInputGrad ${what}`);
        const dw = pair(weight.length);
        wasm!.conv2dWeightGrad(x, gradOut, dw[0], geo);
        jsBackend.conv2dWeightGrad(x, gradOut, dw[1], geo);
        expectClose(dw[0], dw[1], c.images * w.outH * w.outW, `conv2dWeightGrad ${what}`);
      }
    });
  }

  it('∂W of a one-channel layer (summed as ∂Wᵀ) is the same bits when split across threads', () => {
    const w = window(28, 28, 3, 3, 1);
    const geo: ConvGeometry = { images: 37, inChannels: 1, outChannels: 16, groups: 1, window: w };
    const x = values(37 * 784, 31);
    const gradOut = values(37 * 16 * 784, 37);
    const alone = new Float32Array(16 * 9).fill(NaN);
    const split = new Float32Array(16 * 9).fill(NaN);
    const threads = getNumThreads();
    try {
      setNumThreads(1);
      wasm!.conv2dWeightGrad(x, gradOut, alone, geo);
      setNumThreads(3);
      setThreadingThresholds(1, 0); // split whatever the size
      const jobs = threadedJobCount();
      wasm!.conv2dWeightGrad(x, gradOut, split, geo);
      expect(threadedJobCount()).toBe(jobs + 1);
    } finally {
      setThreadingThresholds();
      setNumThreads(threads);
    }
    expect(split).toEqual(alone);
    const want = new Float32Array(16 * 9);
    jsBackend.conv2dWeightGrad(x, gradOut, want, geo);
    expectClose(alone, want, 37 * 784, 'conv2dWeightGrad 1→16');
  });

  it('leave the input operands as they were', () => {
    const w = window(6, 6, 3, 3, 1);
    const geo: ConvGeometry = { images: 2, inChannels: 3, outChannels: 4, groups: 1, window: w };
    const gradOut = values(2 * 4 * 36, 13);
    const weight = values(4 * 3 * 9, 17);
    const before = gradOut.slice();
    wasm!.conv2dInputGrad(gradOut, weight, new Float32Array(2 * 3 * 36), geo);
    expect(gradOut).toEqual(before);
  });
});

describe.skipIf(!wasm)('wasm maxPool2dBackward', () => {
  it('adds each gradient onto its winner exactly as js does, onto what gradIn holds', () => {
    const planes = 7;
    const positions = 9;
    const inPlane = 36;
    const gradOut = values(planes * positions, 19);
    // Winners may repeat within a plane (overlapping windows), so some elements receive several gradients.
    const indices = Int32Array.from({ length: planes * positions }, (_, i) => (i * 7 + (i >> 2)) % inPlane);
    const start = values(planes * inPlane, 23);
    const got = start.slice();
    const want = start.slice();
    wasm!.maxPool2dBackward(gradOut, indices, planes, positions, inPlane, got);
    jsBackend.maxPool2dBackward(gradOut, indices, planes, positions, inPlane, want);
    expect(got).toEqual(want);
  });

  it('refuses indices outside their plane instead of writing past it', () => {
    const gradOut = values(8, 29);
    const indices = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 9]); // 9 ≥ inPlane
    const gradIn = new Float32Array(2 * 9 + 4);
    expect(() => wasm!.maxPool2dBackward(gradOut, indices, 2, 4, 9, gradIn.subarray(0, 18))).toThrow(
      NeuriteError,
    );
    expect(() => wasm!.maxPool2dBackward(gradOut, indices, 2, 4, 9, gradIn.subarray(0, 18))).toThrow(
      /maxPool2dBackward: 1 of 8 indices lie outside their planes of 9 elements/,
    );
    expect(Array.from(gradIn.subarray(18))).toEqual([0, 0, 0, 0]);
  });
});
