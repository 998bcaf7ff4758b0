// @file Reductions and softmax against PyTorch fixtures, gradcheck (first and second order), errors and properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as nt from '../../src/index.js';
import {
  NeuriteError,
  ShapeError,
  ValueError,
  enableGrad,
  gradcheck,
  randn,
  tensor,
  zeros,
  type Tensor,
} from '../../src/index.js';
import { goldenSuite } from '../helpers/golden.js';
import { goldenOnBothBackends } from './on-both-backends.js';
import { REDUCE_RUNNERS } from './runners/reduce.js';

const RUNNERS = REDUCE_RUNNERS;
goldenSuite('reduce', RUNNERS);
// Issue 14's prod gradients at zeros and infinities and log-softmax of −0, on both backends.
goldenOnBothBackends('reduce', RUNNERS, (name) =>
  /^(prod\/(inf|two_zeros_inf|zeros_float64)|logSoftmaxReciprocal\/)/.test(name),
);

const f64 = (...shape: number[]): Tensor => randn(shape, { dtype: 'float64' });
/** Entries at least 0.2 away from 0, for functions with a kink there (|x|, sign). */
const awayFromZero = (...shape: number[]): Tensor => {
  const x = f64(...shape);
  return x.add(x.sign().mul(0.2));
};
/** A permutation of spread-out values: no ties, so max/min and the ∞-norm are differentiable. */
const distinct = (...shape: number[]): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.37 + 0.05);
  for (let i = n - 1; i > 0; i--) {
    const j = (i * 7919 + 13) % (i + 1);
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return tensor(values, { dtype: 'float64', shape });
};

describe('reduction gradcheck (float64 central differences)', () => {
  const cases: [string, (x: Tensor) => Tensor, () => Tensor][] = [
    ['sum all', (x) => nt.sum(x), () => f64(3, 4)],
    ['sum dims keepdim', (x) => nt.sum(x, [0, 2], true), () => f64(2, 3, 4)],
    ['mean dim', (x) => nt.mean(x, -1), () => f64(2, 3, 4)],
    ['prod all', (x) => nt.prod(x), () => f64(2, 3)],
    ['prod dim', (x) => nt.prod(x, 1, true), () => f64(2, 3, 4)],
    [
      'prod with zeros',
      (x) => nt.prod(x, 1),
      () =>
        tensor(
          [
            [0, 2, -1.5],
            [0, 0, 3],
            [1, 2, 0.5],
          ],
          { dtype: 'float64' },
        ),
    ],
    [
      'prod all with one zero',
      (x) => nt.prod(x),
      () =>
        tensor(
          [
            [1.2, 0],
            [-2, 0.7],
          ],
          { dtype: 'float64' },
        ),
    ],
    ['max all', (x) => nt.max(x), () => distinct(3, 4)],
    ['min all', (x) => nt.min(x), () => distinct(3, 4)],
    ['max dim', (x) => nt.max(x, 1).values, () => distinct(2, 3, 4)],
    ['min dim keepdim', (x) => nt.min(x, -1, true).values, () => distinct(2, 3, 4)],
    ['var all', (x) => nt.variance(x), () => f64(3, 4)],
    ['var dims', (x) => nt.variance(x, [0, 2], { keepdim: true }), () => f64(2, 3, 4)],
    ['var correction 0', (x) => nt.variance(x, 1, { correction: 0 }), () => f64(3, 4)],
    ['std all', (x) => nt.std(x), () => f64(3, 4)],
    ['std dim', (x) => nt.std(x, -1, { correction: 2 }), () => f64(2, 3, 4)],
    ['logsumexp dim', (x) => nt.logsumexp(x, 1), () => f64(2, 3, 4)],
    ['logsumexp dims keepdim', (x) => nt.logsumexp(x, [0, -1], true), () => f64(2, 3, 4).mul(20)],
    ['norm p=1', (x) => nt.norm(x, 1, 1), () => awayFromZero(3, 4)],
    ['norm p=2', (x) => nt.norm(x), () => f64(3, 4)],
    ['norm p=2 dims', (x) => nt.norm(x, 2, [0, 2], true), () => f64(2, 3, 4)],
    ['norm p=3', (x) => nt.norm(x, 3, -1), () => f64(3, 4)],
    ['norm p=1.5', (x) => nt.norm(x, 1.5, 0), () => awayFromZero(3, 4)],
    ['norm p=0.5', (x) => nt.norm(x, 0.5, 1), () => awayFromZero(3, 4)],
    ['norm p=inf', (x) => nt.norm(x, Infinity, 1), () => distinct(3, 4)],
    ['softmax dim 0', (x) => nt.softmax(x, 0), () => f64(3, 4)],
    ['softmax dim -1', (x) => nt.softmax(x, -1), () => f64(2, 3, 4)],
    ['logSoftmax dim 1', (x) => nt.logSoftmax(x, 1), () => f64(2, 3, 4)],
    ['logSoftmax dim 0', (x) => nt.logSoftmax(x, 0), () => f64(3, 4).mul(10)],
  ];
  for (const [name, fn, make] of cases) {
    it(name, () => {
      nt.manualSeed(name.length);
      expect(gradcheck((x) => fn(x!), [make()])).toBe(true);
    });
  }
});

