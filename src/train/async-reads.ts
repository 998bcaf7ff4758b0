// @file Training and evaluation reads for a backend that reads asynchronously (webgpu): one await per epoch, nothing per batch.
import { noGrad } from '../autograd/grad-mode.js';
import type { Module } from '../nn/module.js';
import { readsSynchronously } from '../ops/read.js';
import { cat } from '../ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { concatRows, lossOf, resolveMetrics, runEpochEval, split } from './batch-steps.js';
import type { Logs } from './callbacks/callback.js';
import type { Batches, EvaluateOptions, LossFn } from './loop.js';
import type { MetricFn } from './metrics.js';

/** The values of 0-d (or one-element) tensors in one read: the loss log of a device backend. */
export async function readScalars(values: readonly Tensor[]): Promise<ArrayLike<number>> {
  if (values.length === 0) return [];
  return noGrad(() => cat(values.map((v) => v.reshape([1])))).data();
}

/**
 * runEpochEval for a backend that reads asynchronously (webgpu): the batch losses stay on the device and are
 * read once at the end, as are the outputs and targets the metrics need.
 */
export async function runEpochEvalOnDevice(
  model: Module<[Tensor], Tensor>,
  batches: Batches,
  loss: LossFn | undefined,
  metrics: [string, MetricFn][],
): Promise<Logs> {
  const outputs: Tensor[] = [];
  const targets: Tensor[] = [];
  const losses: Tensor[] = [];
  const sizes: number[] = [];
  noGrad(() => {
    for (const batch of batches) {
      const [x, y] = split('evaluate', batch);
      const out = model.forward(x);
      if (loss) losses.push(lossOf(loss, out, y));
      sizes.push(x.shape[0] ?? 1);
      outputs.push(out);
      targets.push(y);
    }
  });
  const values = await readScalars(losses);
  const count = sizes.reduce((a, b) => a + b, 0);
  const logs: Logs = {};
  if (loss) logs.loss = count > 0 ? sizes.reduce((sum, n, i) => sum + values[i]! * n, 0) / count : NaN;
  if (metrics.length > 0 && outputs.length > 0)
    Object.assign(logs, await metricsOnDevice(outputs, targets, metrics));
  return logs;
}

/** The metrics of an epoch whose outputs live on a device: read once, then computed on the host. */
export async function metricsOnDevice(
  outputs: Tensor[],
  targets: Tensor[],
  metrics: [string, MetricFn][],
): Promise<Logs> {
  const output = concatRows(outputs);
  const target = concatRows(targets);
  await Promise.all([output.data(), target.data()]); // the host copies are current: the metrics read them
  const logs: Logs = {};
  for (const [name, fn] of metrics) logs[name] = fn(output, target);
  return logs;
}

/**
 * evaluate() on every backend: the mean loss and metrics of `model` over `batches` in eval mode, without
 * gradients. On a backend that reads asynchronously (webgpu) the batch losses and the outputs the metrics need
 * stay on the device and are read once; elsewhere it is evaluate() itself.
 */
export async function evaluateAsync(
  model: Module<[Tensor], Tensor>,
  batches: Batches,
  options: EvaluateOptions = {},
): Promise<Logs> {
  const wasTraining = model.training;
  model.eval();
  try {
    const metrics = resolveMetrics(options.metrics);
    return readsSynchronously()
      ? runEpochEval(model, batches, options.loss, metrics)
      : await runEpochEvalOnDevice(model, batches, options.loss, metrics);
  } finally {
    model.train(wasTraining);
  }
}
