// @file Tensor creation, properties and conversion: tensor(), zeros…eye, random tensors, item/toArray/dataSync.
import { describe, expect, it } from 'vitest';
import {
  ShapeError,
  ValueError,
  arange,
  eye,
  full,
  linspace,
  manualSeed,
  ones,
  onesLike,
  rand,
  randint,
  randn,
  randnLike,
  tensor,
  zeros,
  zerosLike,
} from '../../src/index.js';

describe('tensor()', () => {
  it('builds from nested arrays with float32 default, bool for booleans', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.ndim).toBe(2);
    expect(t.numel()).toBe(6);
    expect(t.size(-1)).toBe(3);
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor([1, 2], { dtype: 'int32' }).storage).toBeInstanceOf(Int32Array);
  });

  it('builds 0-d tensors from numbers and reads them with item()', () => {
    const t = tensor(3.5);
    expect(t.shape).toEqual([]);
    expect(t.item()).toBe(3.5);
    expect(t.toArray()).toBe(3.5);
    expect(() => tensor([1, 2]).item()).toThrow(/only a tensor with one element/);
  });

  it('copies typed arrays, taking their dtype and an explicit shape', () => {
    const data = new Float64Array([1, 2, 3, 4, 5, 6]);
    const t = tensor(data, { shape: [3, 2] });
    data[0] = 100;
    expect(t.dtype).toBe('float64');
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(() => tensor(new Float32Array(5), { shape: [2, 3] })).toThrow(ShapeError);
  });

  it('rejects ragged arrays and non-numbers with the op name', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/tensor: ragged nested array/);
    expect(() => tensor(['a'] as unknown as number[])).toThrow(ValueError);
  });

  it('dataSync returns a copy', () => {
    const t = tensor([1, 2]);
    const copy = t.dataSync();
    copy[0] = 9;
    expect(t.toArray()).toEqual([1, 2]);
  });

  it('stores values in int32 and bool as PyTorch does: truncation, an error instead of wrapping, bool(x) = x ≠ 0', () => {
    // torch.tensor([2.7, -2.7, 3e9], dtype=torch.int32) raises "value cannot be converted to type int without overflow".
    expect(tensor([2.7, -2.7, 2147483647], { dtype: 'int32' }).toArray()).toEqual([2, -2, 2147483647]);
    expect(() => tensor([1, 3e9], { dtype: 'int32' })).toThrow(
      /tensor: value 3000000000 cannot be converted to int32/,
    );
    expect(() => tensor(new Float32Array([NaN]), { dtype: 'int32' })).toThrow(ValueError);
    expect(() => tensor(new Float64Array([-3e9]), { dtype: 'int32' })).toThrow(
      /cannot be converted to int32/,
    );
    expect(() => full([2], 3e9, { dtype: 'int32' })).toThrow(
      /full: value 3000000000 cannot be converted to int32/,
    );
    expect(full([2], -7.9, { dtype: 'int32' }).toArray()).toEqual([-7, -7]);
    expect(full([2], 0.5, { dtype: 'bool' }).toArray()).toEqual([true, true]);
    expect(tensor(new Float32Array([0, 0.25, NaN, -1]), { dtype: 'bool' }).toArray()).toEqual([
      false,
      true,
      true,
      true,
    ]);
  });

  it('handles empty tensors', () => {
    const t = zeros([0, 3]);
    expect(t.numel()).toBe(0);
    expect(t.toArray()).toEqual([]);
    expect(t.sum().item()).toBe(0);
  });
});

describe('factories', () => {
  it('zeros, ones, full and *Like', () => {
    expect(zeros([2]).toArray()).toEqual([0, 0]);
    expect(ones([2], { dtype: 'int32' }).dtype).toBe('int32');
    expect(full([2, 1], 7).toArray()).toEqual([[7], [7]]);
    const x = tensor([1, 2], { dtype: 'float64' });
    expect(zerosLike(x).dtype).toBe('float64');
    expect(onesLike(x).toArray()).toEqual([1, 1]);
    expect(() => zeros([2, -1])).toThrow(ShapeError);
  });

  it('checks the size before allocating: a ValueError naming the op, shape, elements, bytes and limit', () => {
    expect(() => zeros([1e5, 1e5])).toThrow(ValueError);
    expect(() => zeros([1e5, 1e5])).toThrow(
      'zeros: shape [100000, 100000] has 10000000000 elements (40.0 GB as float32), above the limit of 4294967296 elements per tensor',
    );
    expect(() => randn([70000, 70000], { dtype: 'float64' })).toThrow(
      /^randn: shape \[70000, 70000\] has 4900000000 elements \(39\.2 GB as float64\)/,
    );
    expect(() => ones([65536, 65536, 2], { dtype: 'bool' })).toThrow(/^ones: .*8\.59 GB as bool/);
    expect(() => full([2 ** 33], 1)).toThrow(/^full: /);
    expect(() => eye(1e5)).toThrow(/^eye: /);
    expect(() => randint(0, 2, [1e6, 1e6])).toThrow(/^randint: /);
    expect(() => arange(0, 1e10, 1)).toThrow(/^arange: shape \[10000000000\]/);
  });

  it('arange follows torch.arange, int32 for integer arguments', () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(5).dtype).toBe('int32');
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(() => arange(0, 5, -1)).toThrow(ValueError);
    expect(() => arange(0, 5, 0)).toThrow(ValueError);
  });

  it('linspace includes both ends exactly', () => {
    const t = linspace(-1, 1, 5);
    expect(t.toArray()).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(linspace(0, 1, 1).toArray()).toEqual([0]);
    expect(linspace(0, 1, 0).numel()).toBe(0);
  });

  it('eye gives an identity (rectangular too)', () => {
    expect(eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(eye(2, 3).shape).toEqual([2, 3]);
  });
});

describe('random tensors', () => {
  it('are reproducible with manualSeed and differ between draws', () => {
    manualSeed(42);
    const a = randn([5]).toArray();
    const b = randn([5]).toArray();
    manualSeed(42);
    expect(randn([5]).toArray()).toEqual(a);
    expect(b).not.toEqual(a);
  });

  it('rand is in [0, 1), randn has mean 0 and std 1, randint is in [low, high)', () => {
    manualSeed(0);
    const u = rand([10000]);
    expect(Math.min(...u.storage)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u.storage)).toBeLessThan(1);
    expect(u.mean().item()).toBeCloseTo(0.5, 1);
    const n = randn([20000]);
    expect(n.mean().item()).toBeCloseTo(0, 1);
    expect(Math.sqrt(n.square().mean().item())).toBeCloseTo(1, 1);
    const i = randint(-3, 4, [1000]);
    expect(i.dtype).toBe('int32');
    expect(Math.min(...i.storage)).toBe(-3);
    expect(Math.max(...i.storage)).toBe(3);
    expect(() => randint(3, 3, [2])).toThrow(ValueError);
    expect(() => randn([2], { dtype: 'int32' })).toThrow(/randn: expected a floating-point dtype/);
  });

  it('randnLike keeps the shape and float dtype', () => {
    const t = randnLike(tensor([[1, 2]], { dtype: 'float64' }));
    expect(t.shape).toEqual([1, 2]);
    expect(t.dtype).toBe('float64');
  });
});
