// @file nn.RNN / LSTM / GRU and their cells against PyTorch: PyTorch state dicts loaded with loadStateDict give PyTorch's outputs, final states and every gradient, on js and wasm.
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/index.js';
import { decode, expectClose } from '../helpers/golden.js';
import { BACKENDS, withBackend } from '../ops/on-both-backends.js';
import { buildLayer, loadRecurrentFixture, runCase } from './recurrent-fixture.js';

const cases = loadRecurrentFixture();

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
          const layer = buildLayer(c);
          expect(Object.keys(layer.stateDict())).toEqual(Object.keys(c.state));
          const { outputs, leaves } = runCase(c, layer);
          expect(outputs.length).toBe(c.outputs.length);
          c.outputs.forEach((expected, i) => {
            expect(outputs[i]!.dtype).toBe(expected.dtype);
            expectClose(outputs[i]!, expected, `${c.name} output ${i}`);
          });
          let loss: Tensor | null = null;
          outputs.forEach((o, i) => {
            const term = o.mul(decode(c.gradOutputs[i]!)).sum();
            loss = loss ? loss.add(term) : term;
          });
          loss!.backward();
          for (const [key, expected] of Object.entries(c.grads)) {
            const leaf = leaves[key];
            expect(leaf, `leaf ${key}`).toBeDefined();
            expect(leaf!.grad, `grad of ${key}`).not.toBeNull();
            expectClose(leaf!.grad!, expected, `${c.name} grad of ${key}`);
          }
        }));
    }
  }
});
