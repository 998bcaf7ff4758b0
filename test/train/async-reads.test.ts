// @file evaluateAsync on the CPU backends: the same logs as evaluate(), and the model's mode restored.
import { describe, expect, it } from 'vitest';
import * as nt from '../../src/index.js';

describe('evaluateAsync', () => {
  it('gives evaluate()’s loss and metrics on a backend that reads synchronously', async () => {
    nt.manualSeed(11);
    const model = new nt.nn.Sequential(new nt.nn.Linear(3, 4), new nt.nn.ReLU(), new nt.nn.Linear(4, 2));
    const x = nt.randn([10, 3]);
    const y = nt.tensor(
      Int32Array.from({ length: 10 }, (_, i) => i % 2),
      { dtype: 'int32' },
    );
    const batches = [
      [x.narrow(0, 0, 6), y.narrow(0, 0, 6)],
      [x.narrow(0, 6, 4), y.narrow(0, 6, 4)],
    ];
    const options = { loss: nt.nn.functional.crossEntropy, metrics: ['accuracy'] };
    model.train();
    const expected = nt.train.evaluate(model, batches, options);
    const actual = await nt.train.evaluateAsync(model, batches, options);
    expect(actual).toEqual(expected);
    expect(Number.isFinite(actual.loss)).toBe(true);
    expect(model.training).toBe(true);
  });
});
