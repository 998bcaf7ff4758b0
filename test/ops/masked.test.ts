// @file maskedFill's broadcasting and 0-d tensor values, and maskedFill_ in place: both backends, gradcheck, errors.
import { describe, expect, it } from 'vitest';
import * as nt from '../../src/index.js';
import { DTypeError, NeuriteError, ShapeError, gradcheck, randn, tensor } from '../../src/index.js';
import type { Params, Runner } from '../helpers/golden.js';
import { goldenOnBothBackends } from './on-both-backends.js';

const value = (p: Params): number => p.value as number;
const RUNNERS: Record<string, Runner> = {
  maskedFill: ([x, m, v], p) => nt.maskedFill(x!, m!, v ?? value(p)),
  maskedFill_: ([x, m, v], p) => nt.maskedFill_(x!, m!, v ?? value(p)),
};
goldenOnBothBackends('indexing', RUNNERS, (name) =>
  /^maskedFill_?\/(maskMoreDims|tensorValueBroadcast|infValue|broadcastMask|tensorValue)$/.test(name),
);

describe('maskedFill', () => {
  const f64 = (...shape: number[]) => randn(shape, { dtype: 'float64' });
  it('passes gradcheck with a wider mask and with a 0-d tensor value', () => {
    const mask = tensor([
      [true, false, true],
      [false, false, true],
    ]);
    expect(gradcheck((x) => nt.maskedFill(x!, mask, 0.5), [f64(3)])).toBe(true);
    expect(gradcheck((x, v) => nt.maskedFill(x!, mask, v!), [f64(2, 1), f64()])).toBe(true);
  });

  it('widens the result when the mask has more dims, summing the gradient back to x', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const mask = tensor([
      [true, false, false],
      [true, true, false],
    ]);
    const y = nt.maskedFill(x, mask, -1);
    expect(y.toArray()).toEqual([
      [-1, 2, 3],
      [-1, -1, 3],
    ]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 1, 2]);
  });

  it('gives a 0-d value the sum of the gradient where the mask is true', () => {
    const v = tensor(4, { requiresGrad: true });
    const x = nt.zeros([2, 2]);
    const y = nt.maskedFill(x, tensor([true, false]), v);
    y.mul(
      tensor([
        [1, 10],
        [100, 1000],
      ]),
    )
      .sum()
      .backward();
    expect(v.grad!.item()).toBe(101);
  });

  it('is a Tensor method, maskedFill_ writes in place and returns the same tensor', () => {
    const x = tensor([1, 2, 3, 4]).reshape(2, 2);
    expect(x.maskedFill(tensor([false, true]), tensor(9)).toArray()).toEqual([
      [1, 9],
      [3, 9],
    ]);
    const same = x.maskedFill_(tensor([[true], [false]]), 0);
    expect(same).toBe(x);
    expect(x.toArray()).toEqual([
      [0, 0],
      [3, 4],
    ]);
  });

  it('refuses a value tensor with dims, a mask wider than an in-place target, and a non-bool mask', () => {
    const x = randn([3]);
    expect(() => nt.maskedFill(x, tensor([true, false, true]), tensor([1]))).toThrow(ShapeError);
    expect(() => nt.maskedFill(x, tensor([true, false, true]), tensor([1]))).toThrow(
      'maskedFill: only a 0-dimensional value tensor is supported, got a value of shape [1]',
    );
    expect(() => x.maskedFill_(tensor([[true, false, true]]), 1)).toThrow(
      "maskedFill_: mask of shape [1, 3] does not broadcast to the tensor's shape [3]",
    );
    expect(() => x.maskedFill_(tensor([1, 0, 1]), 1)).toThrow(DTypeError);
    expect(() => tensor([1, 2], { dtype: 'int32' }).maskedFill_(tensor([true, false]), 3e9)).toThrow(
      'maskedFill_: value 3000000000 cannot be converted to int32 without overflow',
    );
    const leaf = randn([3], { requiresGrad: true });
    expect(() => leaf.maskedFill_(tensor([true, false, true]), 0)).toThrow(NeuriteError);
  });
});
