// @file The fused optimizer step: the wasm SIMD kernel of every family against the js kernel (the oracle) over 50 steps.
import { describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backend/js/index.js';
import type { Backend, OptimizerUpdate } from '../../src/backend/types.js';
import {
  NO_LIMITS,
  createWasmBackend,
  probeFeatures,
  wasmBackendFrom,
} from '../../src/backend/wasm/index.js';
import { OPTIMIZER_CODES } from '../../src/backend/wasm/opcodes.generated.js';
import { loadRuntime } from '../../src/backend/wasm/runtime.js';
import { optimizerStateKeys } from '../../src/ops/optim.js';

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
  state: Float32Array[];
}

/** An update at step t (1-based): Adam and Adagrad count steps, SGD's buffer is fresh on the first. */
type UpdateAt = (step: number) => OptimizerUpdate;

/** 50 steps of `backend`'s optimizerStep from the same start, with a fresh gradient each step. */
function run(backend: Backend, n: number, at: UpdateAt, steps = 50): Run {
  const p = random(n, 1);
  const state = optimizerStateKeys(at(1)).map((key) => new Float32Array(n).fill(key === 'sum' ? 0.1 : 0));
  for (let step = 1; step <= steps; step++) {
    const g = random(n, 1000 + step, step % 7 === 0 ? 1e-3 : 1);
    backend.optimizerStep(at(step), p, g, state);
  }
  return { p, state };
}

/** max |actual − expected| / max |expected| (norm-wise: values near zero have no useful elementwise ratio). */
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

const SGD = { kind: 'sgd', lr: 0.05, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false } as const;
const RMSPROP = { kind: 'rmsprop', lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0 } as const;
const ADAM = {
  kind: 'adam',
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  decoupled: false,
  amsgrad: false,
  maximize: false,
} as const;

/** Each case: a label and the update at step t. */
const CASES: [string, UpdateAt][] = [
  ['SGD', () => ({ ...SGD, maximize: false, freshBuffer: false })],
  [
    'SGD, momentum, dampening, L2, maximize',
    (t) => ({
      ...SGD,
      momentum: 0.9,
      dampening: 0.1,
      weightDecay: 0.01,
      maximize: true,
      freshBuffer: t === 1,
    }),
  ],
  [
    'SGD, Nesterov',
    (t) => ({ ...SGD, momentum: 0.9, nesterov: true, maximize: false, freshBuffer: t === 1 }),
  ],
  ['RMSprop', () => ({ ...RMSPROP, centered: false, maximize: false })],
  [
    'RMSprop, momentum, L2',
    () => ({ ...RMSPROP, momentum: 0.5, weightDecay: 0.1, centered: false, maximize: false }),
  ],
  ['RMSprop, centered, maximize', () => ({ ...RMSPROP, alpha: 0.9, centered: true, maximize: true })],
  ['RMSprop, centered, momentum', () => ({ ...RMSPROP, momentum: 0.9, centered: true, maximize: false })],
  [
    'Adagrad, lr decay, L2',
    (step) => ({
      kind: 'adagrad',
      step,
      lr: 1e-2,
      lrDecay: 0.01,
      weightDecay: 0.1,
      eps: 1e-10,
      maximize: false,
    }),
  ],
  [
    'Adagrad, maximize',
    (step) => ({ kind: 'adagrad', step, lr: 1e-2, lrDecay: 0, weightDecay: 0, eps: 1e-10, maximize: true }),
  ],
  ['Adadelta', () => ({ kind: 'adadelta', lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false })],
  [
    'Adadelta, L2, maximize',
    () => ({ kind: 'adadelta', lr: 0.5, rho: 0.5, eps: 1e-6, weightDecay: 0.1, maximize: true }),
  ],
  ['Adam', (step) => ({ ...ADAM, step })],
  [
    'Adam, L2 weight decay, maximize',
    (step) => ({ ...ADAM, step, lr: 1e-2, weightDecay: 0.1, maximize: true }),
  ],
  ['AdamW', (step) => ({ ...ADAM, step, weightDecay: 1e-2, decoupled: true })],
  [
    'AdamW, amsgrad',
    (step) => ({
      ...ADAM,
      step,
      lr: 3e-3,
      beta1: 0.8,
      beta2: 0.99,
      weightDecay: 0.05,
      decoupled: true,
      amsgrad: true,
    }),
  ],
  ['Adam, amsgrad', (step) => ({ ...ADAM, step, amsgrad: true })],
];

