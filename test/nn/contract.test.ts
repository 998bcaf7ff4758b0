// @file One contract for every layer class: modes, state dicts, loading, float64 gradient checks, strict-load errors.
import { describe, expect, it } from 'vitest';
import {
  NeuriteError,
  ValueError,
  gradcheck,
  manualSeed,
  nn,
  noGrad,
  randn,
  zeros,
  type Tensor,
} from '../../src/index.js';
import { LAYERS, type LayerSpec } from './nn-fixture.js';
import { RECURRENT_LAYERS } from './recurrent-fixture.js';

const entries = [...Object.entries(LAYERS), ...Object.entries(RECURRENT_LAYERS)];

/**
 * A forward that draws the same dropout mask on every call, so finite differences see one function. The
 * result is cloned because gradcheck reads its `f(x − ε)` output after restoring x, which a view of x
 * (Identity, Flatten, eval-mode Dropout) would already reflect.
 */
function deterministic(layer: nn.TensorModule): (x: Tensor) => Tensor {
  return (x) => {
    manualSeed(1234);
    return layer.forward(x).clone();
  };
}

/**
 * Checks every parameter's analytic gradient against central differences in float64. The scalar is
 * L = Σ forward(x)·g for a fixed random g, so one backward pass gives the whole vector-Jacobian product.
 * Rows that a layer deliberately keeps fixed (Embedding's padding row) must get a zero gradient instead.
 */
function checkParameterGradients(
  layer: nn.TensorModule,
  x: Tensor,
  eps = 1e-6,
  atol = 1e-5,
  rtol = 1e-3,
): number {
  const forward = deterministic(layer);
  const upstream = noGrad(() => randn(forward(x).shape, { dtype: 'float64' }));
  const loss = (): number => noGrad(() => forward(x).mul(upstream).sum().item());
  layer.zeroGrad();
  forward(x).mul(upstream).sum().backward();
  let checked = 0;
  for (const [name, p] of layer.namedParameters()) {
    const analytic = p.grad!.storage;
    const frozen = new Set<number>();
    if (layer instanceof nn.Embedding && layer.paddingIdx !== null) {
      for (let j = 0; j < layer.embeddingDim; j++) frozen.add(layer.paddingIdx * layer.embeddingDim + j);
    }
    for (let i = 0; i < p.numel(); i++) {
      if (frozen.has(i)) {
        expect(analytic[i], `${name}[${i}] is a fixed padding entry`).toBe(0);
        continue;
      }
      const original = p.storage[i]!;
      p.storage[i] = original + eps;
      const plus = loss();
      p.storage[i] = original - eps;
      const minus = loss();
      p.storage[i] = original;
      const numeric = (plus - minus) / (2 * eps);
      if (!(Math.abs(analytic[i]! - numeric) <= atol + rtol * Math.abs(numeric))) {
        expect.fail(`${name}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`);
      }
      checked++;
    }
  }
  return checked;
}

/** A state dict with the same keys, shapes and dtypes as `layer`'s but different values. */
function perturbedState(layer: nn.TensorModule): Record<string, Tensor> {
  return Object.fromEntries(
    Object.entries(layer.stateDict()).map(([key, t]) => {
      const fresh =
        t.dtype === 'int32'
          ? zeros(t.shape, { dtype: 'int32' }).fill_(5)
          : randn(t.shape, { dtype: t.dtype });
      return [key, fresh];
    }),
  );
}

