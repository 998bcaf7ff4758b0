// @file Tests of passTheClass: ranges, label formats, the generating rule, encoding, and that models learn it.
import { describe, expect, it } from 'vitest';
import { Tensor, ValueError, data, manualSeed, noGrad, rand, zeros } from '../../../src/index.js';

const { passTheClass } = data.datasets;

function column(x: Tensor, j: number): number[] {
  return (x.toArray() as number[][]).map((row) => row[j]!);
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => Math.sqrt(mean(v.map((a) => (a - mean(v)) ** 2)));

/** Fraction of rows whose logit sign matches the 0/1 target. */
function accuracy(logits: Tensor, y: Tensor): number {
  let correct = 0;
  for (let i = 0; i < y.numel(); i++) correct += Number(logits.storage[i]! > 0 === (y.storage[i] === 1));
  return correct / y.numel();
}

/** Mean binary cross-entropy on logits: mean(softplus(z) − y·z), as BCEWithLogitsLoss computes it. */
function bceWithLogits(z: Tensor, y: Tensor): Tensor {
  return z.softplus().sub(z.mul(y)).mean();
}

describe('datasets.passTheClass', () => {
  it('gives standardized float32 features [n, 2] and float32 0/1 targets [n, 1] by default', () => {
    const ds = passTheClass({ n: 400, seed: 1 });
    expect(ds.x.shape).toEqual([400, 2]);
    expect(ds.x.dtype).toBe('float32');
    expect(ds.y.shape).toEqual([400, 1]);
    expect(ds.y.dtype).toBe('float32');
    expect([...ds.y.storage].every((v) => v === 0 || v === 1)).toBe(true);
    expect(ds.standardized).toBe(true);
    for (const j of [0, 1]) {
      expect(Math.abs(mean(column(ds.x, j)))).toBeLessThan(0.15);
      expect(std(column(ds.x, j))).toBeCloseTo(1, 1);
    }
    expect(passTheClass().length).toBe(400);
  });

  it('has raw features in realistic ranges: 0…12 whole lectures, 0…12 hours', () => {
    const ds = passTheClass({ n: 1000, seed: 2, standardize: false });
    const lectures = column(ds.x, 0);
    const hours = column(ds.x, 1);
    expect(lectures.every((v) => Number.isInteger(v) && v >= 0 && v <= 12)).toBe(true);
    expect(new Set(lectures).size).toBe(13);
    expect(hours.every((v) => v >= 0 && v < 12)).toBe(true);
    expect(Math.min(...hours)).toBeLessThan(0.5);
    expect(Math.max(...hours)).toBeGreaterThan(11.5);
    expect(hours.some((v) => !Number.isInteger(v))).toBe(true);
  });

  it('passes about half the students, more of those who work more', () => {
    const ds = passTheClass({ n: 2000, seed: 3, standardize: false, labels: 'int' });
    expect(ds.y.dtype).toBe('int32');
    expect(ds.y.shape).toEqual([2000]);
    const passRate = mean(Array.from(ds.y.storage));
    expect(passRate).toBeGreaterThan(0.4);
    expect(passRate).toBeLessThan(0.6);
    const rows = ds.x.toArray() as number[][];
    const rate = (keep: (l: number, h: number) => boolean) =>
      mean(rows.flatMap(([l, h], i) => (keep(l!, h!) ? [ds.y.storage[i]!] : [])));
    expect(rate((l, h) => l + h > 16)).toBeGreaterThan(0.9);
    expect(rate((l, h) => l + h < 6)).toBeLessThan(0.1);
  });

  it('follows the documented rule: labels are 1[z > 0] with noise 0', () => {
    const ds = passTheClass({ n: 500, seed: 4, standardize: false, noise: 0 });
    (ds.x.toArray() as number[][]).forEach(([l, h], i) => {
      const z = 1.5 * (l! + h! - 11) - 0.04 * (l! - h!) ** 2;
      expect(passTheClass.logit(l!, h!)).toBeCloseTo(z, 10);
      expect(ds.y.storage[i]).toBe(z > 0 ? 1 : 0);
    });
    expect(passTheClass.probability(12, 12)).toBeGreaterThan(0.99);
    expect(passTheClass.probability(4, 5)).toBeLessThan(0.05);
    expect(passTheClass.probability(12, 0)).toBeLessThan(0.05); // lectures alone do not pass
    expect(passTheClass.probability(5.5, 5.5)).toBeCloseTo(0.5, 10);
  });

  it('exports feature names, the standardization constants, and encodes/decodes students', () => {
    expect(passTheClass.featureNames).toEqual(['lectures attended', 'hours on final project']);
    expect(passTheClass.mean).toEqual([6, 6]);
    expect(passTheClass.std[0]).toBeCloseTo(Math.sqrt(14), 12);
    expect(passTheClass.std[1]).toBeCloseTo(2 * Math.sqrt(3), 12);
    const raw = passTheClass({ n: 20, seed: 5, standardize: false });
    const standardized = passTheClass({ n: 20, seed: 5 });
    expect(standardized.featureNames).toEqual(passTheClass.featureNames);
    expect(standardized.classNames).toEqual(['fail', 'pass']);
    const students = raw.x.toArray() as number[][];
    const encoded = standardized.encode(students);
    expect(encoded.shape).toEqual([20, 2]);
    Array.from(encoded.storage).forEach((v, i) => expect(v).toBeCloseTo(standardized.x.storage[i]!, 5));
    expect(Array.from(raw.encode(students).storage)).toEqual(Array.from(raw.x.storage));
    Array.from(passTheClass.decode(standardized.x).storage).forEach((v, i) =>
      expect(v).toBeCloseTo(raw.x.storage[i]!, 4),
    );
    const student = passTheClass.encode([[4, 5]]).toArray() as number[][];
    expect(student[0]![0]).toBeCloseTo(-2 / Math.sqrt(14), 6);
    expect(passTheClass.encode([[4, 5]], { standardize: false }).toArray()).toEqual([[4, 5]]);
    expect(() => passTheClass.encode([[4]])).toThrow(/student 0 must be \[lectures, hours\]/);
  });

  it('is deterministic per seed and rejects bad options', () => {
    const a = passTheClass({ n: 50, seed: 11 });
    const b = passTheClass({ n: 50, seed: 11 });
    expect(Array.from(a.x.storage)).toEqual(Array.from(b.x.storage));
    expect(Array.from(a.y.storage)).toEqual(Array.from(b.y.storage));
    expect(Array.from(passTheClass({ n: 50, seed: 12 }).x.storage)).not.toEqual(Array.from(a.x.storage));
    expect(() => passTheClass({ n: -1 })).toThrow(ValueError);
    // @ts-expect-error: standardize is a boolean
    expect(() => passTheClass({ standardize: 'yes' })).toThrow(/standardize must be a boolean/);
    expect(() => passTheClass({ noise: Number.NaN })).toThrow(/passTheClass: noise/);
  });

  it('is learnable by logistic regression: plain gradient descent reaches > 80% training accuracy', () => {
    const ds = passTheClass({ n: 400, seed: 21 });
    const w = zeros([2, 1], { requiresGrad: true });
    const b = zeros([1], { requiresGrad: true });
    const lr = 0.5;
    for (let step = 0; step < 300; step++) {
      w.grad = null;
      b.grad = null;
      bceWithLogits(ds.x.matmul(w).add(b), ds.y).backward();
      noGrad(() => {
        w.sub_(w.grad!.mul(lr));
        b.sub_(b.grad!.mul(lr));
      });
    }
    const logits = noGrad(() => ds.x.matmul(w).add(b));
    expect(accuracy(logits, ds.y)).toBeGreaterThan(0.8);
    // both features push towards passing, equally by the rule (1.5 per unit, σ ≈ 3.5 units)
    expect(w.storage[0]).toBeGreaterThan(1);
    expect(w.storage[1]).toBeGreaterThan(1);
  });

  it('trains the DESIGN.md network (2-3-1 ReLU, BCE on logits, Adam lr 1e-2, 50 epochs of batch 32) to > 85%', () => {
    for (const seed of [0, 1, 2]) {
      manualSeed(seed);
      // nn.Linear's init: U(−1/√fanIn, 1/√fanIn) for weights and biases; weights stored [in, out] here
      const uniform = (shape: number[], fanIn: number) =>
        rand(shape)
          .sub(0.5)
          .mul(2 / Math.sqrt(fanIn))
          .detach()
          .requiresGrad_();
      const params = [uniform([2, 3], 2), uniform([3], 2), uniform([3, 1], 3), uniform([1], 3)];
      const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
      const forward = (x: Tensor) => x.matmul(w1).add(b1).relu().matmul(w2).add(b2);
      const adam = params.map((p) => ({ m: new Float64Array(p.numel()), v: new Float64Array(p.numel()) }));
      let t = 0;
      const ds = passTheClass({ n: 400 });
      const loader = new data.DataLoader(ds, { batchSize: 32, shuffle: true });
      for (let epoch = 0; epoch < 50; epoch++) {
        for (const [x, y] of loader) {
          params.forEach((p) => (p.grad = null));
          bceWithLogits(forward(x), y).backward();
          t += 1;
          params.forEach((p, k) => {
            const { m, v } = adam[k]!;
            for (let i = 0; i < p.numel(); i++) {
              const g = p.grad!.storage[i]!;
              m[i] = 0.9 * m[i]! + 0.1 * g;
              v[i] = 0.999 * v[i]! + 0.001 * g * g;
              const step = (1e-2 * m[i]!) / (1 - 0.9 ** t) / (Math.sqrt(v[i]! / (1 - 0.999 ** t)) + 1e-8);
              p.storage[i] = p.storage[i]! - step;
            }
          });
        }
      }
      expect(
        accuracy(
          noGrad(() => forward(ds.x)),
          ds.y,
        ),
      ).toBeGreaterThan(0.85);
    }
  });
});
