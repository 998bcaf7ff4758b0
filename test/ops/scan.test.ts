// @file cumsum and cumprod against PyTorch fixtures (zeros, 0-d, empty dims, ±inf/NaN), gradcheck and errors.
import { describe, expect, it } from 'vitest';
import {
  ValueError,
  cumprod,
  cumsum,
  enableGrad,
  gradcheck,
  randn,
  tensor,
  type Tensor,
} from '../../src/index.js';
import { goldenSuite } from '../helpers/golden.js';
import { goldenOnBothBackends } from './on-both-backends.js';
import { SCAN_RUNNERS } from './runners/scan.js';

const RUNNERS = SCAN_RUNNERS;
goldenSuite('scan', RUNNERS);
goldenOnBothBackends('scan', RUNNERS, (name) => /\/(dim-1|zeros_dim1)$/.test(name));

describe('cumsum and cumprod', () => {
  it('pass gradcheck in float64, cumprod also with zeros', () => {
    const x = randn([2, 3, 4], { dtype: 'float64' });
    expect(gradcheck((a) => cumsum(a!, 1), [x])).toBe(true);
    expect(gradcheck((a) => cumsum(a!, -1), [x])).toBe(true);
    expect(gradcheck((a) => cumprod(a!, 2), [x])).toBe(true);
    const zeros = tensor(
      [
        [0, 2, -1.5, 0.7],
        [1.2, 0, 3, 0],
        [0, 0, 2, 0.5],
      ],
      { dtype: 'float64' },
    );
    expect(gradcheck((a) => cumprod(a!, 1), [zeros])).toBe(true);
    expect(gradcheck((a) => cumprod(a!, 0), [zeros])).toBe(true);
  });

  it('support double backward through cumsum (its gradient is built from differentiable ops)', () => {
    const upstream = randn([3, 4], { dtype: 'float64' });
    const gradientOf = (a: Tensor): Tensor =>
      enableGrad(() => {
        const saved = a.grad;
        a.grad = null;
        cumsum(a.square(), 1).backward(upstream, { createGraph: true, retainGraph: true });
        const gradient = a.grad!;
        a.grad = saved;
        return gradient;
      });
    expect(gradcheck((a) => gradientOf(a!), [randn([3, 4], { dtype: 'float64' })])).toBe(true);
  });

  it('are Tensor methods; the last cumsum entry is the sum', () => {
    const x = randn([3, 5]);
    const last = x.cumsum(1).narrow(1, 4, 1).reshape([3]).toArray() as number[];
    const sums = x.sum(1).toArray() as number[];
    last.forEach((v, i) => expect(v).toBeCloseTo(sums[i]!, 5));
    expect(tensor([1, 2, 3, 4]).cumprod(0).toArray()).toEqual([1, 2, 6, 24]);
  });

  it('refuse a dim out of range, naming the op', () => {
    expect(() => cumsum(randn([2, 3]), 2)).toThrow(ValueError);
    expect(() => cumsum(randn([2, 3]), 2)).toThrow(/cumsum.*dim 2/);
    expect(() => cumprod(randn([2, 3]), -3)).toThrow(/cumprod.*dim -3/);
    expect(() => cumprod(tensor(2), 1)).toThrow(/cumprod/);
  });
});
