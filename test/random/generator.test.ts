// @file The seeded generator: determinism, state round trip, distributions, permutation.
import { describe, expect, it } from 'vitest';
import { Generator, ValueError } from '../../src/index.js';

describe('Generator', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = new Generator(7);
    const b = new Generator(7);
    const c = new Generator(8);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('resumes exactly from a saved state (including the spare normal)', () => {
    const g = new Generator(1);
    g.normal();
    const state = JSON.parse(JSON.stringify(g.getState())) as ReturnType<Generator['getState']>;
    const expected = [g.normal(), g.uniform(), g.randint(0, 10)];
    const h = new Generator(99).setState(state);
    expect([h.normal(), h.uniform(), h.randint(0, 10)]).toEqual(expected);
  });

  it('draws uniform values with the right moments', () => {
    const g = new Generator(3);
    const n = 50000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = g.uniform();
      sum += u;
      sumSq += u * u;
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sumSq / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
  });

  it('permutation is a permutation', () => {
    const p = Array.from(new Generator(5).permutation(100)).sort((x, y) => x - y);
    expect(p).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('randint covers the range without bias and rejects empty ranges', () => {
    const g = new Generator(11);
    const counts = new Array<number>(3).fill(0);
    for (let i = 0; i < 30000; i++) counts[g.randint(0, 3)]!++;
    for (const c of counts) expect(c / 30000).toBeCloseTo(1 / 3, 1);
    expect(() => g.randint(2, 2)).toThrow(ValueError);
    expect(() => new Generator(1.5)).toThrow(/manualSeed: seed must be a safe integer/);
  });
});
