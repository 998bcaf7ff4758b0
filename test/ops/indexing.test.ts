// @file Indexing ops against PyTorch fixtures, gradcheck, accumulation of repeated indices, and error messages.
import { describe, expect, it } from 'vitest';
import * as nt from '../../src/index.js';
import {
  DTypeError,
  ShapeError,
  ValueError,
  gradcheck,
  randn,
  tensor,
  type Tensor,
} from '../../src/index.js';
import { goldenSuite } from '../helpers/golden.js';
import { INDEXING_RUNNERS } from './runners/indexing.js';

const ints = (...values: number[]): Tensor => tensor(values, { dtype: 'int32' });

goldenSuite('indexing', INDEXING_RUNNERS);

describe('indexing gradcheck (float64 central differences)', () => {
  const f64 = (...shape: number[]): Tensor => randn(shape, { dtype: 'float64' });
  const mask = tensor([
    [true, false, true],
    [false, true, true],
  ]);
  const cases: [string, (...t: Tensor[]) => Tensor, () => Tensor[]][] = [
    ['select', (x) => nt.select(x!, 1, -1), () => [f64(2, 3, 4)]],
    ['index numbers and slices', (x) => nt.index(x!, -1, { start: 1, step: 2 }), () => [f64(3, 5, 2)]],
    ['index repeated tensor', (x) => nt.index(x!, null, ints(0, 2, 0, 0)), () => [f64(2, 3)]],
    ['index separated tensors', (x) => nt.index(x!, ints(1, 1), null, ints(0, 3)), () => [f64(2, 3, 4)]],
    [
      'index broadcast tensors',
      (x) => nt.index(x!, ints(0, 1, 1).reshape(3, 1), ints(2, 2)),
      () => [f64(2, 3)],
    ],
    ['index mask', (x) => nt.index(x!, mask), () => [f64(2, 3, 2)]],
    ['gather', (x) => nt.gather(x!, 1, ints(0, 0, 2, 1, 1, 1).reshape(2, 3)), () => [f64(2, 3)]],
    [
      'scatter',
      (x, s) => nt.scatter(x!, 0, ints(2, 0, 1, 2).reshape(2, 2), s!),
      () => [f64(3, 2), f64(2, 2)],
    ],
    [
      'scatter larger src',
      (x, s) => nt.scatter(x!, 1, ints(2, 0, 1, 0).reshape(2, 2), s!),
      () => [f64(2, 3), f64(3, 3)],
    ],
    ['scatter value', (x) => nt.scatter(x!, 1, ints(2, 0).reshape(2, 1), 4), () => [f64(2, 3)]],
    [
      'scatterAdd',
      (x, s) => nt.scatterAdd(x!, 0, ints(2, 0, 2, 2, 0, 0).reshape(3, 2), s!),
      () => [f64(3, 2), f64(3, 2)],
    ],
    ['indexSelect', (x) => nt.indexSelect(x!, -1, ints(3, 0, 3)), () => [f64(2, 4)]],
    ['maskedFill broadcast', (x) => nt.maskedFill(x!, tensor([true, false, true]), -2), () => [f64(2, 3)]],
  ];
  for (const [name, fn, make] of cases) {
    it(name, () => {
      nt.manualSeed(name.length);
      expect(gradcheck(fn, make())).toBe(true);
    });
  }
  it('gather twice (double backward through scatterAdd)', () => {
    const index = ints(1, 0, 1);
    const x = f64(2).requiresGrad_();
    const y = nt.gather(x, 0, index).pow(2).sum();
    y.backward(undefined, { createGraph: true });
    expect(gradcheck((t) => nt.gather(nt.gather(t!, 0, index), 0, ints(2, 2, 0)), [f64(2)])).toBe(true);
  });
});

describe('indexing behaviour', () => {
  it('index with repeated indices accumulates their gradients', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    nt.index(x, ints(0, 2, 0, 0))
      .sum()
      .backward();
    expect(x.grad!.toArray()).toEqual([3, 0, 1]);
  });
  it('index places separated tensor results first and adjacent ones in place', () => {
    const x = randn([2, 3, 4, 5]);
    const i = ints(0, 1);
    expect(nt.index(x, i, null, i).shape).toEqual([2, 3, 5]);
    expect(nt.index(x, null, i, i).shape).toEqual([2, 2, 5]);
    expect(nt.index(x, 0, null, i).shape).toEqual([3, 2, 5]);
  });
  it('index with a Slice clamps like Python and leaves trailing dims whole', () => {
    const x = nt.arange(10);
    expect(nt.index(x, { start: -3, end: 100, step: 2 }).toArray()).toEqual([7, 9]);
    expect(nt.index(x, { start: 7, end: 2 }).toArray()).toEqual([]);
    expect(nt.index(randn([2, 3, 4]), 1).shape).toEqual([3, 4]);
  });
  it('scatter overwrites and scatterAdd accumulates', () => {
    const x = nt.zeros([4]);
    expect(nt.scatter(x, 0, ints(1, 3), tensor([5, 6])).toArray()).toEqual([0, 5, 0, 6]);
    expect(nt.scatterAdd(x, 0, ints(1, 1, 3), tensor([5, 6, 7])).toArray()).toEqual([0, 11, 0, 7]);
  });
  it('maskedFill keeps the dtype, truncating for int32', () => {
    const y = nt.maskedFill(nt.arange(3), tensor([true, false, true]), 5.7);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([5, 1, 5]);
  });
  it('oneHot infers the number of classes', () => {
    expect(nt.oneHot(ints(2, 0)).toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
  });
  it('Tensor methods call the ops', () => {
    const x = nt.arange(6).reshape(2, 3);
    expect(x.index(1, ints(2, 0)).toArray()).toEqual([5, 3]);
    expect(x.select(1, -1).toArray()).toEqual([2, 5]);
    expect(x.gather(1, ints(0, 0, 1, 1).reshape(2, 2)).toArray()).toEqual([
      [0, 0],
      [4, 4],
    ]);
  });
});

