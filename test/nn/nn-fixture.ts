// @file The nn fixture (test/fixtures/nn.json, from scripts/fixtures/nn.py) and the layer registry shared by nn tests.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nn, randn, tensor, type Tensor } from '../../src/index.js';
import { decode, type Encoded } from '../helpers/golden.js';

export interface LayerEntry {
  descriptor: string;
  repr: string;
  stateDict: { key: string; shape: number[]; dtype: string }[];
  parameters: string[];
}

export interface Step {
  training: boolean;
  input: Encoded;
  output: Encoded;
  gradOutput: Encoded;
  gradInput: Encoded | null;
  grads: Record<string, Encoded | null>;
  state: Record<string, Encoded>;
}

export interface ModuleCase {
  name: string;
  descriptor: string;
  state: Record<string, Encoded>;
  steps: Step[];
}

export interface ModelEntry {
  name: string;
  repr: string;
  stateDict: Record<string, Encoded>;
  input: Encoded;
  output: Encoded;
  gradOutput: Encoded;
  gradInput: Encoded | null;
  grads: Record<string, Encoded | null>;
}

export interface NnFixture {
  torch: string;
  layers: LayerEntry[];
  cases: ModuleCase[];
  models: ModelEntry[];
  init: {
    gains: { nonlinearity: string; param: number | null; gain: number }[];
    fans: { shape: number[]; fanIn: number; fanOut: number }[];
  };
}

const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'nn.json');

export function loadNnFixture(): NnFixture {
  return JSON.parse(readFileSync(path, 'utf8')) as NnFixture;
}

/** Decodes a fixture state dict into tensors. */
export function decodeState(state: Record<string, Encoded>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, decode(v)]));
}

export type FloatDType = 'float32' | 'float64';

/** How to build one layer (with parameters of `dtype`) and a valid input for it. */
export interface LayerSpec {
  make: (dtype: FloatDType) => nn.TensorModule;
  input: (dtype: FloatDType) => Tensor;
}

const floats =
  (...shape: number[]) =>
  (dtype: FloatDType): Tensor =>
    randn(shape, { dtype });
/**
 * A shuffled grid of distinct values 0.05 apart (the shuffle drawn from the seeded generator), so max pooling
 * has no ties and finite differences never move a window's maximum.
 */
const distinct =
  (...shape: number[]) =>
  (dtype: FloatDType): Tensor => {
    const noise = randn([shape.reduce((a, b) => a * b, 1)]).storage;
    const order = Array.from(noise.keys()).sort((a, b) => noise[a]! - noise[b]!);
    const values = new Float64Array(noise.length);
    order.forEach((at, rank) => (values[at] = (rank - noise.length / 2) * 0.05));
    return tensor(values, { shape, dtype });
  };
const ints = (data: number[][] | number[]) => (): Tensor => tensor(data, { dtype: 'int32' });

/**
 * Every layer configuration the fixture describes, keyed by its PyTorch descriptor (the expression after
 * `nn.`), so each test can loop over all layer classes.
 */
