// @file Metrics against hand-computed values (sklearn's definitions for precision, recall and F1).
import { describe, expect, it } from 'vitest';
import { ShapeError, tensor } from '../../src/index.js';
import {
  accuracy,
  binaryAccuracy,
  confusionMatrix,
  f1,
  mae,
  precision,
  recall,
} from '../../src/train/index.js';

const logits = tensor([
  [2, 1, 0], // → 0
  [0, 3, 1], // → 1
  [0, 1, 5], // → 2
  [4, 0, 0], // → 0
  [0, 2, 1], // → 1
  [1, 0, 3], // → 2
]);
const target = tensor([0, 1, 1, 0, 2, 2], { dtype: 'int32' });

describe('classification metrics', () => {
  it('accuracy takes the argmax of multi-class outputs', () => {
    expect(accuracy(logits, target)).toBeCloseTo(4 / 6, 12);
  });

  it('confusion matrix counts (true, predicted) pairs', () => {
    expect(confusionMatrix(logits, target)).toEqual([
      [2, 0, 0],
      [0, 1, 1],
      [0, 1, 1],
    ]);
  });

  it('precision, recall and F1 by class, macro and micro averaged', () => {
    // Per class precision: [2/2, 1/2, 1/2]; recall: [2/2, 1/2, 1/2]; F1 equal to both.
    expect(precision(logits, target)).toBeCloseTo((1 + 0.5 + 0.5) / 3, 12);
    expect(recall(logits, target)).toBeCloseTo((1 + 0.5 + 0.5) / 3, 12);
    expect(f1(logits, target)).toBeCloseTo((1 + 0.5 + 0.5) / 3, 12);
    expect(precision(logits, target, 'micro')).toBeCloseTo(4 / 6, 12);
  });

  it('binary metrics read one-column outputs as logits', () => {
    const out = tensor([[2], [-1], [0.5], [-3]]);
    const y = tensor([[1], [0], [0], [1]]);
    expect(accuracy(out, y)).toBe(0.5);
    expect(binaryAccuracy(out, y)).toBe(0.5);
    expect(binaryAccuracy(tensor([0.9, 0.2, 0.7, 0.4]), y, { logits: false, threshold: 0.6 })).toBe(0.5);
    // class 1 precision = tp/(tp+fp) = 1/2, recall = 1/2
    expect(precision(out, y, 'binary')).toBe(0.5);
    expect(recall(out, y, 'binary')).toBe(0.5);
  });

  it('mae is the mean absolute error', () => {
    expect(mae(tensor([1, 2, 3]), tensor([1.5, 2, 1]))).toBeCloseTo(2.5 / 3, 6);
  });

  it('names the metric and shapes on mismatch', () => {
    expect(() => accuracy(logits, tensor([0, 1], { dtype: 'int32' }))).toThrow(ShapeError);
    expect(() => accuracy(logits, tensor([0, 1], { dtype: 'int32' }))).toThrow(
      /accuracy: output shape \[6, 3\]/,
    );
  });
});
