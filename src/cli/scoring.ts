// @file Scoring a session's model on a split for the command line: batches that free their inputs, loss, metric and kept outputs.
import { noGrad } from '../autograd/grad-mode.js';
import { DataLoader } from '../data/dataloader.js';
import { TensorDataset } from '../data/tensor-dataset.js';
import { Tensor } from '../tensor/tensor.js';
import type { Logs } from '../train/callbacks/callback.js';
import { concatRows, lossOf } from '../train/batch-steps.js';
import { yieldToEventLoop } from '../train/event-loop.js';
import { evaluate } from '../train/loop.js';
import { accuracy, binaryAccuracy, mae, type MetricFn } from '../train/metrics.js';
import type { Split } from './datasets.js';
import type { Encoding } from './encoding.js';
import { InferenceChain } from './inference-chain.js';
import type { Session } from './run.js';
import { withPerplexity } from './text-session.js';

/**
 * Batch size for validation and scoring (no gradients). Big enough to amortize per-op overhead, small enough
 * that a CNN's activations stay in cache (measured, cnn on Fashion-MNIST: 1024 → 256 cuts scoring time by ~40%)
 * and in the wasm arena's blocks.
 */
export const EVAL_BATCH = 256;

/**
 * The model's outputs on a split, per batch in order, kept by `score` for whoever needs them after it (the
 * confusion matrix of the run directory reuses the test split's instead of predicting it again).
 */
export type ScoredOutputs = Map<Split, Tensor[]>;

/** Binary classification uses one logit and BCEWithLogitsLoss, so targets become float32 [n, 1]. */
export function targetsFor(split: Split, binary: boolean): Tensor {
  if (!binary) return split.y;
  return new Tensor(Float32Array.from(split.y.dataSync()), [split.y.shape[0]!, 1]);
}

/**
 * The metric a session reports, from train/metrics: accuracy (binary on one logit), or MAE for regression in
 * target units (the model learns standardized targets y′ = (y − μ)/σ, so MAE(y) = σ·MAE(y′)).
 */
export function metricFn(name: string, encoding: Encoding): MetricFn {
  if (name === 'mae') return (output, target) => encoding.targetStd * mae(output, target);
  if (name === 'binaryAccuracy') return (output, target) => binaryAccuracy(output, target);
  return accuracy;
}

/**
 * `batches` for a loop without gradients that uses each batch's input only until it asks for the next batch
 * (evaluate, fit's validation pass): the previous input is disposed then, and the last one when the loop ends.
 * Such a loop never lets the event loop turn, so without this every input batch (256 images of 28×28: 0.8 MB)
 * would hold its wasm arena block to the end, fill the arena, and push later storage to plain arrays that every
 * kernel copies in and out. Targets are left alone (the loop keeps them for the metric).
 */
export function freeingInputs<B extends readonly Tensor[]>(
  batches: Iterable<B> & { readonly length?: number },
): Iterable<B> & { readonly length?: number } {
  return {
    ...(batches.length !== undefined ? { length: batches.length } : {}),
    *[Symbol.iterator]() {
      let previous: Tensor | null = null;
      try {
        for (const batch of batches) {
          previous?.dispose();
          previous = batch[0] ?? null;
          yield batch;
        }
      } finally {
        previous?.dispose();
      }
    },
  };
}

/**
 * Loss and metric of the model on a split, in batches of EVAL_BATCH, as evaluate() computes them (the mean of the
 * batch losses weighted by batch size; the metric over all outputs). Image and tabular models run through
 * InferenceChain and free each input batch once used, and the loop lets the event loop turn about every 10 ms
 * (yieldToEventLoop) like fit(): storage that dispose() cannot return (an output that a view such as Flatten's
 * shares, 1.6 MB per batch of the CNN) then goes back to the wasm arena too, instead of filling it. With `keep`,
 * the outputs are stored there under `split`.
 */
export async function score(session: Session, split: Split, keep?: ScoredOutputs): Promise<Logs> {
  const loader = new DataLoader(
    new TensorDataset<[Tensor, Tensor]>(split.x, targetsFor(split, session.binary)),
    { batchSize: EVAL_BATCH },
  );
  const { model, loss } = session;
  if (session.metric === 'perplexity') return withPerplexity(evaluate(model, loader, { loss }));
  const outputs: Tensor[] = [];
  const targets: Tensor[] = [];
  const chain = new InferenceChain(model, outputs);
  const wasTraining = model.training;
  model.eval();
  let lossSum = 0;
  let count = 0;
  try {
    for (const [x, y] of freeingInputs(loader)) {
      const n = x.shape[0]!;
      lossSum += noGrad(() => lossOf(loss, chain.forward(x), y).item()) * n;
      count += n;
      targets.push(y);
      await yieldToEventLoop();
    }
  } finally {
    model.train(wasTraining);
  }
  const metric = metricFn(session.binary ? 'binaryAccuracy' : session.metric, session.data.encoding);
  const logs: Logs = { loss: count > 0 ? lossSum / count : NaN };
  if (outputs.length > 0) logs[session.metric] = metric(concatRows(outputs), concatRows(targets));
  keep?.set(split, outputs);
  return logs;
}