export const LAYERS: Record<string, LayerSpec> = {
  'Identity()': { make: () => new nn.Identity(), input: floats(2, 3) },
  'Linear(4, 3)': { make: (dtype) => new nn.Linear(4, 3, { dtype }), input: floats(5, 4) },
  'Linear(4, 3, bias=False)': {
    make: (dtype) => new nn.Linear(4, 3, { bias: false, dtype }),
    input: floats(5, 4),
  },
  'Flatten()': { make: () => new nn.Flatten(), input: floats(2, 3, 2) },
  'Flatten(0, 2)': { make: () => new nn.Flatten(0, 2), input: floats(2, 3, 2, 2) },
  'Unflatten(1, (2, 2))': { make: () => new nn.Unflatten(1, [2, 2]), input: floats(3, 4, 2) },
  'Dropout()': { make: () => new nn.Dropout(), input: floats(3, 4) },
  'Dropout(p=0.25)': { make: () => new nn.Dropout(0.25), input: floats(3, 4) },
  'LayerNorm(4)': { make: (dtype) => new nn.LayerNorm(4, { dtype }), input: floats(3, 4) },
  'LayerNorm((2, 3), eps=1e-06, elementwise_affine=False)': {
    make: (dtype) => new nn.LayerNorm([2, 3], { eps: 1e-6, elementwiseAffine: false, dtype }),
    input: floats(2, 2, 3),
  },
  'BatchNorm1d(3)': { make: (dtype) => new nn.BatchNorm1d(3, { dtype }), input: floats(5, 3) },
  'BatchNorm1d(3, eps=0.001, momentum=None)': {
    make: (dtype) => new nn.BatchNorm1d(3, { eps: 0.001, momentum: null, dtype }),
    input: floats(4, 3, 2),
  },
  'BatchNorm1d(3, affine=False, track_running_stats=False)': {
    make: (dtype) => new nn.BatchNorm1d(3, { affine: false, trackRunningStats: false, dtype }),
    input: floats(5, 3),
  },
  'BatchNorm2d(3)': { make: (dtype) => new nn.BatchNorm2d(3, { dtype }), input: floats(2, 3, 5, 5) },
  'BatchNorm2d(2, eps=0.001, momentum=0.3, affine=False)': {
    make: (dtype) => new nn.BatchNorm2d(2, { eps: 0.001, momentum: 0.3, affine: false, dtype }),
    input: floats(3, 2, 4, 5),
  },
  'Conv2d(2, 3, 3, padding=1)': {
    make: (dtype) => new nn.Conv2d(2, 3, 3, { padding: 1, dtype }),
    input: floats(2, 2, 5, 5),
  },
  'Conv2d(2, 4, 3, stride=2, groups=2)': {
    make: (dtype) => new nn.Conv2d(2, 4, 3, { stride: 2, groups: 2, dtype }),
    input: floats(2, 2, 6, 6),
  },
  "Conv2d(2, 3, 3, padding='same', dilation=2, bias=False)": {
    make: (dtype) => new nn.Conv2d(2, 3, 3, { padding: 'same', dilation: 2, bias: false, dtype }),
    input: floats(2, 2, 5, 6),
  },
  "Conv2d(2, 3, (2, 3), padding=(1, 0), padding_mode='reflect')": {
    make: (dtype) => new nn.Conv2d(2, 3, [2, 3], { padding: [1, 0], paddingMode: 'reflect', dtype }),
    input: floats(2, 2, 5, 5),
  },
  'Conv1d(2, 3, 3)': { make: (dtype) => new nn.Conv1d(2, 3, 3, { dtype }), input: floats(2, 2, 7) },
  'Conv1d(2, 4, 2, stride=2, padding=1, groups=2)': {
    make: (dtype) => new nn.Conv1d(2, 4, 2, { stride: 2, padding: 1, groups: 2, dtype }),
    input: floats(2, 2, 7),
  },
  'MaxPool2d(2)': { make: () => new nn.MaxPool2d(2), input: distinct(2, 3, 6, 6) },
  'MaxPool2d(3, stride=2, padding=1)': {
    make: () => new nn.MaxPool2d(3, { stride: 2, padding: 1 }),
    input: distinct(2, 2, 5, 5),
  },
  'MaxPool2d((2, 3), stride=1, dilation=2)': {
    make: () => new nn.MaxPool2d([2, 3], { stride: 1, dilation: 2 }),
    input: distinct(2, 2, 5, 6),
  },
  'AvgPool2d(2)': { make: () => new nn.AvgPool2d(2), input: floats(2, 3, 5, 5) },
  'AvgPool2d(3, stride=2, padding=1, count_include_pad=False)': {
    make: () => new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
    input: floats(2, 2, 5, 5),
  },
  'AdaptiveAvgPool2d((3, 2))': { make: () => new nn.AdaptiveAvgPool2d([3, 2]), input: floats(2, 3, 5, 5) },
  'AdaptiveAvgPool2d(1)': { make: () => new nn.AdaptiveAvgPool2d(1), input: floats(2, 3, 4, 5) },
  'Dropout2d()': { make: () => new nn.Dropout2d(), input: floats(2, 3, 5, 5) },
  'Dropout2d(p=0.25)': { make: () => new nn.Dropout2d(0.25), input: floats(2, 3, 5, 5) },
  'Embedding(10, 4)': { make: (dtype) => new nn.Embedding(10, 4, { dtype }), input: ints([[0, 2, 9]]) },
  'Embedding(10, 4, padding_idx=1)': {
    make: (dtype) => new nn.Embedding(10, 4, { paddingIdx: 1, dtype }),
    input: ints([1, 2, 1, 3]),
  },
  'Embedding(10, 4, padding_idx=-1)': {
    make: (dtype) => new nn.Embedding(10, 4, { paddingIdx: -1, dtype }),
    input: ints([9, 0, 4]),
  },
  'ReLU()': { make: () => new nn.ReLU(), input: floats(3, 5) },
  'LeakyReLU()': { make: () => new nn.LeakyReLU(), input: floats(3, 5) },
  'LeakyReLU(0.2)': { make: () => new nn.LeakyReLU(0.2), input: floats(3, 5) },
  'Tanh()': { make: () => new nn.Tanh(), input: floats(3, 5) },
  'Sigmoid()': { make: () => new nn.Sigmoid(), input: floats(3, 5) },
  'LogSigmoid()': { make: () => new nn.LogSigmoid(), input: floats(3, 5) },
  'Softmax(dim=1)': { make: () => new nn.Softmax(1), input: floats(3, 5) },
  'LogSoftmax(dim=-1)': { make: () => new nn.LogSoftmax(-1), input: floats(3, 5) },
  'Softmin(dim=1)': { make: () => new nn.Softmin(1), input: floats(3, 5) },
  'GELU()': { make: () => new nn.GELU(), input: floats(3, 5) },
  "GELU(approximate='tanh')": { make: () => new nn.GELU('tanh'), input: floats(3, 5) },
  'SiLU()': { make: () => new nn.SiLU(), input: floats(3, 5) },
  'Mish()': { make: () => new nn.Mish(), input: floats(3, 5) },
  'ELU()': { make: () => new nn.ELU(), input: floats(3, 5) },
  'ELU(alpha=0.5)': { make: () => new nn.ELU(0.5), input: floats(3, 5) },
  'Softplus()': { make: () => new nn.Softplus(), input: floats(3, 5) },
  'Softplus(beta=2, threshold=10)': { make: () => new nn.Softplus(2, 10), input: floats(3, 5) },
  'Softplus(beta=0.5)': { make: () => new nn.Softplus(0.5), input: floats(3, 5) },
  'Hardtanh()': { make: () => new nn.Hardtanh(), input: floats(3, 5) },
  'Hardtanh(-2.0, 2.0)': { make: () => new nn.Hardtanh(-2, 2), input: floats(3, 5) },
  'ReLU6()': { make: () => new nn.ReLU6(), input: floats(3, 5) },
  'Softsign()': { make: () => new nn.Softsign(), input: floats(3, 5) },
};
