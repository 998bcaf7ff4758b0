// @file Recurrent layers beyond the PyTorch fixture: float64 gradcheck of every input, weight and state, errors, dropout between layers, init, printing.
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  ShapeError,
  ValueError,
  cat,
  gradcheck,
  manualSeed,
  nn,
  randn,
  type Tensor,
} from '../../src/index.js';
import type { RecurrentLayerWeights } from '../../src/nn/functional/recurrent.js';
import type { RecurrentKind } from '../../src/ops/recurrent.js';

const F = nn.functional;

/** Small float64 weights for `layers` layers of `directions` directions, as RecurrentLayerWeights. */
function weightTensors(
  gates: number,
  input: number,
  hidden: number,
  layers: number,
  directions: number,
  bias = true,
) {
  const out: Tensor[] = [];
  for (let l = 0; l < layers; l++) {
    for (let d = 0; d < directions; d++) {
      const inSize = l === 0 ? input : hidden * directions;
      out.push(randn([gates * hidden, inSize], { dtype: 'float64' }).mul(0.5));
      out.push(randn([gates * hidden, hidden], { dtype: 'float64' }).mul(0.5));
      if (bias) {
        out.push(randn([gates * hidden], { dtype: 'float64' }).mul(0.5));
        out.push(randn([gates * hidden], { dtype: 'float64' }).mul(0.5));
      }
    }
  }
  return out;
}

function group(flat: readonly Tensor[], bias: boolean): RecurrentLayerWeights[] {
  const per = bias ? 4 : 2;
  const out: RecurrentLayerWeights[] = [];
  for (let i = 0; i < flat.length; i += per) {
    out.push({
      weightIh: flat[i]!,
      weightHh: flat[i + 1]!,
      biasIh: bias ? flat[i + 2]! : null,
      biasHh: bias ? flat[i + 3]! : null,
    });
  }
  return out;
}

describe('recurrent layers: float64 gradcheck of input, initial states and every weight', () => {
  const configs: [RecurrentKind, number, { numLayers: number; bidirectional: boolean }, boolean][] = [
    ['lstm', 4, { numLayers: 2, bidirectional: true }, true],
    ['lstm', 4, { numLayers: 1, bidirectional: false }, false],
    ['gru', 3, { numLayers: 2, bidirectional: true }, true],
    ['rnnTanh', 1, { numLayers: 2, bidirectional: true }, true],
    ['rnnRelu', 1, { numLayers: 1, bidirectional: true }, true],
  ];
  for (const [kind, gates, options, bias] of configs) {
    it(`${kind} ${JSON.stringify(options)} bias=${bias}`, () => {
      manualSeed(7);
      const directions = options.bidirectional ? 2 : 1;
      const [steps, batch, input, hidden] = [3, 2, 2, 3];
      const x = randn([steps, batch, input], { dtype: 'float64' });
      const h0 = randn([options.numLayers * directions, batch, hidden], { dtype: 'float64' });
      const c0 = randn([options.numLayers * directions, batch, hidden], { dtype: 'float64' });
      const weights = weightTensors(gates, input, hidden, options.numLayers, directions, bias);
      const lstm = kind === 'lstm';
      const fn = (xi: Tensor, h: Tensor, c: Tensor, ...w: Tensor[]) => {
        const r = F.recurrentForward('test', kind, xi, h, lstm ? c : null, group(w, bias), options);
        const parts = [r.output.reshape([-1]), r.hN.reshape([-1])];
        if (r.cN) parts.push(r.cN.reshape([-1]));
        return cat(parts, 0);
      };
      expect(gradcheck(fn, [x, h0, c0, ...weights])).toBe(true);
    });
  }

  it('LSTMCell and GRUCell', () => {
    manualSeed(8);
    for (const make of [
      () => new nn.LSTMCell(2, 3, { dtype: 'float64' }),
      () => new nn.GRUCell(2, 3, { dtype: 'float64' }),
    ]) {
      const cell = make();
      const x = randn([2, 2], { dtype: 'float64' });
      const h = randn([2, 3], { dtype: 'float64' });
      const c = randn([2, 3], { dtype: 'float64' });
      const fn = (xi: Tensor, hi: Tensor, ci: Tensor) =>
        cell instanceof nn.LSTMCell ? cat(cell.forward(xi, [hi, ci]), 1) : cell.forward(xi, hi);
      expect(gradcheck(fn, [x, h, c])).toBe(true);
    }
  });
});

