// @file nn.RNN / LSTM / GRU and their cells against PyTorch: PyTorch state dicts loaded with loadStateDict give PyTorch's outputs, final states and every gradient, on js and wasm.
import { describe, expect, it } from 'vitest';
import { decode, expectClose } from '../helpers/golden.js';
import { BACKENDS, withBackend } from '../ops/on-both-backends.js';
import { loadRecurrentFixture } from './recurrent-fixture.js';
import type { CaseChecks } from './runners/checks.js';
import { runRecurrentCase } from './runners/recurrent.js';

const cases = loadRecurrentFixture();
const NODE_CHECKS: CaseChecks = { decode, fail: (message) => expect.fail(message) };

describe('recurrent layers: PyTorch golden cases', () => {
  it('covers every layer class with several configurations', () => {
    const layers = new Set(cases.map((c) => c.layer));
    expect([...layers].sort()).toEqual(['GRU', 'GRUCell', 'LSTM', 'LSTMCell', 'RNN', 'RNNCell']);
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const backend of BACKENDS) {
    for (const c of cases) {
      it(`${c.name} (${backend})`, () =>
        withBackend(backend, () => {
          for (const { actual, expected, what, tol } of runRecurrentCase(c, NODE_CHECKS)) {
            expectClose(actual, expected, what, tol);
          }
        }));
    }
  }
});