describe.each(entries)('layer contract: %s', (_descriptor: string, spec: LayerSpec) => {
  it('train() and eval() reach it inside containers', () => {
    const layer = spec.make('float32');
    const model = new nn.Sequential(new nn.Sequential(layer));
    expect(layer.training).toBe(true);
    model.eval();
    expect(model.modules().every((m) => !m.training)).toBe(true);
    expect(layer.training).toBe(false);
    model.train();
    expect(layer.training).toBe(true);
    model.train(false);
    expect(layer.training).toBe(false);
  });

  it('state-dict keys are its parameters then its persistent buffers, prefixed inside a container', () => {
    const layer = spec.make('float32');
    const keys = Object.keys(layer.stateDict());
    const expected = [...layer.namedParameters().map(([k]) => k), ...layer.namedBuffers().map(([k]) => k)];
    expect(keys).toEqual(expected);
    const wrapped = new nn.Sequential(new nn.Identity(), layer);
    expect(Object.keys(wrapped.stateDict())).toEqual(keys.map((k) => `1.${k}`));
  });

  it('loadStateDict round-trips values in place (parameter objects are kept)', () => {
    const source = spec.make('float32');
    const state = perturbedState(source);
    const target = spec.make('float32');
    const before = target.parameters();
    const result = target.loadStateDict(state);
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const after = target.parameters();
    after.forEach((p, i) => expect(p).toBe(before[i]));
    for (const [key, value] of Object.entries(target.stateDict())) {
      expect(Array.from(value.storage), key).toEqual(Array.from(state[key]!.storage));
    }
  });

  it('float64 gradients of input and parameters agree with finite differences, in train and eval mode', () => {
    for (const training of [true, false]) {
      manualSeed(3);
      const layer = spec.make('float64');
      // Non-trivial affine parameters and running statistics (one training step fills the latter).
      noGrad(() => {
        for (const p of layer.parameters()) p.add_(randn(p.shape, { dtype: 'float64' }).mul(0.3));
      });
      const x = spec.input('float64');
      if (layer.namedBuffers().length > 0) layer.train(true).forward(x);
      layer.train(training);
      if (x.dtype === 'float64') expect(gradcheck(deterministic(layer), [x])).toBe(true);
      if (layer.parameters().length > 0) expect(checkParameterGradients(layer, x)).toBeGreaterThan(0);
    }
  });

  it('parameters are created in the requested dtype', () => {
    const layer = spec.make('float64');
    for (const p of layer.parameters()) expect(p.dtype).toBe('float64');
    for (const [name, b] of layer.namedBuffers()) {
      expect(b.dtype).toBe(name === 'num_batches_tracked' ? 'int32' : 'float64');
    }
  });

  it('eval-mode forward changes no state', () => {
    const layer = spec.make('float32').eval();
    const before = Object.fromEntries(
      Object.entries(layer.stateDict()).map(([k, v]) => [k, Array.from(v.storage)]),
    );
    layer.forward(spec.input('float32'));
    for (const [key, value] of Object.entries(layer.stateDict()))
      expect(Array.from(value.storage), key).toEqual(before[key]);
  });
});

describe('strict loadStateDict errors', () => {
  const model = () => new nn.Sequential(new nn.Linear(4, 3), new nn.BatchNorm1d(3));

  it('refuses a state dict that is not an object, and unknown options, with a ValueError (issue 14)', () => {
    for (const bad of [null, undefined, 'weights', 3, [randn([3, 4])]]) {
      expect(() => model().loadStateDict(bad as never)).toThrow(ValueError);
    }
    expect(() => model().loadStateDict(null as never)).toThrow(
      'loadStateDict: expected a state dict (an object of tensors by name, as stateDict() returns), got null',
    );
    expect(() => model().loadStateDict(model().stateDict(), { Strict: false } as never)).toThrow(
      "loadStateDict: unknown option 'Strict' (did you mean 'strict'?)",
    );
  });

  it('names missing keys', () => {
    const state = model().stateDict();
    delete state['1.running_var'];
    expect(() => model().loadStateDict(state)).toThrow(NeuriteError);
    expect(() => model().loadStateDict(state)).toThrow(
      'loadStateDict: Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "1.running_var".',
    );
  });

  it('names unexpected keys', () => {
    const state = { ...model().stateDict(), '2.weight': randn([3]) };
    expect(() => model().loadStateDict(state)).toThrow('Unexpected key(s) in state_dict: "2.weight".');
  });

  it('names size mismatches with both shapes', () => {
    const state = { ...model().stateDict(), '0.weight': randn([3, 5]) };
    expect(() => model().loadStateDict(state)).toThrow(
      'size mismatch for 0.weight: copying a param with shape [3, 5] from checkpoint, the shape in current model is [3, 4].',
    );
    expect(() => model().loadStateDict(state, { strict: false })).toThrow(/size mismatch for 0\.weight/);
  });

  it('copies nothing when any check fails', () => {
    const target = model();
    const before = Array.from(target.at(0).stateDict()['weight']!.storage);
    const state = { ...perturbedState(target), extra: randn([1]) };
    expect(() => target.loadStateDict(state)).toThrow(/Unexpected key/);
    expect(Array.from(target.at(0).stateDict()['weight']!.storage)).toEqual(before);
  });

  it('non-strict loading reports missing and unexpected keys and loads the rest', () => {
    const target = model();
    const source = perturbedState(target);
    delete source['0.bias'];
    const result = target.loadStateDict({ ...source, extra: randn([1]) }, { strict: false });
    expect(result).toEqual({ missingKeys: ['0.bias'], unexpectedKeys: ['extra'] });
    expect(Array.from(target.stateDict()['0.weight']!.storage)).toEqual(
      Array.from(source['0.weight']!.storage),
    );
  });
});