describe('indexing errors', () => {
  it('out-of-range indices name the op, the value, the dim and the size', () => {
    const x = randn([3, 5]);
    expect(() => nt.gather(x, 1, ints(7).reshape(1, 1))).toThrow(ValueError);
    expect(() => nt.gather(x, 1, ints(7).reshape(1, 1))).toThrow(
      'gather: index 7 is out of bounds for dim 1 with size 5',
    );
    expect(() => nt.gather(x, 1, ints(-1).reshape(1, 1))).toThrow(
      'gather: index -1 is out of bounds for dim 1 with size 5',
    );
    expect(() => nt.scatterAdd(x, 0, ints(3).reshape(1, 1), randn([1, 1]))).toThrow(
      'scatterAdd: index 3 is out of bounds for dim 0 with size 3',
    );
    expect(() => nt.indexSelect(x, 0, ints(0, -1))).toThrow(
      'indexSelect: index -1 is out of bounds for dim 0 with size 3',
    );
    expect(() => nt.select(x, 0, 3)).toThrow('select: index 3 is out of bounds for dim 0 with size 3');
    expect(() => nt.index(x, null, 5)).toThrow('index: index 5 is out of bounds for dim 1 with size 5');
    expect(() => nt.index(x, ints(0, -4))).toThrow('index: index -4 is out of bounds for dim 0 with size 3');
  });
  it('indices must be int32 tensors', () => {
    const x = randn([3, 5]);
    expect(() => nt.gather(x, 0, randn([1, 1]))).toThrow(DTypeError);
    expect(() => nt.gather(x, 0, randn([1, 1]))).toThrow(
      'gather: index must be an int32 tensor, got dtype float32',
    );
    expect(() => nt.scatter(x, 0, tensor([[true]]), 1)).toThrow(DTypeError);
    expect(() => nt.index(x, tensor([0, 1]))).toThrow(
      'index: index tensors must be int32 (or bool masks), got dtype float32',
    );
    expect(() => nt.oneHot(tensor([0, 1]))).toThrow(DTypeError);
    expect(() => nt.maskedFill(x, nt.ones([5]), 0)).toThrow(
      'maskedFill: mask must be a bool tensor, got dtype float32',
    );
  });
  it('shape mismatches show both shapes', () => {
    const x = randn([2, 3, 4]);
    expect(() => nt.gather(x, 1, nt.zeros([3, 1, 1], { dtype: 'int32' }))).toThrow(
      'gather: index shape [3, 1, 1] must not exceed the input shape [2, 3, 4] except at dim 1 (dim 0: 3 > 2)',
    );
    expect(() => nt.gather(x, 1, nt.zeros([2, 1], { dtype: 'int32' }))).toThrow(
      'gather: index shape [2, 1] must have as many dims as the input shape [2, 3, 4]',
    );
    expect(() => nt.scatter(x, 0, nt.zeros([1, 2, 2], { dtype: 'int32' }), randn([1, 1, 2]))).toThrow(
      'scatter: index shape [1, 2, 2] must not exceed the src shape [1, 1, 2] in any dim',
    );
    expect(() => nt.index(x, ints(0, 1), ints(0, 1, 2))).toThrow(ShapeError);
    expect(() => nt.index(x, ints(0, 1), ints(0, 1, 2))).toThrow(
      'index: shapes [2] and [3] cannot be broadcast together (size 2 vs 3 at dim -1)',
    );
    expect(() => nt.index(x, tensor([true, false, true]))).toThrow(
      "index: mask of shape [3] does not match the indexed tensor's shape [2, 3, 4] at dims 0…0",
    );
    expect(() => nt.maskedFill(x, tensor([true, false]), 0)).toThrow(ShapeError);
    expect(() => nt.indexSelect(x, 0, ints(0).reshape(1, 1))).toThrow(
      'indexSelect: index must be 0-d or 1-D, got shape [1, 1]',
    );
  });
  it('index rejects too many specs and non-positive steps', () => {
    expect(() => nt.index(randn([2, 3]), 0, 0, 0)).toThrow(
      'index: too many indices (3) for a tensor of 2 dims (shape [2, 3])',
    );
    expect(() => nt.index(randn([4]), { step: -1 })).toThrow(
      'index: slice step must be a positive integer, got -1',
    );
  });
  it('oneHot checks class values', () => {
    expect(() => nt.oneHot(ints(0, -1))).toThrow('oneHot: class values must be non-negative, got -1');
    expect(() => nt.oneHot(ints(0, 3), 3)).toThrow('oneHot: class value 3 is out of range for numClasses 3');
    expect(() => nt.oneHot(ints())).toThrow(
      'oneHot: cannot infer the number of classes from an empty tensor',
    );
  });
});
