// @file multinomial: the distribution of draws (chi-square with a fixed seed), distinctness without replacement, zero-probability categories, seeding, errors.
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  Generator,
  ShapeError,
  ValueError,
  manualSeed,
  multinomial,
  tensor,
} from '../../src/index.js';

/**
 * Pearson's χ² = Σ (observed − expected)² / expected. The bounds below are the 0.1% quantiles of χ² for the
 * cells' degrees of freedom: with the fixed seeds the draws are the same every run, so the test cannot flake, and a
 * sampler with the wrong distribution would land far above them at these sample sizes.
 */
function chiSquare(observed: readonly number[], expected: readonly number[]): number {
  return observed.reduce((acc, o, i) => acc + (o - expected[i]!) ** 2 / expected[i]!, 0);
}
const CHI2_999 = { 2: 13.82, 3: 16.27, 5: 20.52 } as const;

function counts(samples: ArrayLike<number>, categories: number): number[] {
  const c = new Array<number>(categories).fill(0);
  for (let i = 0; i < samples.length; i++) c[samples[i]!]!++;
  return c;
}

describe('multinomial draws', () => {
  it('follow the probabilities with replacement (unnormalised weights, a zero category never drawn)', () => {
    const weights = [2, 0, 1, 5, 2];
    const n = 20000;
    const draws = multinomial(tensor(weights), n, { replacement: true, generator: new Generator(7) });
    expect(draws.dtype).toBe('int32');
    expect(draws.shape).toEqual([n]);
    const observed = counts(draws.storage, 5);
    expect(observed[1]).toBe(0);
    const kept = [0, 2, 3, 4];
    const stat = chiSquare(
      kept.map((i) => observed[i]!),
      kept.map((i) => (n * weights[i]!) / 10),
    );
    expect(stat).toBeLessThan(CHI2_999[3]);
    // A sampler drawing uniformly would be rejected by the same statistic.
    expect(
      chiSquare(
        [n / 4, n / 4, n / 4, n / 4],
        kept.map((i) => (n * weights[i]!) / 10),
      ),
    ).toBeGreaterThan(1000);
  });

  it('draw ordered pairs without replacement with the sequential probabilities p_i·p_j/(1 − p_i)', () => {
    const p = [0.5, 0.3, 0.2];
    const rows = 12000;
    const probs = tensor(Array.from({ length: rows }, () => p));
    const draws = multinomial(probs, 2, { generator: new Generator(11) });
    expect(draws.shape).toEqual([rows, 2]);
    const pairs = new Map<string, number>();
    const data = draws.storage;
    for (let r = 0; r < rows; r++) {
      const [a, b] = [data[2 * r]!, data[2 * r + 1]!];
      expect(a).not.toBe(b);
      pairs.set(`${a}${b}`, (pairs.get(`${a}${b}`) ?? 0) + 1);
    }
    const cells = ['01', '02', '10', '12', '20', '21'];
    const expected = cells.map((c) => {
      const [i, j] = [Number(c[0]), Number(c[1])];
      return (rows * p[i]! * p[j]!) / (1 - p[i]!);
    });
    expect(
      chiSquare(
        cells.map((c) => pairs.get(c) ?? 0),
        expected,
      ),
    ).toBeLessThan(CHI2_999[5]);
  });

  it('single draws without replacement follow the probabilities too, per row of a 2-D input', () => {
    const probs = tensor([
      [0.1, 0.6, 0.3],
      [0.0, 0.0, 1.0],
    ]);
    const n = 6000;
    const firsts: number[] = [];
    const generator = new Generator(3);
    for (let i = 0; i < n; i++) {
      const d = multinomial(probs, 1, { generator }).storage;
      firsts.push(d[0]!);
      expect(d[1]).toBe(2);
    }
    expect(chiSquare(counts(firsts, 3), [0.1 * n, 0.6 * n, 0.3 * n])).toBeLessThan(CHI2_999[2]);
  });

  it('return every category once when numSamples = C, zero-probability ones last', () => {
    for (let seed = 0; seed < 50; seed++) {
      const d = multinomial(tensor([0.2, 0, 0.5, 0.3, 0]), 5, {
        generator: new Generator(seed),
      }).toArray() as number[];
      expect([...d].sort()).toEqual([0, 1, 2, 3, 4]);
      expect(d.slice(3)).toEqual([1, 4]);
    }
  });

  it('are seeded: the same seed gives the same draws, through manualSeed and a Tensor method', () => {
    const probs = tensor([
      [0.25, 0.25, 0.5],
      [0.9, 0.05, 0.05],
    ]);
    manualSeed(42);
    const a = probs.multinomial(2).toArray();
    manualSeed(42);
    const b = multinomial(probs, 2).toArray();
    expect(a).toEqual(b);
    const c = multinomial(probs, 4, { replacement: true, generator: new Generator(1) }).toArray();
    const d = multinomial(probs, 4, { replacement: true, generator: new Generator(1) }).toArray();
    expect(c).toEqual(d);
    expect(multinomial(tensor([[]]).reshape(0, 3), 2).shape).toEqual([0, 2]);
  });
});

describe('multinomial errors', () => {
  it('refuse negative, NaN and infinite probabilities and rows that sum to 0', () => {
    for (const bad of [-0.5, NaN, Infinity]) {
      expect(() => multinomial(tensor([0.5, bad, 0.2]), 1)).toThrow(ValueError);
      expect(() => multinomial(tensor([0.5, bad, 0.2]), 1)).toThrow(
        `multinomial: probabilities must be finite and non-negative, got ${bad} at row 0, column 1 (shape [3])`,
      );
    }
    expect(() =>
      multinomial(
        tensor([
          [1, 1],
          [0, 0],
        ]),
        1,
        { replacement: true },
      ),
    ).toThrow('multinomial: invalid distribution: the probabilities of row 1 sum to 0 (shape [2, 2])');
  });

  it('refuse more samples than categories without replacement, numSamples ≤ 0, bad shapes and dtypes', () => {
    expect(() => multinomial(tensor([1, 1]), 3)).toThrow(
      'multinomial: cannot draw 3 samples without replacement from 2 categories (shape [2])',
    );
    expect(multinomial(tensor([1, 1]), 3, { replacement: true }).shape).toEqual([3]);
    expect(() => multinomial(tensor([1, 1]), 0)).toThrow(
      'multinomial: numSamples must be a positive integer, got 0',
    );
    expect(() => multinomial(tensor([[[1]]]), 1)).toThrow(ShapeError);
    expect(() => multinomial(tensor(1), 1)).toThrow(ShapeError);
    expect(() => multinomial(tensor([1, 2], { dtype: 'int32' }), 1)).toThrow(DTypeError);
    expect(() => multinomial(tensor([1, 2]), 1, { replace: true } as never)).toThrow(
      "multinomial: unknown option 'replace' (did you mean 'replacement'?)",
    );
  });
});
