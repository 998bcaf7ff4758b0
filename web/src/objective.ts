// @file What the playground's trainer minimises: the data loss of the problem type (cross-entropy, squared
// error or Huber) plus TensorFlow Playground's L1 / L2 penalty on the weights.
import { nn, type Tensor } from 'neurite';
import type { LossName, ProblemType, RegularizationName } from './settings.js';

/** Class probabilities [N, classes] from logits ([N, 1] binary or [N, classes]). */
export function probabilities(logits: Tensor, classes: number): Tensor {
  return classes === 2 ? logits.sigmoid() : logits.softmax(1);
}

/** A loss of the network's raw output and the targets in the form `splitTargets` builds. */
export type LossFunction = (output: Tensor, target: Tensor) => Tensor;

/**
 * The data loss:
 * - classification, `ce`: BCE with logits (two classes) or cross-entropy (more);
 * - classification, `mse`: mean squared error between the class probabilities and the one-hot targets;
 * - regression, `mse`: mean of (ŷ − y)²; `huber`: mean of ½d² for |d| < 1, |d| − ½ elsewhere (d = ŷ − y).
 *   A classification loss asked of a regression problem falls back to squared error.
 */
export function dataLoss(task: ProblemType, loss: LossName, classes: number): LossFunction {
  if (task === 'regression') {
    const fn = loss === 'huber' ? new nn.HuberLoss({ delta: 1 }) : new nn.MSELoss();
    return (output, target) => fn.forward(output, target);
  }
  if (loss === 'mse' || loss === 'huber') {
    const mse = new nn.MSELoss();
    return (output, target) => mse.forward(probabilities(output, classes), target);
  }
  const ce = classes === 2 ? new nn.BCEWithLogitsLoss() : new nn.CrossEntropyLoss();
  return (output, target) => ce.forward(output, target);
}

/**
 * The weight penalty of TensorFlow Playground, added to the loss of every mini-batch:
 * L1 = rate·Σ|w|, L2 = rate·½Σw², summed over the weight matrices (biases are not penalised).
 * Returns null when there is no penalty. Unlike weight decay (which the optimizer applies to its update),
 * the penalty is part of the loss, so its gradient goes through Adam's scaling like any other.
 */
export function weightPenalty(
  weights: readonly Tensor[],
  kind: RegularizationName,
  rate: number,
): Tensor | null {
  if (kind === 'none' || rate === 0 || weights.length === 0) return null;
  const terms = weights.map((w) => (kind === 'l1' ? w.abs().sum() : w.square().sum().mul(0.5)));
  return terms.reduce((a, b) => a.add(b)).mul(rate);
}
