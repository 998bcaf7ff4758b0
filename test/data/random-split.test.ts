// @file Tests of randomSplit: lengths, fractions with PyTorch's remainder rule, disjointness, determinism.
import { describe, expect, it } from 'vitest';
import { Generator, ValueError, data, manualSeed, zeros } from '../../src/index.js';

const dataset = (n: number) => new data.TensorDataset(zeros([n, 2]));

function allIndices(subsets: readonly { indices: Int32Array }[]): number[] {
  return subsets.flatMap((s) => Array.from(s.indices));
}

describe('randomSplit', () => {
  it('splits by lengths into disjoint subsets that cover the dataset', () => {
    const parts = data.randomSplit(dataset(10), [3, 7], { generator: new Generator(1) });
    expect(parts.map((p) => p.length)).toEqual([3, 7]);
    expect(allIndices(parts).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });

  it('splits by fractions, handing the remainder out round-robin from the first split', () => {
    const n = 401;
    expect(data.randomSplit(dataset(n), [0.8, 0.2]).map((p) => p.length)).toEqual([321, 80]);
    // ⌊10·0.25⌋ = 2, 2, ⌊10·0.5⌋ = 5, remainder 1 → [3, 2, 5]
    expect(data.randomSplit(dataset(10), [0.25, 0.25, 0.5]).map((p) => p.length)).toEqual([3, 2, 5]);
    // ⌊5·⅓⌋ = 1 each, remainder 2 → [2, 2, 1]
    expect(data.randomSplit(dataset(5), [1 / 3, 1 / 3, 1 / 3]).map((p) => p.length)).toEqual([2, 2, 1]);
    const parts = data.randomSplit(dataset(7), [0.5, 0.25, 0.25]);
    expect(parts.map((p) => p.length)).toEqual([4, 2, 1]);
    expect(new Set(allIndices(parts)).size).toBe(7);
  });

  it('is reproducible with a generator or manualSeed, and differs between seeds', () => {
    const a = data.randomSplit(dataset(50), [25, 25], { generator: new Generator(3) });
    const b = data.randomSplit(dataset(50), [25, 25], { generator: new Generator(3) });
    const c = data.randomSplit(dataset(50), [25, 25], { generator: new Generator(4) });
    expect(allIndices(a)).toEqual(allIndices(b));
    expect(allIndices(a)).not.toEqual(allIndices(c));
    manualSeed(5);
    const d = allIndices(data.randomSplit(dataset(50), [0.5, 0.5]));
    manualSeed(5);
    expect(allIndices(data.randomSplit(dataset(50), [0.5, 0.5]))).toEqual(d);
  });

  it('refuses lengths that do not add up, negative or fractional counts', () => {
    expect(() => data.randomSplit(dataset(10), [3, 8])).toThrow(ValueError);
    expect(() => data.randomSplit(dataset(10), [3, 8])).toThrow(/randomSplit: .*sum to 11.*length 10/);
    expect(() => data.randomSplit(dataset(10), [-1, 11])).toThrow(ValueError);
    expect(() => data.randomSplit(dataset(10), [2.5, 7.5])).toThrow(/integers, or fractions/);
    expect(() => data.randomSplit(dataset(10), [0.5, 0.6])).toThrow(ValueError);
    expect(() => data.randomSplit(dataset(10), [])).toThrow(ValueError);
  });
});