/**
 * x ↦ ∂⟨f(x), v⟩/∂x computed with createGraph, so gradcheck of it checks the second derivative of f: the
 * backward pass must itself be built from differentiable ops.
 */
function gradientOf(f: (x: Tensor) => Tensor, v: () => Tensor): (x: Tensor) => Tensor {
  let upstream: Tensor | null = null;
  return (x) =>
    enableGrad(() => {
      const saved = x.grad;
      x.grad = null;
      const y = f(x);
      upstream ??= v().to(y.dtype);
      // retainGraph too: the engine does not default it to createGraph as PyTorch does.
      y.backward(upstream, { createGraph: true, retainGraph: true });
      const gradient = x.grad!;
      x.grad = saved;
      return gradient;
    });
}

describe('double backward (gradcheck of the gradient)', () => {
  const cases: [string, (x: Tensor) => Tensor, () => Tensor, number[]][] = [
    ['softmax', (x) => nt.softmax(x, 1), () => f64(3, 4), [3, 4]],
    ['logSoftmax', (x) => nt.logSoftmax(x, 0), () => f64(3, 4), [3, 4]],
    ['logsumexp', (x) => nt.logsumexp(x, 1), () => f64(3, 4), [3]],
    ['var', (x) => nt.variance(x, 1), () => f64(3, 4), [3]],
    ['std', (x) => nt.std(x, 0), () => f64(3, 4), [4]],
    ['prod', (x) => nt.prod(x, 1), () => f64(3, 4), [3]],
    [
      'prod with one zero per row',
      (x) => nt.prod(x, 1),
      () =>
        tensor(
          [
            [0, 2, -1.5],
            [1.1, 0, 3],
          ],
          { dtype: 'float64' },
        ),
      [2],
    ],
    ['norm p=2', (x) => nt.norm(x, 2, 1), () => f64(3, 4), [3]],
    ['norm p=3', (x) => nt.norm(x, 3), () => f64(3, 4), []],
  ];
  for (const [name, f, make, outShape] of cases) {
    it(name, () => {
      nt.manualSeed(name.length + 100);
      const v = f64(...outShape);
      expect(gradcheck((x) => gradientOf(f, () => v)(x!), [make()])).toBe(true);
    });
  }
});

