// @file bernoulli_: 0/1 samples from the seeded generator, one uniform draw per element.
import { describe, expect, it } from 'vitest';
import { NeuriteError, ValueError, manualSeed, rand, zeros } from '../../src/index.js';

describe('bernoulli_', () => {
  it('writes 1 exactly where the same generator stream draws u < p', () => {
    manualSeed(11);
    const mask = zeros([40, 25]).bernoulli_(0.3);
    manualSeed(11);
    const expected = rand([40, 25]).lt(0.3);
    expect(Array.from(mask.dataSync())).toEqual(Array.from(expected.dataSync(), Number));
  });

  it('keeps about a fraction p, and p = 0 / p = 1 give all zeros / all ones', () => {
    manualSeed(3);
    const mean = zeros([20000], { dtype: 'float64' }).bernoulli_(0.7).mean().item();
    expect(Math.abs(mean - 0.7)).toBeLessThan(4 * Math.sqrt((0.7 * 0.3) / 20000));
    expect(zeros([50]).bernoulli_(0).sum().item()).toBe(0);
    expect(zeros([50]).bernoulli_(1).sum().item()).toBe(50);
    expect(zeros([4], { dtype: 'int32' }).bernoulli_(1).toArray()).toEqual([1, 1, 1, 1]);
  });

  it('refuses p outside [0, 1] and a leaf that requires grad in grad mode', () => {
    expect(() => zeros([2]).bernoulli_(1.5)).toThrow(ValueError);
    expect(() => zeros([2]).bernoulli_(Number.NaN)).toThrow('bernoulli_: p must be in [0, 1], got NaN');
    expect(() => zeros([2], { requiresGrad: true }).bernoulli_(0.5)).toThrow(NeuriteError);
  });
});
