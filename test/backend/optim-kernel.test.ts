// @file The fused Adam/AdamW update: the wasm SIMD kernel against the js kernel (the oracle) over 50 steps.
import { describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backend/js/index.js';
import type { AdamHyper, Backend } from '../../src/backend/types.js';
import {
  NO_LIMITS,
  createWasmBackend,
  probeFeatures,
  wasmBackendFrom,
} from '../../src/backend/wasm/index.js';
import { loadRuntime } from '../../src/backend/wasm/runtime.js';

const wasm = createWasmBackend();
const eager = wasm ? wasmBackendFrom(loadRuntime(probeFeatures())!, NO_LIMITS) : null;

/** Deterministic values in [-scale, scale) (xorshift). */
function random(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 31 - 1) * scale;
  }
  return out;
}

interface Run {
  p: Float32Array;
  m: Float32Array;
  v: Float32Array;
  vMax: Float32Array | null;
}

/** 50 steps of `backend`'s adamUpdate from the same start, with a fresh gradient each step. */
function run(backend: Backend, n: number, hyper: Omit<AdamHyper, 'step'>, steps = 50): Run {
  const p = random(n, 1);
  const m = new Float32Array(n);
  const v = new Float32Array(n);
  const vMax = hyper.amsgrad ? new Float32Array(n) : null;
  for (let step = 1; step <= steps; step++) {
    const g = random(n, 1000 + step, step % 7 === 0 ? 1e-3 : 1);
    backend.adamUpdate(p, g, m, v, vMax, { ...hyper, step });
  }
  return { p, m, v, vMax };
}

/** max |actual − expected| / max |expected| (norm-wise: parameters near zero have no useful elementwise ratio). */
function maxRelativeError(actual: Float32Array, expected: Float32Array): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= err)) err = d; // NaN counts as the worst
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return err / scale;
}

const BASE = {
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  decoupled: false,
  amsgrad: false,
  maximize: false,
};
const CASES: [string, Omit<AdamHyper, 'step'>][] = [
  ['Adam', BASE],
  ['Adam, L2 weight decay, maximize', { ...BASE, lr: 1e-2, weightDecay: 0.1, maximize: true }],
  ['AdamW', { ...BASE, weightDecay: 1e-2, decoupled: true }],
  [
    'AdamW, amsgrad',
    { ...BASE, lr: 3e-3, beta1: 0.8, beta2: 0.99, weightDecay: 0.05, decoupled: true, amsgrad: true },
  ],
  ['Adam, amsgrad', { ...BASE, amsgrad: true }],
];

describe.skipIf(!wasm)('wasm adamUpdate', () => {
  for (const [label, hyper] of CASES) {
    for (const n of [4096, 4099, 10_000]) {
      it(`${label}, ${n} elements: within float32 rounding of js after 50 steps`, () => {
        const expected = run(jsBackend, n, hyper);
        const actual = run(wasm!, n, hyper);
        expect(maxRelativeError(actual.p, expected.p)).toBeLessThanOrEqual(1e-6);
        expect(maxRelativeError(actual.m, expected.m)).toBeLessThanOrEqual(1e-5);
        expect(maxRelativeError(actual.v, expected.v)).toBeLessThanOrEqual(1e-5);
        if (hyper.amsgrad) expect(maxRelativeError(actual.vMax!, expected.vMax!)).toBeLessThanOrEqual(1e-5);
      });
    }
  }

  it('handles sizes that are not a multiple of four without touching neighbours (no size limits)', () => {
    for (const n of [1, 3, 5, 17]) {
      const expected = run(jsBackend, n, CASES[3]![1]);
      const actual = run(eager!, n, CASES[3]![1]);
      expect(maxRelativeError(actual.p, expected.p)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('propagates NaN through the amsgrad maximum like torch.maximum', () => {
    const n = 8;
    const p = new Float32Array(n).fill(1);
    const g = new Float32Array(n).fill(0.5);
    g[3] = NaN;
    const m = new Float32Array(n);
    const v = new Float32Array(n);
    const vMax = new Float32Array(n);
    eager!.adamUpdate(p, g, m, v, vMax, { ...BASE, amsgrad: true, step: 1 });
    expect(Number.isNaN(vMax[3]!)).toBe(true);
    expect(Number.isNaN(p[3]!)).toBe(true);
    expect(Number.isNaN(p[2]!)).toBe(false);
  });

  it('small and float64 tensors go to the js kernel (bit-identical)', () => {
    const small = run(wasm!, 100, BASE);
    expect(small).toEqual(run(jsBackend, 100, BASE));
    const p = Float64Array.from(random(5000, 3));
    const expected = Float64Array.from(p);
    const g = Float64Array.from(random(5000, 4));
    jsBackend.adamUpdate(expected, g, new Float64Array(5000), new Float64Array(5000), null, {
      ...BASE,
      step: 1,
    });
    wasm!.adamUpdate(p, g, new Float64Array(5000), new Float64Array(5000), null, { ...BASE, step: 1 });
    expect(p).toEqual(expected);
  });
});
