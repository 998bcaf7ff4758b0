// @file Shape ops against PyTorch fixtures, gradcheck of every differentiable shape op, and error messages.
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
import { rejoin, SHAPE_RUNNERS } from './runners/shape.js';

goldenSuite('shape', SHAPE_RUNNERS);

describe('shape gradcheck (float64 central differences)', () => {
  const f64 = (...shape: number[]): Tensor => randn(shape, { dtype: 'float64' });
  // Multi-output ops are checked through a weighted rejoin so that every piece's gradient counts.
  const weighted = (pieces: Tensor[], dim: number): Tensor => rejoin(pieces, dim);
  const cases: [string, (...t: Tensor[]) => Tensor, () => Tensor[]][] = [
    ['cat', (a, b, c) => nt.cat([a!, b!, c!], 1), () => [f64(2, 3), f64(2, 1), f64(2, 2)]],
    ['stack', (a, b) => nt.stack([a!, b!], 1), () => [f64(2, 3), f64(2, 3)]],
    ['split', (x) => weighted(nt.split(x!, 2, 1), 1), () => [f64(3, 5)]],
    ['split sections', (x) => weighted(nt.split(x!, [1, 0, 3], 0), 0), () => [f64(4, 2)]],
    ['chunk', (x) => weighted(nt.chunk(x!, 3, -1), -1), () => [f64(2, 7)]],
    ['narrow', (x) => nt.narrow(x!, 1, -3, 2), () => [f64(3, 4)]],
    ['flip', (x) => nt.flip(x!, [0, 2]), () => [f64(2, 3, 4)]],
    ['repeat', (x) => nt.repeat(x!, [2, 1, 3]), () => [f64(2, 3)]],
    ['pad constant', (x) => nt.pad(x!, [1, -1, 2, 0], 'constant', 3), () => [f64(2, 3, 4)]],
    ['pad reflect', (x) => nt.pad(x!, [2, 1, 1, 2], 'reflect'), () => [f64(1, 2, 3, 4)]],
    ['pad replicate', (x) => nt.pad(x!, [3, 1], 'replicate'), () => [f64(2, 2, 3)]],
    ['pad circular', (x) => nt.pad(x!, [2, 3, -1, 1], 'circular'), () => [f64(1, 2, 3, 4)]],
    // A view shares its input's storage, which gradcheck's finite differences mis-read; multiplying copies it.
    ['reshape', (x) => nt.reshape(x!, [4, -1]).mul(2), () => [f64(2, 3, 2)]],
    ['permute', (x) => nt.permute(x!, [2, 0, 1]), () => [f64(2, 3, 4)]],
    ['expand', (x) => nt.expand(x!, [2, 3, 4]), () => [f64(3, 1)]],
  ];
  for (const [name, fn, make] of cases) {
    it(name, () => {
      nt.manualSeed(name.length);
      expect(gradcheck(fn, make())).toBe(true);
    });
  }
  it('second derivatives flow through narrow and pad (double backward)', () => {
    const x = f64(3, 4).requiresGrad_();
    const y = nt
      .pad(nt.narrow(x, 1, 1, 2), [1, 1])
      .pow(3)
      .sum();
    y.backward(undefined, { createGraph: true });
    const g = x.grad!;
    expect(g.requiresGrad).toBe(true);
    expect(gradcheck((t) => nt.pad(nt.narrow(t!, 0, 1, 2), [2, 0], 'reflect'), [f64(3, 4)])).toBe(true);
  });
});

describe('shape op behaviour', () => {
  it('cat skips legacy 1-D empty tensors and promotes dtypes', () => {
    expect(nt.cat([nt.zeros([0]), nt.ones([2, 3])], 1).shape).toEqual([2, 3]);
    expect(nt.cat([nt.ones([1, 2], { dtype: 'int32' }), nt.ones([1, 2])]).dtype).toBe('float32');
  });
  it('chunk follows torch.chunk sizing (fewer pieces than asked when sizes round up)', () => {
    expect(nt.chunk(nt.arange(6), 4).map((t) => t.shape[0])).toEqual([2, 2, 2]);
    expect(nt.chunk(nt.arange(5), 4).map((t) => t.shape[0])).toEqual([2, 2, 1]);
    expect(nt.chunk(nt.zeros([0]), 3).map((t) => t.shape[0])).toEqual([0, 0, 0]);
  });
  it('split by size leaves a smaller last piece and keeps integer dtypes', () => {
    const pieces = nt.split(nt.arange(7), 3);
    expect(pieces.map((t) => t.toArray())).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(pieces[0]!.dtype).toBe('int32');
  });
  it('flip and repeat work on bool tensors', () => {
    const b = tensor([true, false, false]);
    expect(nt.flip(b, 0).toArray()).toEqual([false, false, true]);
    expect(nt.repeat(b, [2]).toArray()).toEqual([true, false, false, true, false, false]);
  });
  it('repeat always copies, even with every size 1', () => {
    const x = tensor([1, 2]);
    const y = nt.repeat(x, [1, 1]);
    expect(y.shape).toEqual([1, 2]);
    expect(y.storage).not.toBe(x.storage);
  });
  it('pad with zero padding returns a copy, not the input', () => {
    const x = tensor([1, 2]);
    const y = nt.pad(x, [0, 0]);
    expect(y).not.toBe(x);
    expect(y.storage).not.toBe(x.storage);
  });
  it('repeated gradient of pad reflect folds back onto the mirrored sources', () => {
    const x = tensor([[[1, 2, 3]]], { requiresGrad: true });
    nt.pad(x, [2, 2], 'reflect').sum().backward();
    // reflect [1 2 3] by 2 → [3 2 1 2 3 2 1]: element 0 appears twice, 1 three times, 2 twice.
    expect(x.grad!.toArray()).toEqual([[[2, 3, 2]]]);
  });
  it('records one node per window op, named after the op', () => {
    const x = randn([3, 4], { requiresGrad: true });
    expect(nt.narrow(x, 0, 0, 2).gradFn?.toString()).toBe('NarrowBackward');
    expect(nt.flip(x, 0).gradFn?.toString()).toBe('FlipBackward');
    expect(nt.cat([x, x]).gradFn?.toString()).toBe('CatBackward');
  });
});

