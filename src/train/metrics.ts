// @file Metrics on model outputs: accuracy, binaryAccuracy, confusionMatrix, precision, recall, f1, mae.
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';

/** A metric: a number computed from a batch (or a whole epoch) of outputs and targets. */
export type MetricFn = (output: Tensor, target: Tensor) => number;

function classes(
  op: string,
  output: Tensor,
  target: Tensor,
): { predicted: Int32Array; truth: Int32Array; numClasses: number } {
  const n = target.numel();
  if (output.ndim === 2 && output.shape[1]! > 1) {
    if (output.shape[0] !== n)
      throw new ShapeError(
        op,
        `output shape ${fmtShape(output.shape)} does not fit ${n} targets (shape ${fmtShape(target.shape)})`,
      );
    const c = output.shape[1]!;
    const predicted = new Int32Array(n);
    const data = output.dataSync();
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < c; k++) if (data[i * c + k]! > data[i * c + best]!) best = k;
      predicted[i] = best;
    }
    return { predicted, truth: Int32Array.from(target.dataSync(), Math.round), numClasses: c };
  }
  if (output.numel() !== n)
    throw new ShapeError(
      op,
      `output shape ${fmtShape(output.shape)} does not fit ${n} targets (shape ${fmtShape(target.shape)})`,
    );
  // One column: binary logits, thresholded at 0 (probability 0.5).
  return {
    predicted: Int32Array.from(output.dataSync(), (v) => (v > 0 ? 1 : 0)),
    truth: Int32Array.from(target.dataSync(), Math.round),
    numClasses: 2,
  };
}

/**
 * Fraction of correct predictions. Output [N, C] (C > 1): the predicted class is the argmax (logits or
 * probabilities alike) compared with int class targets [N]. Output [N, 1] or [N]: binary logits, positive
 * means class 1 (use binaryAccuracy for probabilities).
 */
export function accuracy(output: Tensor, target: Tensor): number {
  const { predicted, truth } = classes('accuracy', output, target);
  if (truth.length === 0) return NaN;
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) correct++;
  return correct / truth.length;
}

/**
 * Binary accuracy: mean of [ (p > threshold) == target ]. With `logits` (default true) the output is a logit
 * and is compared with logit(threshold), so σ is never evaluated.
 */
export function binaryAccuracy(
  output: Tensor,
  target: Tensor,
  options: { threshold?: number; logits?: boolean } = {},
): number {
  const threshold = options.threshold ?? 0.5;
  if (!(threshold > 0 && threshold < 1))
    throw new ValueError('binaryAccuracy', `threshold must be in (0, 1), got ${threshold}`);
  const cut = (options.logits ?? true) ? Math.log(threshold / (1 - threshold)) : threshold;
  if (output.numel() !== target.numel()) {
    throw new ShapeError(
      'binaryAccuracy',
      `output shape ${fmtShape(output.shape)} and target shape ${fmtShape(target.shape)} differ in size`,
    );
  }
  const n = target.numel();
  const outputs = output.dataSync();
  const targets = target.dataSync();
  let correct = 0;
  for (let i = 0; i < n; i++) if ((outputs[i]! > cut ? 1 : 0) === (targets[i]! > 0.5 ? 1 : 0)) correct++;
  return n === 0 ? NaN : correct / n;
}

/** counts[t][p]: samples of true class t predicted as p (argmax for [N, C] outputs, logit > 0 for one column). */
export function confusionMatrix(output: Tensor, target: Tensor, numClasses?: number): number[][] {
  const { predicted, truth, numClasses: inferred } = classes('confusionMatrix', output, target);
  const k = numClasses ?? Math.max(inferred, ...truth.map((t) => t + 1));
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    if (t < 0 || t >= k)
      throw new ValueError('confusionMatrix', `target ${t} is out of range for ${k} classes`);
    matrix[t]![predicted[i]!]!++;
  }
  return matrix;
}

export type Average = 'macro' | 'micro' | 'binary';

function perClass(matrix: number[][], kind: 'precision' | 'recall'): number[] {
  return matrix.map((row, c) => {
    const tp = row[c]!;
    const total = kind === 'recall' ? row.reduce((s, v) => s + v, 0) : matrix.reduce((s, r) => s + r[c]!, 0);
    return total === 0 ? 0 : tp / total;
  });
}

function averaged(values: number[], matrix: number[][], average: Average): number {
  if (average === 'binary') return values[1] ?? 0;
  if (average === 'micro') {
    const total = matrix.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
    return total === 0 ? 0 : matrix.reduce((s, row, c) => s + row[c]!, 0) / total;
  }
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Precision tp/(tp + fp), per class then averaged ('macro', default; 'binary' = class 1; 'micro'). */
export function precision(output: Tensor, target: Tensor, average: Average = 'macro'): number {
  const m = confusionMatrix(output, target);
  return averaged(perClass(m, 'precision'), m, average);
}

/** Recall tp/(tp + fn), per class then averaged ('macro', default; 'binary' = class 1; 'micro'). */
export function recall(output: Tensor, target: Tensor, average: Average = 'macro'): number {
  const m = confusionMatrix(output, target);
  return averaged(perClass(m, 'recall'), m, average);
}

/** F1 = 2PR/(P + R), per class then averaged ('macro', default; 'binary' = class 1; 'micro'). */
export function f1(output: Tensor, target: Tensor, average: Average = 'macro'): number {
  const m = confusionMatrix(output, target);
  const p = perClass(m, 'precision');
  const r = perClass(m, 'recall');
  const scores = p.map((pc, c) => (pc + r[c]! === 0 ? 0 : (2 * pc * r[c]!) / (pc + r[c]!)));
  return averaged(scores, m, average);
}

/** Mean absolute error mean(|output − target|) for regression. */
export function mae(output: Tensor, target: Tensor): number {
  if (output.numel() !== target.numel()) {
    throw new ShapeError(
      'mae',
      `output shape ${fmtShape(output.shape)} and target shape ${fmtShape(target.shape)} differ in size`,
    );
  }
  const outputs = output.dataSync();
  const targets = target.dataSync();
  let s = 0;
  for (let i = 0; i < outputs.length; i++) s += Math.abs(outputs[i]! - targets[i]!);
  return outputs.length === 0 ? NaN : s / outputs.length;
}

/** Metrics that fit() and evaluate() accept by name. */
export const METRICS: Record<string, MetricFn> = {
  accuracy,
  binaryAccuracy: (o, t) => binaryAccuracy(o, t),
  precision: (o, t) => precision(o, t),
  recall: (o, t) => recall(o, t),
  f1: (o, t) => f1(o, t),
  mae,
};
