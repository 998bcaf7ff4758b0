// @file Every optimizer × option set against 50 PyTorch steps on a small MLP: losses, final parameters and state,
// with the js kernels and with the wasm optimizer kernel taking every update (the MLP is below its size threshold).
import { describe, expect, it } from 'vitest';
import { registerBackend } from '../../src/backend/index.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { NO_LIMITS, probeFeatures, wasmBackendFrom } from '../../src/backend/wasm/index.js';
import { loadRuntime } from '../../src/backend/wasm/runtime.js';
import { decode, expectClose, type Encoded } from '../helpers/golden.js';
import { withBackend } from '../ops/on-both-backends.js';
import { Mlp, loadOptimFixture, makeOptimizer, type OptimizerRun } from './fixture.js';

/** The js backend with the wasm optimizer kernel for every size, so the fixtures test that kernel alone. */
const WASM_OPTIM = 'js+wasm-optimizer';
const runtime = loadRuntime(probeFeatures());
if (runtime) {
  const { optimizerStep } = wasmBackendFrom(runtime, NO_LIMITS);
  registerBackend({ ...jsBackend, name: WASM_OPTIM, optimizerStep });
}
const BACKENDS = runtime ? ['js', WASM_OPTIM] : ['js'];

const fixture = loadOptimFixture();
const tol = { rtol: 1e-4, atol: 1e-5 };

function paramsInput(mlp: Mlp, run: OptimizerRun) {
  if (!run.groups) return mlp.params;
  const [g1, g2] = run.groups as [Record<string, unknown>, Record<string, unknown>];
  return [
    { params: mlp.params.slice(0, 2), ...g1 },
    { params: mlp.params.slice(2, 4), ...g2 },
  ];
}

describe('optimizers match PyTorch over 50 steps of an MLP', () => {
  it('covers every optimizer class', () => {
    expect(new Set(fixture.optimizers.map((r) => r.optimizer))).toEqual(
      new Set(['SGD', 'Adam', 'AdamW', 'Adagrad', 'Adadelta', 'RMSprop']),
    );
  });

  for (const backend of BACKENDS) {
    for (const run of fixture.optimizers) {
      it(`${run.name} (${backend})`, () => withBackend(backend, () => replay(run)));
    }
  }
});

/** Replays one fixture run on the active backend. */
function replay(run: OptimizerRun): void {
  const mlp = new Mlp(fixture.model);
  const opt = makeOptimizer(run.optimizer, paramsInput(mlp, run), run.options);
  const losses: number[] = [];
  for (let step = 0; step < fixture.steps; step++) {
    opt.zeroGrad();
    const loss = mlp.loss();
    loss.backward();
    losses.push(loss.item());
    opt.step();
  }
  losses.forEach((l, i) => {
    const e = run.losses[i]!;
    if (Math.abs(l - e) > tol.atol + tol.rtol * Math.abs(e)) expect.fail(`loss at step ${i}: ${l} vs ${e}`);
  });
  mlp.params.forEach((p, i) => expectClose(p, run.params[i]!, `param ${i}`, tol));
  mlp.params.forEach((p, i) => {
    const expected = run.state[i]!;
    const actual = opt.state.get(p) ?? {};
    expect(Object.keys(actual).sort(), `state keys of param ${i}`).toEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected)) {
      if (typeof value === 'number') expect(actual[key], `${key} of param ${i}`).toBe(value);
      else {
        const t = actual[key];
        expect(t, `${key} of param ${i}`).toBeDefined();
        expectClose(t as ReturnType<typeof decode>, value as Encoded, `${key} of param ${i}`, tol);
        expect((t as ReturnType<typeof decode>).dtype).toBe('float32');
      }
    }
  });
}
