// @file Tests of the 2-D toy datasets: shapes, label formats, class balance, geometry, seeds, option errors.
import { describe, expect, it } from 'vitest';
import { ValueError, data, manualSeed, type Tensor } from '../../../src/index.js';

const { circle, xor, gauss, spiral, moons } = data.datasets;
const generators = { circle, xor, gauss, spiral, moons };

function rows(x: Tensor): [number, number][] {
  return x.toArray() as [number, number][];
}

function counts(y: Tensor | ArrayLike<number>, k: number): number[] {
  const out = new Array<number>(k).fill(0);
  for (const c of Array.from('storage' in y ? y.storage : y)) out[c]! += 1;
  return out;
}

describe.each(Object.entries(generators))('datasets.%s', (name, make) => {
  it('returns x float32 [n, 2] and int32 class indices [n] by default', () => {
    const ds = make({ n: 101, seed: 1 });
    expect(ds).toBeInstanceOf(data.TensorDataset);
    expect(ds.length).toBe(101);
    expect(ds.x.shape).toEqual([101, 2]);
    expect(ds.x.dtype).toBe('float32');
    expect(ds.y.shape).toEqual([101]);
    expect(ds.y.dtype).toBe('int32');
    expect([...ds.y.storage].every((c) => c === 0 || c === 1)).toBe(true);
    expect([...ds.x.storage].every(Number.isFinite)).toBe(true);
    expect(ds.name).toBe(name);
    expect(ds.featureNames).toEqual(['x1', 'x2']);
    expect(ds.numClasses).toBe(2);
    expect(make().length).toBe(400);
  });

  it('gives float [n, 1] 0/1 targets with labels: "float" and one-hot rows with "onehot"', () => {
    const ints = make({ n: 50, seed: 2 });
    const floats = make({ n: 50, seed: 2, labels: 'float' });
    const onehot = make({ n: 50, seed: 2, labels: 'onehot' });
    expect(floats.y.shape).toEqual([50, 1]);
    expect(floats.y.dtype).toBe('float32');
    expect(Array.from(floats.y.storage)).toEqual(Array.from(ints.y.storage));
    expect(Array.from(floats.x.storage)).toEqual(Array.from(ints.x.storage));
    expect(onehot.y.shape).toEqual([50, 2]);
    const table = onehot.y.toArray() as number[][];
    table.forEach((row, i) => expect(row).toEqual(ints.y.storage[i] === 1 ? [0, 1] : [1, 0]));
  });

  it('is deterministic per seed, differs between seeds, and follows manualSeed without one', () => {
    const a = make({ n: 60, noise: 0.2, seed: 7 });
    const b = make({ n: 60, noise: 0.2, seed: 7 });
    const c = make({ n: 60, noise: 0.2, seed: 8 });
    expect(Array.from(a.x.storage)).toEqual(Array.from(b.x.storage));
    expect(Array.from(a.y.storage)).toEqual(Array.from(b.y.storage));
    expect(Array.from(a.x.storage)).not.toEqual(Array.from(c.x.storage));
    expect(a.seed).toBe(7);
    manualSeed(3);
    const d = make({ n: 60, noise: 0.2 });
    manualSeed(3);
    const e = make({ n: 60, noise: 0.2 });
    expect(Array.from(d.x.storage)).toEqual(Array.from(e.x.storage));
    expect(d.seed).toBe(e.seed);
    expect(make({ n: 60, noise: 0.2, seed: d.seed }).x.storage).toEqual(d.x.storage);
  });

  it('shuffles its rows so that the first half holds both classes', () => {
    const ds = make({ n: 200, seed: 4 });
    expect(counts(ds.y.storage.subarray(0, 100), 2).every((k) => k > 20)).toBe(true);
  });

  it('rejects bad options, naming the dataset', () => {
    expect(() => make({ n: 0 })).toThrow(ValueError);
    expect(() => make({ n: 2.5 })).toThrow(`datasets.${name}: n must be a positive integer, got 2.5`);
    expect(() => make({ noise: -1 })).toThrow(/noise must be a finite number/);
    expect(() => make({ seed: 0.5 })).toThrow(/seed must be a safe integer/);
    // @ts-expect-error: not a label format
    expect(() => make({ labels: 'bool' })).toThrow(/labels must be/);
    // @ts-expect-error: a typo of n
    expect(() => make({ samples: 10 })).toThrow(/unknown option 'samples'/);
  });
});