describe('reduction results', () => {
  it('splits the gradient of max/min over all dims evenly among ties, like PyTorch', () => {
    const x = tensor([3, -3, 3, 2], { requiresGrad: true });
    nt.max(x).backward();
    expect(x.grad!.toArray()).toEqual([0.5, 0, 0.5, 0]);
  });
  it('sends the gradient of max along a dim to the first maximum only', () => {
    const x = tensor([[3, -3, 3, 2]], { requiresGrad: true });
    const { values, indices } = x.max(1);
    expect(indices.dtype).toBe('int32');
    expect(indices.toArray()).toEqual([0]);
    values.sum().backward();
    expect(x.grad!.toArray()).toEqual([[1, 0, 0, 0]]);
  });
  it('prod has a finite, exact gradient with zeros (product of the others)', () => {
    const x = tensor(
      [
        [0, -3, 3, 2],
        [0, 0, 1, 2],
        [1, 2, 3, 4],
      ],
      { requiresGrad: true },
    );
    x.prod(1).sum().backward();
    // + 0 turns PyTorch's (and our) −0 entries into 0.
    expect(x.grad!.add(0).toArray()).toEqual([
      [-18, 0, 0, 0],
      [0, 0, 0, 0],
      [24, 12, 8, 6],
    ]);
  });
  it('norm p=2 has gradient 0, not NaN, at x = 0', () => {
    const x = zeros([3], { requiresGrad: true });
    x.norm().backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 0]);
  });
  it('std has gradient 0 where the std is 0', () => {
    const x = tensor([2, 2, 2], { requiresGrad: true });
    x.std().backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 0]);
  });
  it('argmax/argmin give a flat int32 index without dim and the first index on ties', () => {
    const x = tensor([
      [1, 5, 5],
      [0, 5, -2],
    ]);
    expect(nt.argmax(x).dtype).toBe('int32');
    expect(nt.argmax(x).item()).toBe(1);
    expect(nt.argmin(x).item()).toBe(5);
    expect(nt.argmax(x, undefined, true).shape).toEqual([1, 1]);
    expect(x.argmax(1).toArray()).toEqual([1, 1]);
    expect(x.argmin(0, true).toArray()).toEqual([[1, 0, 1]]);
  });
  it('handles 0-d tensors with dim 0 or -1 like PyTorch', () => {
    const x = tensor(3, { requiresGrad: true });
    const { values, indices } = nt.max(x, 0);
    expect(values.shape).toEqual([]);
    expect(indices.item()).toBe(0);
    expect(nt.softmax(x, -1).item()).toBe(1);
    expect(nt.logsumexp(x, 0).item()).toBe(3);
  });
  it('reduces along a dim of a tensor that is empty elsewhere', () => {
    const { values, indices } = nt.max(zeros([0, 3]), 1);
    expect(values.shape).toEqual([0]);
    expect(indices.shape).toEqual([0]);
  });
  it('follows PyTorch for reductions with an identity over nothing', () => {
    expect(nt.sum(zeros([0, 3])).item()).toBe(0);
    expect(nt.prod(zeros([0, 3])).item()).toBe(1);
    expect(Number.isNaN(nt.mean(zeros([0])).item())).toBe(true);
    expect(nt.logsumexp(zeros([0, 3]), 0).toArray()).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(nt.norm(zeros([0, 3])).item()).toBe(0);
  });
  it('keeps dtypes: int prod and bool sum are int32, max keeps the dtype, mean/var/std/norm/softmax promote ints', () => {
    const ints = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'int32' },
    );
    expect(nt.prod(ints).dtype).toBe('int32');
    expect(nt.prod(ints).item()).toBe(24);
    expect(nt.sum(ints.gt(1)).dtype).toBe('int32');
    expect(nt.max(ints).dtype).toBe('int32');
    expect(nt.max(ints.gt(2)).toArray()).toBe(true);
    expect(nt.mean(ints).item()).toBe(2.5);
    expect(nt.variance(ints).dtype).toBe('float32');
    expect(nt.std(ints, 0, { correction: 0 }).toArray()).toEqual([1, 1]);
    expect(nt.norm(ints, 1).item()).toBe(10);
    expect(nt.logsumexp(ints, 1).dtype).toBe('float32');
    expect(nt.softmax(ints, 1).dtype).toBe('float32');
  });
  it('logsumexp is exact for large and infinite inputs', () => {
    const x = tensor([
      [1e4, 1e4],
      [-Infinity, -Infinity],
      [Infinity, 1],
      [-1e4, -Infinity],
    ]);
    const out = nt.logsumexp(x, 1).toArray() as number[];
    expect(out[0]).toBeCloseTo(1e4 + Math.LN2, 2);
    expect(out.slice(1)).toEqual([-Infinity, Infinity, -1e4]);
  });
  it('logSoftmax stays finite for logits of ±1e4', () => {
    const out = nt.logSoftmax(tensor([[1e4, -1e4, 0]]), 1).toArray() as number[][];
    expect(out[0]).toEqual([0, -2e4, -1e4]);
  });
  it('records named gradFns', () => {
    const x = randn([2, 3], { requiresGrad: true });
    expect(nt.variance(x).gradFn?.toString()).toBe('VarBackward');
    expect(nt.softmax(x, 1).gradFn?.toString()).toBe('SoftmaxBackward');
    expect(x.max(1).values.gradFn?.toString()).toBe('MaxBackward');
  });
});

