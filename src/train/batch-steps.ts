// @file What fit(), evaluate() and their asynchronous forms do with each batch: split it, take its loss, gather rows, resolve metrics.
import { noGrad } from '../autograd/grad-mode.js';
import { ValueError } from '../errors.js';
import { cat } from '../ops/shape.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Logs } from './callbacks/callback.js';
import type { Batches, LossFn, MetricSpec } from './loop.js';
import { METRICS, type MetricFn } from './metrics.js';

/** The loss of one batch, from a loss module or function. */
export function lossOf(loss: LossFn, output: Tensor, target: Tensor): Tensor {
  return typeof loss === 'function' ? loss(output, target) : loss.forward(output, target);
}

/** Metric specs as [name, function] pairs; an unknown name is a ValueError listing the known ones. */
export function resolveMetrics(specs: readonly MetricSpec[] = []): [string, MetricFn][] {
  return specs.map((spec) => {
    if (typeof spec !== 'string') return [spec[0], spec[1]];
    const fn = METRICS[spec];
    if (!fn)
      throw new ValueError('fit', `unknown metric '${spec}' (known: ${Object.keys(METRICS).join(', ')})`);
    return [spec, fn];
  });
}

/** A batch as [input, target]; fewer than two tensors is a ValueError naming `op`. */
export function split(op: string, batch: readonly Tensor[]): [Tensor, Tensor] {
  if (batch.length < 2)
    throw new ValueError(op, `each batch must be [input, target], got ${batch.length} tensor(s)`);
  return [batch[0]!, batch[1]!];
}

/** Concatenates detached batch tensors along dim 0 (a 0-d part counts as one row). */
export function concatRows(parts: Tensor[]): Tensor {
  return noGrad(() => cat(parts.map((p) => (p.ndim === 0 ? p.reshape([1]) : p))));
}

/** Runs `model` over batches without recording gradients; returns the mean loss (when given) and metrics. */
export function runEpochEval(
  model: Module<[Tensor], Tensor>,
  batches: Batches,
  loss: LossFn | undefined,
  metrics: [string, MetricFn][],
): Logs {
  const outputs: Tensor[] = [];
  const targets: Tensor[] = [];
  let lossSum = 0;
  let count = 0;
  noGrad(() => {
    for (const batch of batches) {
      const [x, y] = split('evaluate', batch);
      const out = model.forward(x);
      const n = x.shape[0] ?? 1;
      if (loss) lossSum += lossOf(loss, out, y).item() * n;
      count += n;
      outputs.push(out);
      targets.push(y);
    }
  });
  const logs: Logs = {};
  if (loss) logs.loss = count > 0 ? lossSum / count : NaN;
  if (metrics.length > 0 && outputs.length > 0) {
    const output = concatRows(outputs);
    const target = concatRows(targets);
    for (const [name, fn] of metrics) logs[name] = fn(output, target);
  }
  return logs;
}