describe('every layer and loss with an options object rejects unknown keys, naming the closest known key', () => {
  type Make = (options: Record<string, unknown>) => unknown;
  /** [class, build with options, a misspelt key, the key it should suggest]. */
  const cases: [string, Make, string, string][] = [
    ['Linear', (o) => new nn.Linear(2, 3, o), 'Bias', 'bias'],
    ['Conv1d', (o) => new nn.Conv1d(2, 3, 3, o), 'padding_mode', 'paddingMode'],
    ['Conv2d', (o) => new nn.Conv2d(2, 3, 3, o), 'dilations', 'dilation'],
    ['MaxPool2d', (o) => new nn.MaxPool2d(2, o), 'ceil_mode', 'ceilMode'],
    ['AvgPool2d', (o) => new nn.AvgPool2d(2, o), 'count_include_pad', 'countIncludePad'],
    ['LayerNorm', (o) => new nn.LayerNorm(4, o), 'elementwise_affine', 'elementwiseAffine'],
    ['BatchNorm1d', (o) => new nn.BatchNorm1d(3, o), 'track_running_stats', 'trackRunningStats'],
    ['BatchNorm2d', (o) => new nn.BatchNorm2d(3, o), 'momentom', 'momentum'],
    ['Embedding', (o) => new nn.Embedding(5, 2, o), 'padding_idx', 'paddingIdx'],
    ['RNN', (o) => new nn.RNN(2, 3, o), 'num_layers', 'numLayers'],
    ['LSTM', (o) => new nn.LSTM(2, 3, o), 'batch_first', 'batchFirst'],
    ['GRU', (o) => new nn.GRU(2, 3, o), 'bidirectionl', 'bidirectional'],
    ['RNNCell', (o) => new nn.RNNCell(2, 3, o), 'nonlinearty', 'nonlinearity'],
    ['LSTMCell', (o) => new nn.LSTMCell(2, 3, o), 'Bias', 'bias'],
    ['GRUCell', (o) => new nn.GRUCell(2, 3, o), 'dtypes', 'dtype'],
    ['CrossEntropyLoss', (o) => new nn.CrossEntropyLoss(o), 'label_smoothing', 'labelSmoothing'],
    ['NLLLoss', (o) => new nn.NLLLoss(o), 'ignore_index', 'ignoreIndex'],
    ['BCELoss', (o) => new nn.BCELoss(o), 'weights', 'weight'],
    ['BCEWithLogitsLoss', (o) => new nn.BCEWithLogitsLoss(o), 'pos_weight', 'posWeight'],
    ['MSELoss', (o) => new nn.MSELoss(o), 'reduce', 'reduction'],
    ['L1Loss', (o) => new nn.L1Loss(o), 'Reduction', 'reduction'],
    ['HuberLoss', (o) => new nn.HuberLoss(o), 'delat', 'delta'],
    ['SmoothL1Loss', (o) => new nn.SmoothL1Loss(o), 'Beta', 'beta'],
    ['KLDivLoss', (o) => new nn.KLDivLoss(o), 'log_target', 'logTarget'],
    ['MultiheadAttention', (o) => new nn.MultiheadAttention(4, 2, o), 'batch_first', 'batchFirst'],
    [
      'TransformerEncoderLayer',
      (o) => new nn.TransformerEncoderLayer(4, 2, o),
      'dim_feedforward',
      'dimFeedforward',
    ],
    [
      'TransformerEncoder',
      (o) => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }), 2, o),
      'Norm',
      'norm',
    ],
    ['TransformerDecoderLayer', (o) => new nn.TransformerDecoderLayer(4, 2, o), 'norm_first', 'normFirst'],
    [
      'TransformerDecoder',
      (o) => new nn.TransformerDecoder(new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8 }), 2, o),
      'norms',
      'norm',
    ],
    [
      'Transformer',
      (o) => new nn.Transformer(o && { dModel: 4, nhead: 2, dimFeedforward: 8, numDecoderLayers: 1, ...o }),
      'd_model',
      'dModel',
    ],
    ['SinusoidalPositionalEncoding', (o) => new nn.SinusoidalPositionalEncoding(4, o), 'max_len', 'maxLen'],
    [
      'LearnedPositionalEmbedding',
      (o) => new nn.LearnedPositionalEmbedding(8, 4, o),
      'batch_first',
      'batchFirst',
    ],
  ];
  /** Classes whose constructors take no options object (positional arguments only), and abstract bases. */
  const withoutOptions = [
    'Module',
    'Parameter',
    'Identity',
    'AdaptiveAvgPool2d',
    'ELU',
    'GELU',
    'Hardtanh',
    'LeakyReLU',
    'LogSigmoid',
    'LogSoftmax',
    'Mish',
    'ReLU',
    'ReLU6',
    'SiLU',
    'Sigmoid',
    'Softmax',
    'Softmin',
    'Softplus',
    'Softsign',
    'Tanh',
    'ModuleDict',
    'ModuleList',
    'Sequential',
    'Dropout',
    'Dropout2d',
    'BatchNorm',
    'RecurrentBase',
    'RecurrentCellBase',
    'Flatten',
    'Unflatten',
    'Loss',
  ];

  it('covers every class nn exports', () => {
    const classes = Object.entries(nn)
      .filter(([, value]) => typeof value === 'function')
      .map(([key]) => key)
      .sort();
    expect([...cases.map(([name]) => name), ...withoutOptions].sort()).toEqual(classes);
  });

  for (const [name, make, typo, known] of cases) {
    it(`${name}: '${typo}' → '${known}'`, () => {
      expect(() => make({})).not.toThrow();
      expect(() => make({ [typo]: 1 })).toThrow(NeuriteError);
      expect(() => make({ [typo]: 1 })).toThrow(
        `${name}: unknown option '${typo}' (did you mean '${known}'?)`,
      );
      expect(() => make({ zzzzzz: 1 })).toThrow(`${name}: unknown option 'zzzzzz' (expected one of `);
      expect(() => make(null as unknown as Record<string, unknown>)).toThrow(
        `${name}: options must be an object, got null`,
      );
    });
  }

  it('the functional forms check their options too', () => {
    const x = randn([1, 1, 4, 4]);
    const F = nn.functional;
    expect(() => F.maxPool2d(x, 2, { ceil_mode: true } as never)).toThrow(
      "maxPool2d: unknown option 'ceil_mode' (did you mean 'ceilMode'?)",
    );
    expect(() => F.conv2d(x, randn([1, 1, 3, 3]), null, { padding_: 1 } as never)).toThrow(
      "conv2d: unknown option 'padding_' (did you mean 'padding'?)",
    );
    expect(() =>
      F.crossEntropy(randn([2, 3]), zeros([2], { dtype: 'int32' }), { label_smoothing: 0.1 } as never),
    ).toThrow("crossEntropy: unknown option 'label_smoothing' (did you mean 'labelSmoothing'?)");
    expect(() => F.mseLoss(randn([2]), randn([2]), { reduce: 'sum' } as never)).toThrow(
      "mseLoss: unknown option 'reduce' (did you mean 'reduction'?)",
    );
  });
});
