// @file Seeded random inputs and element-wise comparison with a float32 error bound, for the kernel tests.
/// <reference types="@webgpu/types" />
import type { TypedArray } from '../../../../src/tensor/dtype.js';

/** What one case reports back to the test runner. */
export interface CaseResult {
  readonly ok: boolean;
  readonly detail: string;
}

/** A case: runs kernels on the GPU and the js reference, and compares. */
export type KernelCase = (device: GPUDevice) => Promise<CaseResult>;

/** mulberry32: a small seeded generator, so every run draws the same inputs. */
export function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` float32 values uniform in [lo, hi). */
export function uniform(random: () => number, length: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = lo + (hi - lo) * random();
  return out;
}

/** `length` integers uniform in [0, bound). */
export function integers(random: () => number, length: number, bound: number): Int32Array {
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(random() * bound);
  return out;
}

/** The same values widened to float64, so the js reference computes without rounding its inputs again. */
export function widen(x: Float32Array): Float64Array {
  return Float64Array.from(x);
}

/**
 * Compares `actual` (from the GPU) with `expected` (the float64 reference) element by element:
 * |actual − expected| ≤ bound(i), where `bound` is the error the kernel's float32 arithmetic may make there.
 * NaN must meet NaN and ±∞ the same infinity. Reports the worst element.
 */
export function compare(
  name: string,
  actual: TypedArray,
  expected: TypedArray,
  bound: (i: number) => number,
): CaseResult {
  if (actual.length !== expected.length)
    return { ok: false, detail: `${name}: length ${actual.length} ≠ ${expected.length}` };
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) return mismatch(name, i, a, e, 0);
      continue;
    }
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (a !== e) return mismatch(name, i, a, e, 0);
      continue;
    }
    const b = bound(i);
    const error = Math.abs(a - e);
    const ratio = error === 0 ? 0 : error / b;
    if (!(ratio <= 1)) return mismatch(name, i, a, e, b);
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  return {
    ok: true,
    detail: `${name}: ${actual.length} values, worst error ${worstRatio.toFixed(3)} of bound at ${worst}`,
  };
}

function mismatch(name: string, i: number, actual: number, expected: number, bound: number): CaseResult {
  return { ok: false, detail: `${name}: element ${i} is ${actual}, expected ${expected} (bound ${bound})` };
}

/** Combines the results of several comparisons into one. */
export function all(results: readonly CaseResult[]): CaseResult {
  const failed = results.filter((r) => !r.ok);
  const shown = failed.length > 0 ? failed : results;
  return { ok: failed.length === 0, detail: shown.map((r) => r.detail).join('\n') };
}

/** The relative rounding unit of float32. */
export const F32_EPS = 2 ** -24;
