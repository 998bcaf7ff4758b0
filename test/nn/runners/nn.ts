// @file Layer registry, models and case replays of the nn fixture (test/fixtures/nn.json): shared by the Node suites and the WebGPU page.
import { nn, randn, tensor, type Tensor } from '../../../src/index.js';
import type { Encoded } from '../../helpers/golden.js';

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

/** The custom model of the fixture, field for field (PyTorch finds children in the same declaration order). */
class Net extends nn.Module {
  embed = new nn.Embedding(10, 4, { paddingIdx: 0 });
  blocks = new nn.ModuleList<nn.TensorModule>([new nn.Linear(4, 4), new nn.LayerNorm(4), new nn.GELU()]);
  heads = new nn.ModuleDict<nn.TensorModule>({ cls: new nn.Linear(4, 3), reg: new nn.Linear(4, 1) });
  drop = new nn.Dropout(0.1);

  forward(indices: Tensor): Tensor {
    let h = this.embed.forward(indices).mean(1);
    for (const block of this.blocks) h = block.forward(h);
    h = this.drop.forward(h);
    return this.heads.get('cls').forward(h).mul(this.heads.get('reg').forward(h));
  }
}

export const MODELS: Record<string, () => nn.TensorModule> = {
  mlp: () => new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1)),
  nested: () =>
    new nn.Sequential(
      new nn.Flatten(),
      new nn.Sequential(new nn.Linear(6, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Dropout(0.2)),
      new nn.Sequential(new nn.Linear(8, 3), new nn.LogSoftmax(1)),
    ),
  net: () => new Net(),
};

/**
 * How a replay decodes fixture tensors and reports: the Node suites assert with vitest (synchronously), the
 * WebGPU page reads each tensor with `await t.data()` and collects the mismatches.
 */
export interface GoldenChecks {
  decode(e: Encoded, requiresGrad?: boolean): Tensor;
  close(actual: Tensor, expected: Encoded, what: string): void | Promise<void>;
  /** Reports a mismatch that is not about values (a key list, a gradient that should be null). */
  fail(message: string): void;
}

function decodeState(state: Record<string, Encoded>, checks: GoldenChecks): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, checks.decode(v)]));
}

const sameKeys = (a: string[], b: string[]): boolean => a.join('\u0000') === b.join('\u0000');

/**
 * Replays one layer case: loads its state, then per step sets train/eval mode, runs forward and backward with
 * the recorded upstream gradient, and compares output, input gradient, parameter gradients and the state dict
 * (running statistics) with PyTorch's.
 */
export async function replayModuleCase(c: ModuleCase, checks: GoldenChecks): Promise<void> {
  const layer = LAYERS[c.descriptor]!.make('float32');
  layer.loadStateDict(decodeState(c.state, checks));
  const params = new Map(layer.namedParameters());
  for (const [s, step] of c.steps.entries()) {
    layer.train(step.training);
    const x = checks.decode(step.input, step.input.dtype !== 'int32');
    const out = layer.forward(x);
    await checks.close(out, step.output, `step ${s} output`);
    layer.zeroGrad();
    out.backward(checks.decode(step.gradOutput));
    if (step.gradInput) await checks.close(x.grad!, step.gradInput, `step ${s} grad of input`);
    for (const [name, expected] of Object.entries(step.grads)) {
      const grad = params.get(name)!.grad;
      if (expected === null) {
        if (grad !== null) checks.fail(`step ${s} grad of ${name}: expected null`);
      } else if (grad === null) checks.fail(`step ${s} grad of ${name}: null`);
      else await checks.close(grad, expected, `step ${s} grad of ${name}`);
    }
    const state = layer.stateDict();
    if (!sameKeys(Object.keys(state), Object.keys(step.state))) {
      checks.fail(
        `step ${s} state keys ${Object.keys(state).join()}, expected ${Object.keys(step.state).join()}`,
      );
    }
    for (const [key, expected] of Object.entries(step.state)) {
      if (state[key]) await checks.close(state[key], expected, `step ${s} state ${key}`);
    }
  }
}

/** Replays one model entry: loads its weights, then compares the eval-mode forward and backward with PyTorch's. */
export async function replayModel(entry: ModelEntry, checks: GoldenChecks): Promise<void> {
  const model = MODELS[entry.name]!();
  model.loadStateDict(decodeState(entry.stateDict, checks));
  model.eval();
  const x = checks.decode(entry.input, entry.input.dtype !== 'int32');
  const out = model.forward(x);
  await checks.close(out, entry.output, 'output');
  out.backward(checks.decode(entry.gradOutput));
  if (entry.gradInput) await checks.close(x.grad!, entry.gradInput, 'grad of input');
  const params = new Map(model.namedParameters());
  if (!sameKeys([...params.keys()], Object.keys(entry.grads))) {
    checks.fail(`parameters ${[...params.keys()].join()}, expected ${Object.keys(entry.grads).join()}`);
  }
  for (const [name, expected] of Object.entries(entry.grads)) {
    const grad = params.get(name)?.grad;
    if (expected && !grad) checks.fail(`grad of ${name}: missing`);
    else if (expected && grad) await checks.close(grad, expected, `grad of ${name}`);
  }
}