describe.skipIf(!wasm)('wasm optimizerStep', () => {
  for (const [label, at] of CASES) {
    for (const n of [1027, 2048, 4099, 10_000]) {
      it(`${label}, ${n} elements: within float32 rounding of js after 50 steps`, () => {
        const expected = run(jsBackend, n, at);
        const actual = run(wasm!, n, at);
        expect(maxRelativeError(actual.p, expected.p)).toBeLessThanOrEqual(1e-6);
        const keys = optimizerStateKeys(at(1));
        expected.state.forEach((s, i) =>
          expect(maxRelativeError(actual.state[i]!, s), keys[i]).toBeLessThanOrEqual(1e-5),
        );
      });
    }
  }

  it('handles sizes that are not a multiple of four without touching neighbours (no size limits)', () => {
    for (const [label, at] of CASES) {
      for (const n of [1, 3, 5, 17]) {
        const expected = run(jsBackend, n, at);
        const actual = run(eager!, n, at);
        expect(maxRelativeError(actual.p, expected.p), `${label}, ${n}`).toBeLessThanOrEqual(1e-6);
      }
    }
  });

  it('takes its family codes from the op-code table; an unknown code traps', () => {
    expect(Object.keys(OPTIMIZER_CODES).sort()).toEqual(['adadelta', 'adagrad', 'adam', 'rmsprop', 'sgd']);
    const runtime = loadRuntime(probeFeatures())!;
    const [at] = runtime.layout(64);
    const unknown = Object.keys(OPTIMIZER_CODES).length;
    expect(() => runtime.kernels.optimizerStep(unknown, 0, at!, 4, at!, at!, 0, 0, 0)).toThrow(
      WebAssembly.RuntimeError,
    );
  });

  it('propagates NaN through the amsgrad maximum like torch.maximum', () => {
    const n = 8;
    const p = new Float32Array(n).fill(1);
    const g = new Float32Array(n).fill(0.5);
    g[3] = NaN;
    const state = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
    eager!.optimizerStep({ ...ADAM, amsgrad: true, step: 1 }, p, g, state);
    expect(Number.isNaN(state[2]![3]!)).toBe(true);
    expect(Number.isNaN(p[3]!)).toBe(true);
    expect(Number.isNaN(p[2]!)).toBe(false);
  });

  it('small, float64 and mixed-dtype tensors go to the js kernel (bit-identical)', () => {
    for (const [label, at] of CASES) {
      expect(run(wasm!, 100, at), label).toEqual(run(jsBackend, 100, at));
      const update = at(1);
      const count = optimizerStateKeys(update).length;
      const start = Float64Array.from(random(5000, 3));
      const g = Float64Array.from(random(5000, 4));
      const expected = Float64Array.from(start);
      jsBackend.optimizerStep(
        update,
        expected,
        g,
        [...Array(count)].map(() => new Float64Array(5000)),
      );
      const p = Float64Array.from(start);
      wasm!.optimizerStep(
        update,
        p,
        g,
        [...Array(count)].map(() => new Float64Array(5000)),
      );
      expect(p, label).toEqual(expected);
      if (count === 0) continue;
      const p32 = Float32Array.from(start);
      const expected32 = Float32Array.from(start);
      jsBackend.optimizerStep(
        update,
        expected32,
        g,
        [...Array(count)].map(() => new Float32Array(5000)),
      );
      wasm!.optimizerStep(
        update,
        p32,
        g,
        [...Array(count)].map(() => new Float32Array(5000)),
      );
      expect(p32, `${label}, float64 gradient`).toEqual(expected32);
    }
  });
});
