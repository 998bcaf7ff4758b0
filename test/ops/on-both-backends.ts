// @file Replays chosen golden cases on the js backend and on the wasm backend without size thresholds.
import { describe, expect, it } from 'vitest';
import { getBackend, registerBackend, setBackend } from '../../src/backend/index.js';
import { NO_LIMITS, probeFeatures, wasmBackendFrom } from '../../src/backend/wasm/index.js';
import { loadRuntime } from '../../src/backend/wasm/runtime.js';
import type { Tensor } from '../../src/index.js';
import { decode, expectClose, loadFixture, type RunResult, type Runner } from '../helpers/golden.js';

/**
 * The wasm backend without size thresholds (every float32 call runs in wasm, and every float32 array ops allocate
 * lives in its linear memory, so kernels work in place), registered once; null without SIMD.
 */
const WASM_UNLIMITED = 'wasm-unlimited';
const runtime = loadRuntime(probeFeatures(), { residentMinElements: 1 });
if (runtime) registerBackend({ ...wasmBackendFrom(runtime, NO_LIMITS), name: WASM_UNLIMITED });

/** The backends a case runs on: js, and wasm without thresholds where this engine has SIMD. */
export const BACKENDS: readonly string[] = runtime ? ['js', WASM_UNLIMITED] : ['js'];

/** Runs `body` with `backend` active, restoring the previous one. */
export function withBackend<T>(backend: string, body: () => T): T {
  const previous = getBackend();
  setBackend(backend);
  try {
    return body();
  } finally {
    setBackend(previous);
  }
}

function outputsOf(result: RunResult): Tensor[] {
  if (Array.isArray(result)) return [...(result as readonly Tensor[])];
  if ('values' in result && 'indices' in result) return [result.values, result.indices];
  return [result as Tensor];
}

/**
 * The golden cases of `family` whose names `chosen` accepts, each replayed (forward values and dtypes, then the
 * gradients for the recorded upstream gradient) on every backend of BACKENDS: the golden suite itself runs on
 * the default backend, whose thresholds send these small tensors to the js kernels.
 */
export function goldenOnBothBackends(
  family: string,
  runners: Record<string, Runner>,
  chosen: (name: string) => boolean,
): void {
  const cases = loadFixture(family).filter((c) => chosen(c.name));
  describe(`${family}: chosen PyTorch cases on ${BACKENDS.join(' and ')}`, () => {
    it('chooses some cases', () => expect(cases.length).toBeGreaterThan(0));
    for (const backend of BACKENDS) {
      for (const c of cases) {
        it(`${c.name} (${backend})`, () =>
          withBackend(backend, () => {
            const run = runners[c.name.split('/')[0]!]!;
            const inputs = c.inputs.map((e) => decode(e, e.requiresGrad));
            const outputs = outputsOf(run(inputs, c.params));
            c.outputs.forEach((expected, i) => {
              expect(outputs[i]!.dtype, `output ${i} dtype`).toBe(expected.dtype);
              expectClose(outputs[i]!, expected, `output ${i}`);
            });
            if (!c.gradOutput || !c.grads) return;
            outputs[0]!.backward(decode(c.gradOutput));
            c.grads.forEach((expected, i) => {
              if (expected !== null) expectClose(inputs[i]!.grad!, expected, `grad of input ${i}`);
            });
          }));
      }
    }
  });
}
