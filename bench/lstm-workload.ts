// @file The LSTM training workload of `npm run bench` (id 'lstm', PyTorch's side in pytorch_bench.py): a character
// model step — Embedding(64, 64) → LSTM(64, 256) → Linear(256, 64), cross-entropy over every position, Adam (lr 1e-3)
// — on random tokens, batch 32, 64 steps; the metric is tokens (batch × steps) per second.
import type * as TfCore from '@tensorflow/tfjs-core';
import { manualSeed, nn, optim, randint, type Tensor } from '../src/index.js';
import type { Workload } from './race.js';
import { tf } from './tfjs.js';

export const LSTM_BATCH = 32;
export const LSTM_SEQ = 64;
const VOCAB = 64;
const HIDDEN = 256;

/** The model: tokens [seq, batch] → logits [seq·batch, vocab]. */
class CharLstm extends nn.Module<[Tensor], Tensor> {
  embedding = new nn.Embedding(VOCAB, VOCAB);
  lstm = new nn.LSTM(VOCAB, HIDDEN);
  head = new nn.Linear(HIDDEN, VOCAB);

  forward(tokens: Tensor): Tensor {
    const [output] = this.lstm.forward(this.embedding.forward(tokens));
    return this.head.forward(output).reshape([-1, VOCAB]);
  }
}

/** zeroGrad, forward, cross-entropy, backward, Adam step. */
export function neuriteLstm(): Workload {
  manualSeed(0);
  const model = new CharLstm();
  const lossFn = new nn.CrossEntropyLoss();
  const tokens = randint(0, VOCAB, [LSTM_SEQ, LSTM_BATCH]);
  const targets = randint(0, VOCAB, [LSTM_SEQ * LSTM_BATCH]);
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  return {
    run: () => {
      optimizer.zeroGrad();
      lossFn.forward(model.forward(tokens), targets).backward();
      optimizer.step();
    },
    finish: () => {},
    dispose: () => {},
  };
}

type Variable = TfCore.Variable;

function uniform(shape: number[], fanIn: number): Variable {
  const bound = 1 / Math.sqrt(fanIn);
  const init = tf.randomUniform(shape, -bound, bound, 'float32', 7);
  const variable = tf.variable(init);
  init.dispose();
  return variable;
}

/**
 * The same model in tfjs-core: the embedding lookup as a one-hot product, one tf.basicLSTMCell per step (kernel
 * [input + hidden, 4·hidden], tfjs's gate order), the outputs stacked for the head; minimize() with Adam.
 */
export function tfjsLstm(): Workload {
  const embedding = uniform([VOCAB, VOCAB], 1);
  const kernel = uniform([VOCAB + HIDDEN, 4 * HIDDEN], HIDDEN);
  const bias = uniform([4 * HIDDEN], HIDDEN);
  const headWeight = uniform([HIDDEN, VOCAB], HIDDEN);
  const headBias = uniform([VOCAB], HIDDEN);
  const variables = [embedding, kernel, bias, headWeight, headBias];
  const tokens = tf.randomUniform([LSTM_SEQ * LSTM_BATCH], 0, VOCAB, 'int32', 8) as TfCore.Tensor1D;
  const oneHotTokens = tf.tidy(() => tf.cast(tf.oneHot(tokens, VOCAB), 'float32')) as TfCore.Tensor2D;
  const labels = tf.tidy(() =>
    tf.oneHot(tf.randomUniform([LSTM_SEQ * LSTM_BATCH], 0, VOCAB, 'int32', 9) as TfCore.Tensor1D, VOCAB),
  );
  const optimizer = tf.train.adam(1e-3);
  let last: TfCore.Scalar | null = null;
  const loss = (): TfCore.Scalar => {
    // The lookup as oneHot·E: tfjs-wasm has no kernel for gather's gradient (UnsortedSegmentSum).
    const x = tf.reshape(tf.matMul(oneHotTokens, embedding), [LSTM_SEQ, LSTM_BATCH, VOCAB]);
    let c = tf.zeros([LSTM_BATCH, HIDDEN]) as TfCore.Tensor2D;
    let h = tf.zeros([LSTM_BATCH, HIDDEN]) as TfCore.Tensor2D;
    const outputs: TfCore.Tensor2D[] = [];
    for (let t = 0; t < LSTM_SEQ; t++) {
      const xt = tf.reshape(tf.slice(x, [t, 0, 0], [1, LSTM_BATCH, VOCAB]), [LSTM_BATCH, VOCAB]);
      [c, h] = tf.basicLSTMCell(
        0,
        kernel as TfCore.Tensor2D,
        bias as TfCore.Tensor1D,
        xt as TfCore.Tensor2D,
        c,
        h,
      );
      outputs.push(h);
    }
    const features = tf.reshape(tf.stack(outputs), [LSTM_SEQ * LSTM_BATCH, HIDDEN]);
    const logits = tf.add(tf.matMul(features, headWeight), headBias);
    return tf.losses.softmaxCrossEntropy(labels, logits) as TfCore.Scalar;
  };
  return {
    run: () => {
      last?.dispose();
      last = optimizer.minimize(loss, true, variables);
    },
    finish: () => void last?.dataSync(),
    dispose: () => {
      last?.dispose();
      optimizer.dispose();
      tf.dispose([...variables, tokens, oneHotTokens, labels]);
    },
  };
}
