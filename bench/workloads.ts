// @file The headline workloads of `npm run bench`, written once for neurite and once for TensorFlow.js (PyTorch's
// are in pytorch_bench.py under the same ids): a 1024² matmul and three Adam training steps on Fashion-MNIST-shaped
// random data, batch 64.
import type * as TfCore from '@tensorflow/tfjs-core';
import { manualSeed, matmul, nn, optim, rand, randint, randn, type Tensor } from '../src/index.js';
import { LSTM_BATCH, LSTM_SEQ, neuriteLstm, tfjsLstm } from './lstm-workload.js';
import type { Workload } from './race.js';
import { tf } from './tfjs.js';

type Variable = TfCore.Variable;
type TfTensor = TfCore.Tensor;

/** The workloads' ids, shared with pytorch_bench.py. */
export type WorkloadId = 'matmul' | 'mlp' | 'lenet' | 'tiny' | 'lstm';

export interface Benchmark {
  id: WorkloadId;
  name: string;
  metric: 'GFLOPS' | 'samples/s' | 'steps/s' | 'tokens/s';
  /** How much of the metric one call does: GFLOP per matmul, samples per training step, or 1 step. */
  perCall: number;
  /** Timing budget per contender and round, in ms (before --budget-scale). */
  budgetMs: number;
  neurite(): Workload;
  tfjs(): Workload;
}

const BATCH = 64;
const CLASSES = 10;
const SIDE = 1024;

/** Throughput in the benchmark's metric, from milliseconds per call. */
export function rate(benchmark: Benchmark, ms: number): number {
  return (benchmark.perCall * 1000) / ms;
}

// ---- neurite -----------------------------------------------------------------------------------------------

/** zeroGrad, forward, loss, backward, Adam step (lr 1e-3): the loop a PyTorch user writes. */
function neuriteTraining(
  model: nn.Module<[Tensor], Tensor>,
  lossFn: nn.Module<[Tensor, Tensor], Tensor>,
  x: Tensor,
  y: Tensor,
): Workload {
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  return {
    run: () => {
      optimizer.zeroGrad();
      lossFn.forward(model.forward(x), y).backward();
      optimizer.step();
    },
    finish: () => {},
    dispose: () => {},
  };
}

function neuriteMlp(): Workload {
  manualSeed(0);
  const model = new nn.Sequential(
    new nn.Linear(784, 256),
    new nn.ReLU(),
    new nn.Linear(256, 128),
    new nn.ReLU(),
    new nn.Linear(128, CLASSES),
  );
  return neuriteTraining(model, new nn.CrossEntropyLoss(), rand([BATCH, 784]), randint(0, CLASSES, [BATCH]));
}

function neuriteLenet(): Workload {
  manualSeed(0);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 'same' }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(6, 16, 5),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(16 * 5 * 5, 120),
    new nn.ReLU(),
    new nn.Linear(120, 84),
    new nn.ReLU(),
    new nn.Linear(84, CLASSES),
  );
  const images = rand([BATCH, 1, 28, 28]);
  return neuriteTraining(model, new nn.CrossEntropyLoss(), images, randint(0, CLASSES, [BATCH]));
}

function neuriteTiny(): Workload {
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
  const targets = rand([BATCH, 1]).gt(0.5).float();
  return neuriteTraining(model, new nn.BCEWithLogitsLoss(), randn([BATCH, 2]), targets);
}

function neuriteMatmul(): Workload {
  const a = randn([SIDE, SIDE]);
  const b = randn([SIDE, SIDE]);
  let last: Tensor | null = null;
  return {
    run: () => {
      last = matmul(a, b);
    },
    finish: () => {
      if (last === null) throw new Error('bench: no result');
    },
    dispose: () => {
      last = null;
    },
  };
}

// ---- TensorFlow.js (tfjs-core only: layers written with its ops, channels-last as tfjs expects) ---------------

/** A variable initialised as PyTorch's layers are: U(±1/√fanIn). */
function uniformVariable(shape: number[], fanIn: number): Variable {
  const bound = 1 / Math.sqrt(fanIn);
  const init = tf.randomUniform(shape, -bound, bound, 'float32', 0);
  const variable = tf.variable(init);
  init.dispose();
  return variable;
}

interface Dense {
  weight: Variable;
  bias: Variable;
}

function dense(inputs: number, outputs: number): Dense {
  return { weight: uniformVariable([inputs, outputs], inputs), bias: uniformVariable([outputs], inputs) };
}

/** x·W + b, with ReLU unless last: tfjs's fused matMul, as tfjs-layers' Dense uses. */
function denseForward(x: TfTensor, layer: Dense, activation: 'relu' | 'linear'): TfTensor {
  return tf.fused.matMul({ a: x as TfCore.Tensor2D, b: layer.weight, bias: layer.bias, activation });
}

/** minimize(loss) with Adam (lr 1e-3); the loss value is kept until the next step and read back to finish. */
function tfjsTraining(variables: Variable[], inputs: TfTensor[], loss: () => TfCore.Scalar): Workload {
  const optimizer = tf.train.adam(1e-3);
  let last: TfCore.Scalar | null = null;
  return {
    run: () => {
      last?.dispose();
      last = optimizer.minimize(loss, true, variables);
    },
    finish: () => void last?.dataSync(),
    dispose: () => {
      last?.dispose();
      optimizer.dispose();
      tf.dispose([...variables, ...inputs]);
    },
  };
}

