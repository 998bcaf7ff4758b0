// @file Loads the recurrent golden fixture (test/fixtures/recurrent.json, from scripts/fixtures/recurrent.py); recurrent layers for the layer contract. Building and running cases: runners/recurrent.ts.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cat, nn, randn, type Tensor } from '../../src/index.js';
import type { LayerSpec } from './nn-fixture.js';
import type { AnyRecurrent, RecurrentCase } from './runners/recurrent.js';

export type { RecurrentCase } from './runners/recurrent.js';

const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'recurrent.json');

export function loadRecurrentFixture(): RecurrentCase[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { cases: RecurrentCase[] }).cases;
}

/**
 * A recurrent layer as a one-tensor module for the layer contract: its forward returns the output and every final
 * state flattened and concatenated, so checks through it cover the states' gradients too.
 */
class AllOutputs extends nn.Module {
  constructor(readonly layer: AnyRecurrent) {
    super();
  }

  forward(x: Tensor): Tensor {
    const layer = this.layer;
    let parts: Tensor[];
    if (layer instanceof nn.LSTM) {
      const [out, [h, c]] = layer.forward(x);
      parts = [out, h, c];
    } else if (layer instanceof nn.RNN || layer instanceof nn.GRU) {
      parts = layer.forward(x);
    } else if (layer instanceof nn.LSTMCell) {
      parts = layer.forward(x);
    } else {
      parts = [layer.forward(x)];
    }
    return cat(
      parts.map((p) => p.reshape([-1])),
      0,
    );
  }
}

const floats =
  (...shape: number[]) =>
  (dtype: 'float32' | 'float64'): Tensor =>
    randn(shape, { dtype });

/** Recurrent layers for test/nn/contract.test.ts (each wrapped in AllOutputs), keyed by PyTorch descriptor. */
export const RECURRENT_LAYERS: Record<string, LayerSpec> = {
  'LSTM(3, 4, num_layers=2, dropout=0.3, bidirectional=True)': {
    make: (dtype) =>
      new AllOutputs(new nn.LSTM(3, 4, { numLayers: 2, dropout: 0.3, bidirectional: true, dtype })),
    input: floats(4, 2, 3),
  },
  'GRU(3, 4, batch_first=True)': {
    make: (dtype) => new AllOutputs(new nn.GRU(3, 4, { batchFirst: true, dtype })),
    input: floats(2, 4, 3),
  },
  "RNN(3, 4, nonlinearity='relu', bias=False)": {
    make: (dtype) => new AllOutputs(new nn.RNN(3, 4, { nonlinearity: 'relu', bias: false, dtype })),
    input: floats(4, 3),
  },
  'RNNCell(3, 4)': { make: (dtype) => new AllOutputs(new nn.RNNCell(3, 4, { dtype })), input: floats(2, 3) },
  'LSTMCell(3, 4)': {
    make: (dtype) => new AllOutputs(new nn.LSTMCell(3, 4, { dtype })),
    input: floats(2, 3),
  },
  'GRUCell(3, 4)': { make: (dtype) => new AllOutputs(new nn.GRUCell(3, 4, { dtype })), input: floats(3) },
};