describe('recurrent layers: errors name the layer and the shapes', () => {
  const lstm = new nn.LSTM(4, 3, { numLayers: 2 });
  it('refuses a wrong input rank or feature size', () => {
    expect(() => lstm.forward(randn([5]))).toThrow(ShapeError);
    expect(() => lstm.forward(randn([2, 3, 4, 5]))).toThrow(
      'LSTM: expected a 2-D (unbatched) or 3-D (batched) input, got shape [2, 3, 4, 5]',
    );
    expect(() => lstm.forward(randn([5, 2, 6]))).toThrow(
      'LSTM: input.size(-1) must be equal to input_size: expected 4, got 6 (input shape [5, 2, 6])',
    );
    expect(() => new nn.GRUCell(4, 3).forward(randn([2, 5]))).toThrow(
      'GRUCell: expected input of shape [batch, 4] or [4], got [2, 5]',
    );
  });

  it('refuses an empty sequence, as PyTorch does', () => {
    expect(() => lstm.forward(randn([0, 2, 4]))).toThrow(
      'LSTM: expected a sequence length larger than 0, got input shape [0, 2, 4]',
    );
    expect(() => new nn.GRU(4, 3, { batchFirst: true }).forward(randn([2, 0, 4]))).toThrow(ValueError);
    expect(lstm.forward(randn([3, 0, 4]))[0].shape).toEqual([3, 0, 3]);
  });

  it('refuses initial states of the wrong shape or dtype', () => {
    const x = randn([5, 2, 4]);
    expect(() => lstm.forward(x, [randn([1, 2, 3]), randn([2, 2, 3])])).toThrow(
      'LSTM: expected hx of shape [2, 2, 3] for input shape [5, 2, 4], got [1, 2, 3]',
    );
    expect(() => lstm.forward(x, [randn([2, 2, 3]), randn([2, 3])])).toThrow(
      /LSTM: expected cx of shape \[2, 2, 3\]/,
    );
    expect(() => new nn.GRU(4, 3).forward(randn([5, 4]), randn([1, 2, 3]))).toThrow(
      'GRU: expected hx of shape [1, 3] for input shape [5, 4], got [1, 2, 3]',
    );
    expect(() => lstm.forward(x, [randn([2, 2, 3], { dtype: 'float64' }), randn([2, 2, 3])])).toThrow(
      DTypeError,
    );
    expect(() => new nn.RNNCell(4, 3).forward(randn([2, 4]), randn([3, 3]))).toThrow(
      'RNNCell: expected hx of shape [2, 3] for input shape [2, 4], got [3, 3]',
    );
    expect(() => lstm.forward(x, [randn([2, 2, 3])] as never)).toThrow(ValueError);
  });

  it('refuses an input of another dtype than the parameters', () => {
    expect(() => lstm.forward(randn([5, 2, 4], { dtype: 'float64' }))).toThrow(
      "LSTM: expected input of the parameters' dtype float32, got float64",
    );
  });

  it('checks options', () => {
    expect(() => new nn.LSTM(4, 3, { num_layers: 2 } as never)).toThrow(
      "LSTM: unknown option 'num_layers' (did you mean 'numLayers'?)",
    );
    expect(() => new nn.RNN(4, 3, { nonlinearity: 'sigmoid' as never })).toThrow(
      "RNN: unknown nonlinearity 'sigmoid' (expected 'tanh' or 'relu')",
    );
    expect(() => new nn.GRU(4, 3, { dropout: 1.5 })).toThrow(ValueError);
    expect(() => new nn.LSTM(4, 0)).toThrow('LSTM: hiddenSize must be an integer ≥ 1, got 0');
    expect(() => new nn.LSTM(4, 3, { numLayers: 0 })).toThrow(ValueError);
  });
});

describe('recurrent layers: behaviour', () => {
  it('has PyTorch state-dict keys in PyTorch order, and init within ±1/√hidden', () => {
    manualSeed(0);
    const gru = new nn.GRU(5, 4, { numLayers: 2, bidirectional: true });
    const keys = Object.keys(gru.stateDict());
    const layer = (l: number, s: string) =>
      ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map((k) => `${k}_l${l}${s}`);
    expect(keys).toEqual([
      ...layer(0, ''),
      ...layer(0, '_reverse'),
      ...layer(1, ''),
      ...layer(1, '_reverse'),
    ]);
    expect(gru.stateDict()['weight_ih_l1']!.shape).toEqual([12, 8]);
    const values = gru.parameters().flatMap((p) => Array.from(p.storage));
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.5);
    expect(Math.max(...values)).toBeGreaterThan(0.45);
    expect(Object.keys(new nn.LSTMCell(3, 2, { bias: false }).stateDict())).toEqual([
      'weight_ih',
      'weight_hh',
    ]);
  });

  it('applies dropout between layers in training only', () => {
    manualSeed(1);
    const lstm = new nn.LSTM(3, 4, { numLayers: 2, dropout: 0.5 });
    const x = randn([5, 2, 3]);
    const evalA = lstm.eval().forward(x)[0];
    const evalB = lstm.forward(x)[0];
    expect(Array.from(evalA.storage)).toEqual(Array.from(evalB.storage));
    lstm.train();
    manualSeed(2);
    const trainA = lstm.forward(x)[0];
    manualSeed(3);
    const trainB = lstm.forward(x)[0];
    expect(Array.from(trainA.storage)).not.toEqual(Array.from(trainB.storage));
    expect(Array.from(trainA.storage)).not.toEqual(Array.from(evalA.storage));
  });

  it('carries state: two halves with the state passed on equal one whole pass', () => {
    manualSeed(4);
    const lstm = new nn.LSTM(3, 4, { batchFirst: true, numLayers: 2 });
    const x = randn([2, 6, 3]);
    const [whole, [hAll, cAll]] = lstm.forward(x);
    const [first, state] = lstm.forward(x.narrow(1, 0, 4));
    const [second, [h, c]] = lstm.forward(x.narrow(1, 4, 2), state);
    const joined = cat([first, second], 1);
    for (const [a, b] of [
      [joined, whole],
      [h, hAll],
      [c, cAll],
    ] as const) {
      Array.from(a.storage).forEach((v, i) => expect(v).toBeCloseTo(b.storage[i]!, 6));
    }
  });

  it('prints like PyTorch', () => {
    expect(new nn.LSTM(10, 20, { numLayers: 2, batchFirst: true, dropout: 0.1 }).toString()).toBe(
      'LSTM(10, 20, num_layers=2, batch_first=True, dropout=0.1)',
    );
    expect(new nn.RNN(3, 4, { nonlinearity: 'relu', bidirectional: true }).toString()).toBe(
      'RNN(3, 4, bidirectional=True)',
    );
    expect(new nn.RNNCell(3, 4, { nonlinearity: 'relu' }).toString()).toBe(
      'RNNCell(3, 4, nonlinearity=relu)',
    );
    expect(new nn.GRUCell(3, 4, { bias: false }).toString()).toBe('GRUCell(3, 4, bias=False)');
  });
});
