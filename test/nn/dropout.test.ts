// @file Dropout: identity in eval, inverted scaling in training (statistical checks with a fixed seed), errors.
import { describe, expect, it } from 'vitest';
import { DTypeError, Generator, ValueError, manualSeed, nn, ones, randn, tensor } from '../../src/index.js';

const F = nn.functional;

describe('Dropout', () => {
  it('is the identity in eval mode', () => {
    const x = randn([3, 4]);
    const layer = new nn.Dropout(0.7).eval();
    expect(layer.forward(x)).toBe(x);
    expect(F.dropout(x, 0.7, false)).toBe(x);
  });

  it('zeroes about p of the elements and scales the rest by 1/(1 − p), preserving the mean', () => {
    manualSeed(0);
    for (const p of [0.1, 0.5, 0.8]) {
      const n = 200_000;
      const out = new nn.Dropout(p).forward(ones([n]));
      const scale = Math.fround(1 / (1 - p));
      let zeros = 0;
      let others = 0;
      let sum = 0;
      for (const v of out.storage) {
        if (v === 0) zeros++;
        else if (v !== scale) others++;
        sum += v;
      }
      expect(others, 'survivors are scaled by 1/(1 − p)').toBe(0);
      // Standard errors: √(p(1−p)/n) ≤ 0.0012 for the zero fraction; the mean's is at most 0.0045 (p = 0.8).
      expect(Math.abs(zeros / n - p)).toBeLessThan(0.006);
      expect(Math.abs(sum / n - 1)).toBeLessThan(0.02);
    }
  });

  it('draws its mask from the seeded generator: same seed, same mask', () => {
    const x = randn([50]);
    manualSeed(7);
    const a = new nn.Dropout(0.5).forward(x);
    manualSeed(7);
    const b = new nn.Dropout(0.5).forward(x);
    const c = new nn.Dropout(0.5).forward(x);
    expect(Array.from(a.storage)).toEqual(Array.from(b.storage));
    expect(Array.from(a.storage)).not.toEqual(Array.from(c.storage));
    const g1 = F.dropout(x, 0.5, true, new Generator(3));
    const g2 = F.dropout(x, 0.5, true, new Generator(3));
    expect(Array.from(g1.storage)).toEqual(Array.from(g2.storage));
  });

  it('back-propagates through the same mask', () => {
    const x = ones([1000], { requiresGrad: true });
    const out = new nn.Dropout(0.25).forward(x);
    out.sum().backward();
    expect(Array.from(x.grad!.storage)).toEqual(Array.from(out.storage));
  });

  it('p = 0 returns the input; p = 1 gives zeros and zero gradients', () => {
    const x = randn([5], { requiresGrad: true });
    expect(F.dropout(x, 0)).toBe(x);
    const y = F.dropout(x, 1);
    expect(Array.from(y.storage).every((v) => v === 0)).toBe(true);
    y.sum().backward();
    expect(Array.from(x.grad!.storage)).toEqual([0, 0, 0, 0, 0]);
  });

  it('validates p and the input dtype', () => {
    expect(() => new nn.Dropout(1.1)).toThrow(ValueError);
    expect(() => new nn.Dropout(1.1)).toThrow(
      'Dropout: dropout probability has to be between 0 and 1, but got 1.1',
    );
    expect(() => new nn.Dropout(-0.1)).toThrow(/but got -0.1/);
    expect(() => new nn.Dropout(NaN)).toThrow(/but got NaN/);
    expect(() => F.dropout(randn([2]), 2)).toThrow(
      'dropout: dropout probability has to be between 0 and 1, but got 2',
    );
    expect(() => F.dropout(tensor([1, 2], { dtype: 'int32' }), 0.5)).toThrow(DTypeError);
  });

  it('prints p as Python does', () => {
    expect(new nn.Dropout().toString()).toBe('Dropout(p=0.5, inplace=False)');
    expect(new nn.Dropout(0).toString()).toBe('Dropout(p=0.0, inplace=False)');
  });
});
