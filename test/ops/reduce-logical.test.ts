// @file amax, amin, any and all against PyTorch fixtures (dim lists, keepdim, ties, NaN, empty), gradcheck, errors.
import { describe, expect, it } from 'vitest';
import * as nt from '../../src/index.js';
import { ShapeError, ValueError, gradcheck, randn, tensor } from '../../src/index.js';
import { goldenSuite } from '../helpers/golden.js';
import { goldenOnBothBackends } from './on-both-backends.js';
import { REDUCE_LOGICAL_RUNNERS as RUNNERS } from './runners/reduce-logical.js';
goldenSuite('reduce_logical', RUNNERS);
goldenOnBothBackends('reduce_logical', RUNNERS, (name) =>
  /^(amax\/ties_dim0,2_keep1|amin\/inf_nan|all\/dim1_keep0)$/.test(name),
);

describe('amax and amin', () => {
  it('pass gradcheck in float64 (no ties), over one dim and several', () => {
    const x = tensor(
      Array.from({ length: 24 }, (_, i) => ((i * 7) % 24) * 0.31 - 3),
      { dtype: 'float64', shape: [2, 3, 4] },
    );
    expect(gradcheck((a) => nt.amax(a!, [0, 2], true), [x])).toBe(true);
    expect(gradcheck((a) => nt.amin(a!, -1), [x])).toBe(true);
    expect(gradcheck((a) => nt.amax(a!), [x])).toBe(true);
  });

  it('split the gradient evenly among ties', () => {
    const x = tensor([[1, 3, 3, 3]], { requiresGrad: true });
    nt.amax(x, 1).sum().backward();
    expect(Array.from(x.grad!.storage)).toEqual([0, 1 / 3, 1 / 3, 1 / 3].map(Math.fround));
  });

  it('are Tensor methods', () => {
    const x = tensor([
      [1, 5],
      [7, -2],
    ]);
    expect(x.amax(0).toArray()).toEqual([7, 5]);
    expect(x.amin([0, 1], true).toArray()).toEqual([[-2]]);
  });

  it('refuse an empty reduced dim and bad dims, naming the op', () => {
    expect(() => nt.amax(randn([0, 3]), 0)).toThrow(ShapeError);
    expect(() => nt.amin(randn([0, 3]))).toThrow(/amin/);
    expect(() => nt.amax(randn([2, 3]), 2)).toThrow(ValueError);
    expect(() => nt.amin(randn([2, 3]), [0, -2])).toThrow(/amin.*more than once/);
  });
});

describe('any and all', () => {
  it('take lists of dims (as later PyTorch does): the same as reducing one dim after the other', () => {
    const x = tensor([
      [
        [0, 1],
        [0, 0],
      ],
      [
        [1, 1],
        [0, 2],
      ],
    ]);
    expect(nt.any(x, [0, 2]).toArray()).toEqual(nt.any(nt.any(x, 2), 0).toArray());
    expect(nt.all(x, [0, -1], true).shape).toEqual([1, 2, 1]);
    expect(nt.all(x, [0, 2]).toArray()).toEqual(nt.all(nt.all(x, 2), 0).toArray());
  });

  it('are Tensor methods with bool results', () => {
    const x = tensor([0, 2, 0]);
    expect(x.any().dtype).toBe('bool');
    expect(x.any().item()).toBe(1);
    expect(x.all().item()).toBe(0);
  });

  it('refuse bad dims, naming the op', () => {
    expect(() => nt.any(randn([2, 3]), 3)).toThrow(/any.*dim 3/);
    expect(() => nt.all(randn([2, 3]), -4)).toThrow(/all.*dim -4/);
  });
});