describe('toy dataset geometry', () => {
  it('circle: class 1 fills the disc r < 2.5, class 0 the ring 3.5 ≤ r ≤ 5, balanced', () => {
    const ds = circle({ n: 400, seed: 1 });
    expect(counts(ds.y, 2)).toEqual([200, 200]);
    rows(ds.x).forEach(([a, b], i) => {
      const r = Math.hypot(a, b);
      if (ds.y.storage[i] === 1) expect(r).toBeLessThan(2.5);
      else expect(r >= 3.5 - 1e-5 && r <= 5 + 1e-5).toBe(true);
    });
    const noisy = circle({ n: 400, noise: 0.5, seed: 1 });
    const mislabelled = rows(noisy.x).filter(
      ([a, b], i) => (Math.hypot(a, b) < 2.5 ? 1 : 0) !== noisy.y.storage[i],
    );
    expect(mislabelled.length).toBeGreaterThan(10);
  });

  it('xor: class 1 iff x1·x2 ≥ 0, points kept 0.3 away from the axes, roughly balanced', () => {
    const ds = xor({ n: 400, seed: 2 });
    rows(ds.x).forEach(([a, b], i) => {
      expect(ds.y.storage[i]).toBe(a * b >= 0 ? 1 : 0);
      expect(Math.min(Math.abs(a), Math.abs(b))).toBeGreaterThanOrEqual(0.3 - 1e-6);
      expect(Math.max(Math.abs(a), Math.abs(b))).toBeLessThanOrEqual(5.3 + 1e-5);
    });
    const [zero, one] = counts(ds.y, 2) as [number, number];
    expect(Math.abs(zero - one)).toBeLessThan(80);
  });

  it('gauss: blobs centred at (−2, −2) and (2, 2); more classes on a circle of radius 2√2', () => {
    const ds = gauss({ n: 400, seed: 3 });
    expect(counts(ds.y, 2)).toEqual([200, 200]);
    const centre = (set: data.datasets.ToyDataset, c: number) => {
      const pts = rows(set.x).filter((_, i) => set.y.storage[i] === c);
      return [0, 1].map((j) => pts.reduce((s, p) => s + p[j]!, 0) / pts.length);
    };
    expect(centre(ds, 0)[0]).toBeCloseTo(-2, 0);
    expect(centre(ds, 1)[1]).toBeCloseTo(2, 0);
    const three = gauss({ n: 301, classes: 3, seed: 3 });
    expect(three.numClasses).toBe(3);
    expect(counts(three.y, 3)).toEqual([101, 100, 100]);
    for (let c = 0; c < 3; c++)
      expect(Math.hypot(...(centre(three, c) as [number, number]))).toBeCloseTo(2 * Math.SQRT2, 0);
    expect(three.y.storage.every((v) => v >= 0 && v < 3)).toBe(true);
    expect(() => gauss({ classes: 3, labels: 'float' })).toThrow(/needs 2 classes/);
    expect(gauss({ n: 30, classes: 3, labels: 'onehot', seed: 1 }).y.shape).toEqual([30, 3]);
    expect(() => gauss({ classes: 1 })).toThrow(/classes must be an integer ≥ 2/);
  });

  it('spiral: arms of radius < 5, balanced, k arms with classes: k', () => {
    const ds = spiral({ n: 400, seed: 5 });
    expect(counts(ds.y, 2)).toEqual([200, 200]);
    rows(ds.x).forEach(([a, b]) => expect(Math.hypot(a, b)).toBeLessThan(5));
    const noisy = spiral({ n: 400, noise: 0.5, seed: 5 });
    rows(noisy.x).forEach(([a, b]) => expect(Math.hypot(a, b)).toBeLessThan(5 + 0.5 * Math.SQRT2));
    const four = spiral({ n: 400, classes: 4, seed: 5 });
    expect(counts(four.y, 4)).toEqual([100, 100, 100, 100]);
  });

  it('moons: sklearn make_moons, class 0 on the upper moon, class 1 on the lower one', () => {
    const ds = moons({ n: 201, seed: 6 });
    expect(counts(ds.y, 2)).toEqual([100, 101]);
    rows(ds.x).forEach(([a, b], i) => {
      if (ds.y.storage[i] === 0) {
        expect(Math.hypot(a, b)).toBeCloseTo(1, 5);
        expect(b).toBeGreaterThanOrEqual(-1e-6);
      } else {
        expect(Math.hypot(a - 1, b - 0.5)).toBeCloseTo(1, 5);
        expect(b).toBeLessThanOrEqual(0.5 + 1e-6);
      }
    });
  });
});