describe('reduction errors', () => {
  const empty = zeros([0, 3]);
  it('refuses max/min/argmax/argmin of an empty tensor, naming the op and the shape', () => {
    expect(() => nt.max(empty)).toThrow(ShapeError);
    expect(() => nt.max(empty)).toThrow('max: cannot reduce an empty tensor of shape [0, 3] over all dims');
    expect(() => nt.min(empty)).toThrow('min: cannot reduce an empty tensor of shape [0, 3] over all dims');
    expect(() => nt.argmax(empty)).toThrow(
      'argmax: cannot reduce an empty tensor of shape [0, 3] over all dims',
    );
    expect(() => nt.argmin(empty)).toThrow(
      'argmin: cannot reduce an empty tensor of shape [0, 3] over all dims',
    );
    expect(() => nt.max(empty, 0)).toThrow('max: cannot reduce over dim 0 of size 0 (shape [0, 3])');
    expect(() => nt.argmin(empty, -2)).toThrow('argmin: cannot reduce over dim -2 of size 0 (shape [0, 3])');
  });
  it('refuses the ∞-norm of an empty group', () => {
    expect(() => nt.norm(empty, Infinity)).toThrow(ShapeError);
    expect(() => nt.norm(empty, Infinity, 0)).toThrow(/norm: cannot compute the inf norm .* shape \[0, 3\]/);
  });
  it('names the op, the dim and the shape for bad dims', () => {
    const x = randn([2, 3]);
    expect(() => nt.sum(x, 2)).toThrow(ValueError);
    expect(() => nt.sum(x, 2)).toThrow(
      'sum: dim 2 is out of range for a tensor of shape [2, 3] (expected -2 to 1)',
    );
    expect(() => nt.max(x, -3)).toThrow('max: dim -3 is out of range for a tensor of shape [2, 3]');
    expect(() => nt.argmax(x, 5)).toThrow('argmax: dim 5 is out of range');
    expect(() => nt.variance(x, [1, -1])).toThrow(
      'var: dim 1 appears more than once in [1, -1] (shape [2, 3])',
    );
    expect(() => nt.std(x, 0.5)).toThrow(/std: dim 0.5 is out of range/);
    expect(() => nt.logsumexp(x, [0, 7])).toThrow(/logsumexp: dim 7 is out of range .* \[2, 3\]/);
    expect(() => nt.norm(x, 2, 4)).toThrow(/norm: dim 4/);
    expect(() => nt.prod(x, -5)).toThrow(/prod: dim -5/);
    expect(() => nt.softmax(x, 2)).toThrow('softmax: dim 2 is out of range for a tensor of shape [2, 3]');
    expect(() => nt.logSoftmax(x, -3)).toThrow(/logSoftmax: dim -3/);
  });
  it('refuses a non-positive norm order', () => {
    expect(() => nt.norm(randn([3]), 0)).toThrow('norm: p must be positive or Infinity, got 0');
    expect(() => nt.norm(randn([3]), -Infinity)).toThrow(ValueError);
  });
  it('every error is a NeuriteError', () => {
    for (const bad of [() => nt.max(empty), () => nt.sum(empty, 3), () => nt.norm(empty, -1)]) {
      expect(bad).toThrow(NeuriteError);
    }
  });
});

/** A random 2-D or 3-D shape and matching float64 data in [−range, range]. */
const tensorArb = (range: number, maxRank = 2) =>
  fc
    .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: maxRank })
    .chain((shape) => {
      const n = shape.reduce((a, b) => a * b, 1);
      return fc.tuple(
        fc.constant(shape),
        fc.array(fc.double({ min: -range, max: range, noNaN: true }), { minLength: n, maxLength: n }),
      );
    })
    .map(([shape, data]) => tensor(data, { dtype: 'float64', shape }));

const pickDim = (x: Tensor, k: number): number => k % x.ndim;

describe('properties', () => {
  it('softmax sums to 1 along its dim and lies in [0, 1], even for logits of ±1e3', () => {
    fc.assert(
      fc.property(tensorArb(1e3, 3), fc.nat(), (x, k) => {
        const dim = pickDim(x, k);
        const y = nt.softmax(x.float(), dim);
        for (const v of y.storage) expect(v >= 0 && v <= 1).toBe(true);
        for (const s of nt.sum(y, dim).storage) expect(Math.abs(s - 1)).toBeLessThan(1e-5);
      }),
    );
  });
  it('logSoftmax(x + c) = logSoftmax(x)', () => {
    fc.assert(
      fc.property(tensorArb(20, 3), fc.double({ min: -100, max: 100, noNaN: true }), fc.nat(), (x, c, k) => {
        const dim = pickDim(x, k);
        const a = nt.logSoftmax(x, dim).storage;
        const b = nt.logSoftmax(x.add(c), dim).storage;
        a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-9 * (1 + Math.abs(v))));
      }),
    );
  });
  it('logsumexp = log Σ exp on moderate inputs', () => {
    fc.assert(
      fc.property(tensorArb(10, 3), fc.nat(), (x, k) => {
        const dim = pickDim(x, k);
        const a = nt.logsumexp(x, dim).storage;
        const b = nt.log(nt.sum(nt.exp(x), dim)).storage;
        a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-12 * (1 + Math.abs(v))));
      }),
    );
  });
  it('sum over dims [a, b] = sum over a then over b', () => {
    fc.assert(
      fc.property(tensorArb(100, 4), fc.nat(), fc.nat(), fc.boolean(), (x, k1, k2, keepdim) => {
        fc.pre(x.ndim >= 2);
        const a = pickDim(x, k1);
        const b = pickDim(x, k2);
        fc.pre(a !== b);
        const both = nt.sum(x, [a, b], keepdim);
        const [first, second] = a > b ? [a, b] : [b, a];
        let stepwise = nt.sum(nt.sum(x, first, keepdim), second, keepdim);
        stepwise = stepwise.reshape(both.shape);
        expect(stepwise.shape).toEqual(both.shape);
        both.storage.forEach((v, i) =>
          expect(Math.abs(v - stepwise.storage[i]!)).toBeLessThan(1e-9 * (1 + Math.abs(v))),
        );
      }),
    );
  });
});
