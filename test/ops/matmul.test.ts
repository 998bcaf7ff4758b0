// @file matmul, linear and outer against PyTorch fixtures, gradcheck, and shape errors.
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  ShapeError,
  gradcheck,
  linear,
  matmul,
  randn,
  tensor,
  type Tensor,
} from '../../src/index.js';
import * as nt from '../../src/index.js';
import { goldenSuite } from '../helpers/golden.js';
import { MATMUL_RUNNERS } from './runners/matmul.js';

goldenSuite('matmul', MATMUL_RUNNERS);

describe('matmul gradcheck', () => {
  const f64 = (...shape: number[]) => randn(shape, { dtype: 'float64' });
  const cases: [string, number[], number[]][] = [
    ['dot', [4], [4]],
    ['matrix-vector', [3, 4], [4]],
    ['vector-matrix', [4], [4, 2]],
    ['matrix', [3, 4], [4, 2]],
    ['batched', [2, 3, 4], [2, 4, 2]],
    ['broadcast batch', [2, 1, 3, 4], [3, 4, 2]],
    ['blocked kernel', [50, 60], [60, 50]],
  ];
  for (const [name, a, b] of cases) {
    it(name, () => {
      // Large products are reduced to one number with fixed weights, so one backward pass checks them.
      const weights = name === 'blocked kernel' ? f64(a[0]!, b[1]!) : null;
      const fn = (x: Tensor, y: Tensor) => (weights ? matmul(x, y).mul(weights).sum() : matmul(x, y));
      expect(gradcheck((x, y) => fn(x!, y!), [f64(...a), f64(...b)])).toBe(true);
    });
  }
  it('linear', () => {
    expect(gradcheck((x, w, b) => linear(x!, w!, b!), [f64(5, 4), f64(3, 4), f64(3)])).toBe(true);
  });
});

describe('matmul kernel agrees with a naive product on every transpose path', () => {
  it('blocked sizes with edges (m, n not multiples of the tile)', () => {
    const a = randn([67, 130], { dtype: 'float64' });
    const b = randn([130, 45], { dtype: 'float64' });
    const c = matmul(a, b);
    for (const [i, j] of [
      [0, 0],
      [66, 44],
      [33, 17],
      [65, 43],
    ] as const) {
      let s = 0;
      for (let p = 0; p < 130; p++) s += a.storage[i * 130 + p]! * b.storage[p * 45 + j]!;
      expect(c.storage[i * 45 + j]!).toBeCloseTo(s, 9);
    }
  });
});

describe('linear as one op', () => {
  const bits = (t: Tensor): number[] => Array.from(t.storage);

  it('equals matmul then add, values and gradients bit for bit', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const make = () => ({
        x: randn([7, 5], { dtype, generator: new nt.Generator(1), requiresGrad: true }),
        w: randn([3, 5], { dtype, generator: new nt.Generator(2), requiresGrad: true }),
        b: randn([3], { dtype, generator: new nt.Generator(3), requiresGrad: true }),
      });
      const g = randn([7, 3], { dtype, generator: new nt.Generator(4) });
      const fused = make();
      const y = linear(fused.x, fused.w, fused.b);
      expect(y.gradFn?.name).toBe('linear');
      y.backward(g);
      const plain = make();
      const z = matmul(plain.x, plain.w.T).add(plain.b);
      z.backward(g);
      expect(bits(y)).toEqual(bits(z));
      expect(bits(fused.x.grad!)).toEqual(bits(plain.x.grad!));
      expect(bits(fused.w.grad!)).toEqual(bits(plain.w.grad!));
      expect(bits(fused.b.grad!)).toEqual(bits(plain.b.grad!));
      expect(fused.b.grad!.shape).toEqual([3]);
    }
  });

  it('gives gradients only to the operands that require them', () => {
    const x = randn([4, 2], { dtype: 'float64', requiresGrad: true });
    const w = randn([3, 2], { dtype: 'float64' });
    const b = randn([3], { dtype: 'float64', requiresGrad: true });
    linear(x, w, b).square().sum().backward();
    expect(w.grad).toBeNull();
    expect(x.grad!.shape).toEqual([4, 2]);
    expect(b.grad!.shape).toEqual([3]);
  });

  it('records its backward pass for second derivatives', () => {
    // y = Σ(x·Wᵀ + b)², s = Σ ∂y/∂b = 2·Σ(x·Wᵀ + b), so ∂s/∂x[i, p] = 2·Σ_j W[j, p].
    const x = randn([4, 2], { dtype: 'float64', requiresGrad: true });
    const w = randn([3, 2], { dtype: 'float64', requiresGrad: true });
    const b = randn([3], { dtype: 'float64', requiresGrad: true });
    linear(x, w, b).square().sum().backward(undefined, { createGraph: true });
    const s = b.grad!.sum();
    x.grad = null;
    s.backward();
    const columnSums = w.sum(0).mul(2).toArray() as number[];
    for (let i = 0; i < 4; i++) {
      expect(x.grad!.storage[2 * i]!).toBeCloseTo(columnSums[0]!, 12);
      expect(x.grad!.storage[2 * i + 1]!).toBeCloseTo(columnSums[1]!, 12);
    }
  });

  it('promotes to the dtype of a float64 bias, as matmul + add does', () => {
    const x = randn([2, 3]);
    const w = randn([4, 3]);
    const b = randn([4], { dtype: 'float64' });
    const y = linear(x, w, b);
    expect(y.dtype).toBe('float64');
    expect(bits(y)).toEqual(bits(matmul(x, w.T).add(b)));
  });
});

describe('matmul errors', () => {
  it('names both shapes and the mismatched sizes', () => {
    expect(() => matmul(randn([64, 784]), randn([128, 10]))).toThrow(ShapeError);
    expect(() => matmul(randn([64, 784]), randn([128, 10]))).toThrow(
      'matmul: cannot multiply shapes [64, 784] and [128, 10] (784 ≠ 128)',
    );
    expect(() => matmul(randn([2, 3, 4]), randn([3, 4, 5]))).toThrow(
      /batch dims of shapes \[2, 3, 4\] and \[3, 4, 5\]/,
    );
    expect(() => matmul(tensor(1), randn([2]))).toThrow(/at least 1 dimension/);
  });
  it('refuses integer tensors', () => {
    expect(() => matmul(tensor([[1]], { dtype: 'int32' }), tensor([[1]], { dtype: 'int32' }))).toThrow(
      DTypeError,
    );
  });
  it('linear names input and weight shapes', () => {
    expect(() => linear(randn([8, 5]), randn([3, 4]))).toThrow(
      'linear: input shape [8, 5] does not fit weight shape [3, 4]',
    );
  });
});
