// @file The recurrent golden fixture (test/fixtures/recurrent.json, from scripts/fixtures/recurrent.py) and a runner that builds each layer from it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cat, nn, randn, type Tensor } from '../../src/index.js';
import { decode, type Encoded } from '../helpers/golden.js';
import type { LayerSpec } from './nn-fixture.js';

export interface RecurrentCase {
  name: string;
  layer: 'RNN' | 'LSTM' | 'GRU' | 'RNNCell' | 'LSTMCell' | 'GRUCell';
  inputSize: number;
  hiddenSize: number;
  args: Record<string, unknown>;
  dtype: 'float32' | 'float64';
  state: Record<string, Encoded>;
  input: Encoded;
  hx: Encoded | null;
  cx: Encoded | null;
  outputs: Encoded[];
  gradOutputs: Encoded[];
  grads: Record<string, Encoded>;
}

const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'recurrent.json');

export function loadRecurrentFixture(): RecurrentCase[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { cases: RecurrentCase[] }).cases;
}

type AnyRecurrent = nn.RNN | nn.LSTM | nn.GRU | nn.RNNCell | nn.LSTMCell | nn.GRUCell;

/** A neurite layer of the case's class and options, with PyTorch's state dict loaded through loadStateDict. */
export function buildLayer(c: RecurrentCase): AnyRecurrent {
  const options = { ...c.args, dtype: c.dtype } as never;
  const classes = {
    RNN: nn.RNN,
    LSTM: nn.LSTM,
    GRU: nn.GRU,
    RNNCell: nn.RNNCell,
    LSTMCell: nn.LSTMCell,
    GRUCell: nn.GRUCell,
  };
  const layer = new classes[c.layer](c.inputSize, c.hiddenSize, options);
  const state = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, decode(v)]));
  layer.loadStateDict(state);
  return layer;
}

/** Runs the case's forward pass: the outputs in the fixture's order, and the leaf tensors by gradient key. */
export function runCase(
  c: RecurrentCase,
  layer: AnyRecurrent,
): { outputs: Tensor[]; leaves: Record<string, Tensor> } {
  const input = decode(c.input, true);
  const hx = c.hx ? decode(c.hx, true) : null;
  const cx = c.cx ? decode(c.cx, true) : null;
  const leaves: Record<string, Tensor> = { input };
  if (hx) leaves['hx'] = hx;
  if (cx) leaves['cx'] = cx;
  for (const [key, p] of layer.namedParameters()) leaves[key] = p;
  let outputs: Tensor[];
  if (layer instanceof nn.LSTM) {
    const [out, [h, cell]] = layer.forward(input, hx && cx ? [hx, cx] : null);
    outputs = [out, h, cell];
  } else if (layer instanceof nn.LSTMCell) {
    outputs = layer.forward(input, hx && cx ? [hx, cx] : null);
  } else if (layer instanceof nn.RNN || layer instanceof nn.GRU) {
    const [out, h] = layer.forward(input, hx);
    outputs = [out, h];
  } else {
    outputs = [layer.forward(input, hx)];
  }
  return { outputs, leaves };
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