const denseVariables = (layers: readonly Dense[]): Variable[] => layers.flatMap((l) => [l.weight, l.bias]);

/** Random labels 0..9 as the one-hot targets that tf.losses.softmaxCrossEntropy takes. */
function oneHotLabels(): TfTensor {
  return tf.tidy(() =>
    tf.oneHot(tf.randomUniform([BATCH], 0, CLASSES, 'int32', 1) as TfCore.Tensor1D, CLASSES),
  );
}

function tfjsMlp(): Workload {
  const layers = [dense(784, 256), dense(256, 128), dense(128, CLASSES)];
  const x = tf.randomUniform([BATCH, 784], 0, 1, 'float32', 2);
  const labels = oneHotLabels();
  return tfjsTraining(denseVariables(layers), [x, labels], () => {
    let h: TfTensor = x;
    layers.forEach((layer, i) => (h = denseForward(h, layer, i < layers.length - 1 ? 'relu' : 'linear')));
    return tf.losses.softmaxCrossEntropy(labels, h) as TfCore.Scalar;
  });
}

function tfjsLenet(): Workload {
  const conv1 = { filter: uniformVariable([5, 5, 1, 6], 25), bias: uniformVariable([6], 25) };
  const conv2 = { filter: uniformVariable([5, 5, 6, 16], 150), bias: uniformVariable([16], 150) };
  const layers = [dense(16 * 5 * 5, 120), dense(120, 84), dense(84, CLASSES)];
  const images = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 3) as TfCore.Tensor4D;
  const labels = oneHotLabels();
  const variables = [conv1.filter, conv1.bias, conv2.filter, conv2.bias, ...denseVariables(layers)];
  return tfjsTraining(variables, [images, labels], () => {
    const convolve = (x: TfCore.Tensor4D, conv: typeof conv1, pad: 'same' | 'valid') =>
      tf.maxPool(
        tf.fused.conv2d({
          x,
          filter: conv.filter as TfCore.Tensor4D,
          strides: 1,
          pad,
          bias: conv.bias,
          activation: 'relu',
        }),
        2,
        2,
        'valid',
      );
    let h: TfTensor = tf.reshape(convolve(convolve(images, conv1, 'same'), conv2, 'valid'), [
      BATCH,
      16 * 5 * 5,
    ]);
    layers.forEach((layer, i) => (h = denseForward(h, layer, i < layers.length - 1 ? 'relu' : 'linear')));
    return tf.losses.softmaxCrossEntropy(labels, h) as TfCore.Scalar;
  });
}

function tfjsTiny(): Workload {
  const layers = [dense(2, 3), dense(3, 1)];
  const x = tf.randomNormal([BATCH, 2], 0, 1, 'float32', 4);
  const targets = tf.tidy(() =>
    tf.cast(tf.greater(tf.randomUniform([BATCH, 1], 0, 1, 'float32', 5), 0.5), 'float32'),
  );
  return tfjsTraining(denseVariables(layers), [x, targets], () => {
    const logits = denseForward(denseForward(x, layers[0]!, 'relu'), layers[1]!, 'linear');
    return tf.losses.sigmoidCrossEntropy(targets, logits) as TfCore.Scalar;
  });
}

function tfjsMatmul(): Workload {
  const a = tf.randomNormal([SIDE, SIDE]);
  const b = tf.randomNormal([SIDE, SIDE]);
  let last: TfTensor | null = null;
  return {
    run: () => {
      last?.dispose();
      last = tf.matMul(a, b);
    },
    finish: () => void last?.dataSync(),
    dispose: () => {
      last?.dispose();
      last = null;
      tf.dispose([a, b]);
    },
  };
}

export const BENCHMARKS: readonly Benchmark[] = [
  {
    id: 'matmul',
    name: 'matmul 1024×1024 float32',
    metric: 'GFLOPS',
    perCall: (2 * SIDE ** 3) / 1e9,
    budgetMs: 700,
    neurite: neuriteMatmul,
    tfjs: tfjsMatmul,
  },
  {
    id: 'mlp',
    name: 'MLP 784-256-128-10, batch 64, training',
    metric: 'samples/s',
    perCall: BATCH,
    budgetMs: 800,
    neurite: neuriteMlp,
    tfjs: tfjsMlp,
  },
  {
    id: 'lenet',
    name: 'LeNet CNN, batch 64, training',
    metric: 'samples/s',
    perCall: BATCH,
    budgetMs: 1000,
    neurite: neuriteLenet,
    tfjs: tfjsLenet,
  },
  {
    id: 'tiny',
    name: 'tiny 2-3-1 net, batch 64, training',
    metric: 'steps/s',
    perCall: 1,
    budgetMs: 500,
    neurite: neuriteTiny,
    tfjs: tfjsTiny,
  },
  {
    id: 'lstm',
    name: 'LSTM 64-256 char model, batch 32 × 64 steps, training',
    metric: 'tokens/s',
    perCall: LSTM_BATCH * LSTM_SEQ,
    budgetMs: 2000,
    neurite: neuriteLstm,
    tfjs: tfjsLstm,
  },
];
