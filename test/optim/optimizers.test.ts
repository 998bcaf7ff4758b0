// @file Every optimizer × option set against 50 PyTorch steps on a small MLP: losses, final parameters and state,
// with the js kernels and with the wasm optimizer kernel taking every update (the MLP is below its size threshold).
import { describe, expect, it } from 'vitest';
import { getBackend, registerBackend, setBackend } from '../../src/backend/index.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { NO_LIMITS, probeFeatures, wasmBackendFrom } from '../../src/backend/wasm/index.js';
import { loadRuntime } from '../../src/backend/wasm/runtime.js';
import { decode, expectClose } from '../helpers/golden.js';
import { loadOptimFixture } from './fixture.js';
import { replayOptimizerRun, type OptimChecks } from './runners/optim.js';

/** The js backend with the wasm optimizer kernel for every size, so the fixtures test that kernel alone. */
const WASM_OPTIM = 'js+wasm-optimizer';
const runtime = loadRuntime(probeFeatures());
if (runtime) {
  const { optimizerStep } = wasmBackendFrom(runtime, NO_LIMITS);
  registerBackend({ ...jsBackend, name: WASM_OPTIM, optimizerStep });
}
const BACKENDS = runtime ? ['js', WASM_OPTIM] : ['js'];

const fixture = loadOptimFixture();
const NODE_CHECKS: OptimChecks = {
  decode,
  close: expectClose,
  read: (t) => t.dataSync(),
  fail: (message) => expect.fail(message),
};

describe('optimizers match PyTorch over 50 steps of an MLP', () => {
  it('covers every optimizer class', () => {
    expect(new Set(fixture.optimizers.map((r) => r.optimizer))).toEqual(
      new Set(['SGD', 'Adam', 'AdamW', 'Adagrad', 'Adadelta', 'RMSprop']),
    );
  });

  for (const backend of BACKENDS) {
    for (const run of fixture.optimizers) {
      it(`${run.name} (${backend})`, async () => {
        const previous = getBackend();
        setBackend(backend); // for the whole replay, awaits included
        try {
          await replayOptimizerRun(fixture.model, fixture.steps, run, NODE_CHECKS);
        } finally {
          setBackend(previous);
        }
      });
    }
  }
});
