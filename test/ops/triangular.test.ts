// @file tril and triu against PyTorch fixtures, gradcheck, Tensor methods and errors.
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, gradcheck, randn, tensor, tril, triu } from '../../src/index.js';
import { goldenSuite } from '../helpers/golden.js';
import { goldenOnBothBackends } from './on-both-backends.js';
import { TRIANGULAR_RUNNERS } from './runners/triangular.js';

const RUNNERS = TRIANGULAR_RUNNERS;
goldenSuite('triangular', RUNNERS);
goldenOnBothBackends('triangular', RUNNERS, (name) => /\/(batched|inf_nan)$/.test(name));

describe('tril and triu', () => {
  it('pass gradcheck in float64', () => {
    const x = randn([2, 3, 4], { dtype: 'float64' });
    expect(gradcheck((a) => tril(a!, -1), [x])).toBe(true);
    expect(gradcheck((a) => triu(a!, 1), [x])).toBe(true);
  });

  it('split a matrix: tril(x, k) + triu(x, k + 1) = x', () => {
    const x = randn([4, 6]);
    expect(tril(x, 1).add(triu(x, 2)).toArray()).toEqual(x.toArray());
  });

  it('are Tensor methods', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(x.tril().toArray()).toEqual([
      [1, 0],
      [3, 4],
    ]);
    expect(x.triu(1).toArray()).toEqual([
      [0, 2],
      [0, 0],
    ]);
  });

  it('refuse fewer than 2 dims and a fractional diagonal, naming the op', () => {
    expect(() => tril(tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => tril(tensor([1, 2, 3]))).toThrow(/tril.*\[3\]/);
    expect(() => triu(tensor(1))).toThrow(/triu/);
    expect(() => triu(randn([2, 2]), 0.5)).toThrow(ValueError);
  });
});