describe('shape op errors', () => {
  it('cat names both shapes when sizes differ', () => {
    expect(() => nt.cat([randn([2, 3]), randn([3, 4])])).toThrow(ShapeError);
    expect(() => nt.cat([randn([2, 3]), randn([3, 4])])).toThrow(
      'cat: shapes [2, 3] and [3, 4] cannot be joined along dim 0: sizes must match except in dim 0 (tensor 1 has size 4 at dim 1, expected 3)',
    );
    expect(() => nt.cat([randn([2, 3]), randn([3])])).toThrow(/cat: shapes \[2, 3\] and \[3\].*2 and 1 dims/);
    expect(() => nt.cat([])).toThrow(ValueError);
  });
  it('stack demands equal shapes', () => {
    expect(() => nt.stack([randn([2, 3]), randn([2, 4])])).toThrow(
      'stack: expects tensors of equal shape, got [2, 3] at entry 0 and [2, 4] at entry 1',
    );
  });
  it('split sections must add up to the dim size', () => {
    expect(() => nt.split(randn([5]), [2, 2])).toThrow(
      'split: split sizes [2, 2] must be non-negative integers adding up to 5, the size of dim 0 of shape [5]',
    );
    expect(() => nt.split(randn([5]), 0)).toThrow(ValueError);
    expect(() => nt.chunk(randn([5]), 0)).toThrow('chunk: chunks must be a positive integer, got 0');
  });
  it('narrow checks start and length', () => {
    expect(() => nt.narrow(randn([5]), 0, -6, 1)).toThrow(
      'narrow: start -6 is out of bounds for dim 0 with size 5 (expected -5 to 5)',
    );
    expect(() => nt.narrow(randn([2, 5]), 1, 3, 3)).toThrow(
      'narrow: start (3) + length (3) exceeds the size 5 of dim 1 (shape [2, 5])',
    );
    expect(() => nt.narrow(randn([2, 5]), 2, 0, 1)).toThrow(/narrow: dim 2 is out of range/);
  });
  it('flip rejects repeated dims and repeat rejects too few sizes', () => {
    expect(() => nt.flip(randn([2, 3]), [0, -2])).toThrow(/flip: dim 0 appears more than once/);
    expect(() => nt.repeat(randn([2, 3]), [2])).toThrow(
      "repeat: the number of repeat sizes (1) cannot be smaller than the tensor's 2 dims (shape [2, 3])",
    );
  });
  it('pad validates its arguments', () => {
    expect(() => nt.pad(randn([3]), [1])).toThrow('pad: padding length must be even, got [1]');
    expect(() => nt.pad(randn([3]), [1, 1, 1, 1])).toThrow(ShapeError);
    expect(() => nt.pad(randn([3, 5]), [-3, -3])).toThrow(
      'pad: padding (-3, -3) of dim 1 with size 5 gives a negative size (input shape [3, 5])',
    );
    expect(() => nt.pad(randn([1, 1, 5]), [5, 1], 'reflect')).toThrow(
      "pad: reflect padding must be smaller than the dim's size, got padding (5, 1) of dim 2 of shape [1, 1, 5]",
    );
    expect(() => nt.pad(randn([1, 1, 5]), [6, 1], 'circular')).toThrow(
      /pad: circular padding wraps around more than once/,
    );
    expect(() => nt.pad(randn([1, 1, 5]), [1, 1], 'reflect', 2)).toThrow(
      "pad: mode 'reflect' does not take a fill value (got 2)",
    );
    expect(() => nt.pad(randn([3]), [1, 1], 'wrap' as nt.PadMode)).toThrow(/pad: unknown mode 'wrap'/);
  });
  it('index tensors elsewhere must be int32', () => {
    expect(() => nt.indexSelect(randn([3]), 0, tensor([0]))).toThrow(DTypeError);
  });
});
