// @file sort, argsort and topk against PyTorch fixtures on both backends (ties, NaN, ints), gradcheck and errors.
import { describe, expect, it } from 'vitest';
import {
  ValueError,
  argsort,
  enableGrad,
  gradcheck,
  randn,
  sort,
  tensor,
  topk,
  type Tensor,
} from '../../src/index.js';
import { goldenSuite } from '../helpers/golden.js';
import { goldenOnBothBackends } from './on-both-backends.js';
import { SORT_RUNNERS as RUNNERS } from './runners/sort.js';
goldenSuite('sort', RUNNERS);
goldenOnBothBackends('sort', RUNNERS, (name) =>
  /\/(dim1_desc1|ties_desc1|nan_inf_desc0|k2|smallest)$/.test(name),
);

describe('sort, argsort and topk', () => {
  const f64 = (...shape: number[]) => randn(shape, { dtype: 'float64' });
  it('pass gradcheck in float64', () => {
    expect(gradcheck((x) => sort(x!, { dim: 0 }).values, [f64(4, 3)])).toBe(true);
    expect(gradcheck((x) => sort(x!, { descending: true }).values, [f64(2, 5)])).toBe(true);
    expect(gradcheck((x) => topk(x!, 2, { dim: 1, largest: false }).values, [f64(3, 5, 2)])).toBe(true);
  });

  it('support double backward (the gradient is a scatterAdd, itself differentiable)', () => {
    const upstream = f64(2, 3);
    const gradientOf = (a: Tensor): Tensor =>
      enableGrad(() => {
        const saved = a.grad;
        a.grad = null;
        topk(a.square(), 3, { dim: 1 }).values.backward(upstream, { createGraph: true, retainGraph: true });
        const gradient = a.grad!;
        a.grad = saved;
        return gradient;
      });
    expect(gradcheck((a) => gradientOf(a!), [f64(2, 5)])).toBe(true);
  });

  it('route each gradient to the element it came from', () => {
    const x = tensor([3, 1, 2], { requiresGrad: true });
    const { values, indices } = topk(x, 2);
    expect(values.toArray()).toEqual([3, 2]);
    expect(indices.toArray()).toEqual([0, 2]);
    values
      .mul(tensor([10, 100]))
      .sum()
      .backward();
    expect(x.grad!.toArray()).toEqual([10, 0, 100]);
  });

  it('keep equal elements in order, whatever `stable` says, and agree with argsort', () => {
    const x = tensor([1, 0, 1, 0, 1]);
    expect(sort(x).indices.toArray()).toEqual([1, 3, 0, 2, 4]);
    expect(sort(x, { descending: true, stable: false }).indices.toArray()).toEqual([0, 2, 4, 1, 3]);
    expect(argsort(x, { descending: true }).toArray()).toEqual([0, 2, 4, 1, 3]);
  });

  it('are Tensor methods; values are non-decreasing along the dim and gather back from x', () => {
    const x = randn([4, 50]);
    const { values, indices } = x.sort({ dim: 1 });
    const rows = values.toArray() as number[][];
    for (const row of rows)
      for (let i = 1; i < row.length; i++) expect(row[i]!).toBeGreaterThanOrEqual(row[i - 1]!);
    expect(x.gather(1, indices).toArray()).toEqual(rows);
    expect(x.argsort({ dim: 1 }).toArray()).toEqual(indices.toArray());
    expect(x.topk(3).values.toArray()).toEqual(x.sort({ descending: true }).values.narrow(1, 0, 3).toArray());
  });

  it('refuse k out of range, a bad dim and unknown options, naming the op', () => {
    const x = randn([3, 4]);
    expect(() => topk(x, 5)).toThrow(ValueError);
    expect(() => topk(x, 5)).toThrow('topk: k (5) is out of range for dim 1 of size 4 (shape [3, 4])');
    expect(() => topk(x, -1, { dim: 0 })).toThrow('topk: k (-1) is out of range for dim 0 of size 3');
    expect(() => topk(x, 1.5)).toThrow(/topk: k \(1\.5\)/);
    expect(() => sort(x, { dim: 2 })).toThrow(/sort: dim 2 is out of range/);
    expect(() => argsort(x, { dim: -3 })).toThrow(/argsort: dim -3 is out of range/);
    expect(() => sort(x, { descend: true } as never)).toThrow("sort: unknown option 'descend'");
    expect(() => sort(x, { descending: 1 } as never)).toThrow('sort: descending must be a boolean, got 1');
  });
});
