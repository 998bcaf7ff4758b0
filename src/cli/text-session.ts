// @file What a text run adds to a training session: perplexity in the logs, gradient clipping, the unigram baseline.
import { perplexity, unigramPerplexity } from '../data/datasets/text-statistics.js';
import type { Module } from '../nn/module.js';
import { clipGradNorm_ } from '../nn/utils/clip-grad.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Callback, Logs } from '../train/callbacks/callback.js';
import { ProgressBar } from '../train/callbacks/progress-bar.js';
import type { OptimizerLike } from '../train/loop.js';
import type { Split } from './datasets.js';

/** Gradient clipping of text runs unless `--clip-norm` says otherwise: total L2 norm at most 1. */
export const DEFAULT_TEXT_CLIP_NORM = 1;

/**
 * `logs` with `perplexity` = exp(loss) and `valPerplexity` = exp(valLoss) added after their losses (the loss of a
 * text run is the mean cross-entropy per character in nats, so this is the per-character perplexity).
 */
export function withPerplexity(logs: Logs): Logs {
  const out: Logs = {};
  for (const [key, value] of Object.entries(logs)) {
    out[key] = value;
    if (key === 'loss') out.perplexity = perplexity(value);
    if (key === 'valLoss') out.valPerplexity = perplexity(value);
  }
  return out;
}

/**
 * The callbacks that show a text run's progress: one that adds the perplexities to each epoch's logs in place,
 * then the progress bar (fit's own bar prints before user callbacks run, so it would not show them).
 */
export function perplexityProgress(verbose: boolean): Callback[] {
  const addPerplexity: Callback = {
    onEpochEnd: (_epoch, logs) => {
      const full = withPerplexity(logs);
      for (const key of Object.keys(logs)) delete logs[key];
      Object.assign(logs, full);
    },
  };
  return verbose ? [addPerplexity, new ProgressBar()] : [addPerplexity];
}

/**
 * The optimizer as fit() drives it, with gradient clipping by total norm before each step when `maxNorm` is set
 * (nn.utils.clipGradNorm_: g ← g · min(1, maxNorm / (‖g‖₂ + 1e-6)) over all of `model`'s gradients).
 */
export function clippedOptimizer(
  optimizer: Optimizer,
  model: Module<[Tensor], Tensor>,
  maxNorm: number | undefined,
): OptimizerLike {
  if (maxNorm === undefined) return optimizer;
  const parameters = model.parameters();
  return {
    zeroGrad: () => optimizer.zeroGrad(),
    step: () => {
      clipGradNorm_(parameters, maxNorm);
      return optimizer.step();
    },
    paramGroups: optimizer.paramGroups,
  };
}

/**
 * The unigram baseline of a split: the perplexity on its target characters of add-one smoothed character
 * frequencies counted over the training targets (see unigramPerplexity).
 */
export function unigramBaseline(train: Split, split: Split, vocabularySize: number): number {
  return unigramPerplexity(train.y.dataSync(), split.y.dataSync(), vocabularySize);
}
