// @file The wasm cross-entropy kernels against the js (float64) ones: losses, log-normalisers and gradients.
import { describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backend/js/index.js';
import type { ClassLossSpec, LossUpstream } from '../../src/backend/loss-kernels.js';
import type { Backend } from '../../src/backend/types.js';
import {
  createWasmBackend,
  NO_LIMITS,
  probeFeatures,
  wasmBackendFrom,
} from '../../src/backend/wasm/index.js';
import { loadRuntime } from '../../src/backend/wasm/runtime.js';

const wasm = createWasmBackend();
const VARIANTS: [string, Backend][] = wasm
  ? [
      ['wasm', wasm],
      ['wasm without size limits', wasmBackendFrom(loadRuntime(probeFeatures())!, NO_LIMITS)],
    ]
  : [];

/** Deterministic values in [-1, 1) (xorshift). */
function random(n: number, seed: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 31 - 1;
  });
}

/**
 * Logits [rows, classes] in [−scale, scale), with some rows confidently right (the target at 30, p_t ≈ 1: the
 * gradient's 1 − p_t must not cancel away), targets in [0, classes) and every 7th row `ignore`.
 */
function problem(rows: number, classes: number, scale: number, ignore: number) {
  const x = Float32Array.from(random(rows * classes, rows + classes), (v) => v * scale);
  const labels = Int32Array.from(random(rows, 7), (v) => Math.floor(((v + 1) / 2) * classes));
  for (let r = 0; r < rows; r += 5) x[r * classes + labels[r]!] = 30;
  for (let r = 3; r < rows; r += 7) labels[r] = ignore;
  return { x, labels };
}

/** |got − want| ≤ rel·|want| + abs for each element (NaN matches NaN). */
function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  rel: number,
  abs: number,
  what: string,
) {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    if (Object.is(g, w) || (g !== g && w !== w)) continue;
    if (!(Math.abs(g - w) <= rel * Math.abs(w) + abs)) expect.fail(`${what} at ${i}: wasm ${g}, js ${w}`);
  }
}

/**
 * The gradient within the rounding of the two computations: each exponent x − z is rounded to float32 before
 * the exponential (as in PyTorch's float32 kernels), a relative error of up to |x − z|·2⁻²⁴ per term, which
 * reaches the target's s·(p_t − 1) through Σ_c p_c; and both kernels hold z in float64, an absolute error of a
 * few ulps of z in x_t − z (the whole of p_t − 1 when the row is confident). So per row: relative
 * (4 + max_c |x_c − z|)·2⁻²³ plus absolute |s|·|z|·2⁻⁴⁸.
 */
function expectGradient(
  got: Float32Array,
  want: Float32Array,
  x: Float32Array,
  normalisers: Float64Array,
  classes: number,
  s: number,
  what: string,
) {
  for (let r = 0; r < normalisers.length; r++) {
    const z = normalisers[r]!;
    let spread = 0;
    for (let c = 0; c < classes; c++) {
      const d = Math.abs(x[r * classes + c]! - z);
      if (Number.isFinite(d)) spread = Math.max(spread, d); // a −∞ logit's term is exactly 0
    }
    for (let i = r * classes; i < (r + 1) * classes; i++) {
      const [g, w] = [got[i]!, want[i]!];
      if (Object.is(g, w)) continue;
      const tolerance = (4 + spread) * 2 ** -23 * Math.abs(w) + Math.abs(s * z) * 2 ** -48;
      if (!(Math.abs(g - w) <= tolerance)) expect.fail(`${what} at ${i}: wasm ${g}, js ${w}`);
    }
  }
}

function run(backend: Backend, spec: ClassLossSpec, x: Float32Array, labels: Int32Array, g: LossUpstream) {
  const normalisers = new Float64Array(spec.batch);
  const losses = new Float64Array(spec.batch);
  const sums = new Float64Array(2);
  backend.classIndexLoss(spec, x, labels, null, normalisers, losses, sums);
  const grad = new Float32Array(x.length);
  backend.classIndexLossBackward(spec, x, labels, null, normalisers, g, grad);
  return { normalisers, losses, sums, grad };
}

const IGNORE = -100;

for (const [label, backend] of VARIANTS) {
  describe(`${label} cross-entropy against js`, () => {
    for (const [rows, classes, scale] of [
      [2048, 64, 5],
      [64, 10, 3],
      [33, 1000, 8],
      [300, 7, 20],
    ] as const) {
      it(`[${rows}, ${classes}] logits in ±${scale}: losses, sums and gradients within float32 rounding`, () => {
        const spec: ClassLossSpec = {
          batch: rows,
          classes,
          inner: 1,
          ignoreIndex: IGNORE,
          labelSmoothing: 0,
        };
        const { x, labels } = problem(rows, classes, scale, IGNORE);
        const g: LossUpstream = { values: Float32Array.of(0.75), step: 0, scale: 1 / rows };
        const got = run(backend, spec, x, labels, g);
        const want = run(jsBackend, spec, x, labels, g);
        expectClose(got.normalisers, want.normalisers, 1e-6, 1e-6, 'normaliser');
        // A confident row's loss is ≈ e^−30: the float32 terms' error is absolute, tiny against that.
        expectClose(got.losses, want.losses, 1e-5, 1e-12, 'loss');
        expect(got.sums[1]).toBe(want.sums[1]);
        expectClose(got.sums, want.sums, 1e-6, 0, 'sums');
        expectGradient(got.grad, want.grad, x, want.normalisers, classes, 0.75 / rows, 'gradient');
        const ignored = got.grad.filter((_, i) => labels[Math.floor(i / classes)] === IGNORE);
        expect(ignored.length).toBeGreaterThan(0);
        expect(ignored.every((v) => v === 0)).toBe(true);
      });
    }

    it('a NaN or +∞ logit gives exactly what js gives (no finite normaliser); −∞ is a zero term', () => {
      const spec: ClassLossSpec = {
        batch: 40,
        classes: 64,
        inner: 1,
        ignoreIndex: IGNORE,
        labelSmoothing: 0,
      };
      for (const special of [NaN, Infinity, -Infinity]) {
        const { x, labels } = problem(40, 64, 2, IGNORE);
        x[5 * 64 + 9] = special;
        const g: LossUpstream = { values: Float32Array.of(1), step: 0, scale: 1 / 40 };
        const got = run(backend, spec, x, labels, g);
        const want = run(jsBackend, spec, x, labels, g);
        if (special === -Infinity) {
          expectClose(got.losses, want.losses, 1e-6, 1e-12, 'loss with a −∞ logit');
          expectGradient(got.grad, want.grad, x, want.normalisers, 64, 1 / 40, 'gradient with a −∞ logit');
          expect(got.grad[5 * 64 + 9]).toBe(0);
        } else {
          expect(Array.from(got.losses)).toEqual(Array.from(want.losses));
          expect(Array.from(got.sums)).toEqual(Array.from(want.sums));
        }
      }
    });
  });
}
