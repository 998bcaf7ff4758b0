// @file Tests of defaultCollate: stacking tensors, numbers, nested tuples and objects, and its errors.
import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError, data, tensor, zeros } from '../../src/index.js';

describe('defaultCollate', () => {
  it('stacks tensors along a new first dim, keeping the dtype', () => {
    const batch = data.defaultCollate([tensor([1, 2]), tensor([3, 4]), tensor([5, 6])]);
    expect(batch.shape).toEqual([3, 2]);
    expect(batch.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const labels = data.defaultCollate([tensor(1, { dtype: 'int32' }), tensor(0, { dtype: 'int32' })]);
    expect(labels.shape).toEqual([2]);
    expect(labels.dtype).toBe('int32');
  });

  it('collates tuples position by position, numbers to float32, strings to arrays, objects by key', () => {
    const [x, y, names] = data.defaultCollate([
      [tensor([1, 2]), 0, 'a'] as const,
      [tensor([3, 4]), 1, 'b'] as const,
    ]);
    expect(x.shape).toEqual([2, 2]);
    expect(y.dtype).toBe('float32');
    expect(y.toArray()).toEqual([0, 1]);
    expect(names).toEqual(['a', 'b']);
    const batch = data.defaultCollate([
      { image: zeros([2, 2]), ok: true },
      { image: zeros([2, 2]), ok: false },
    ]);
    expect(batch.image.shape).toEqual([2, 2, 2]);
    expect(batch.ok.dtype).toBe('bool');
  });

  it('names the mismatch when samples differ', () => {
    expect(() => data.defaultCollate([zeros([2]), zeros([3])])).toThrow(ShapeError);
    expect(() => data.defaultCollate([zeros([2]), zeros([3])])).toThrow(/defaultCollate: .*\[2\].*\[3\]/);
    expect(() => data.defaultCollate([zeros([2]), zeros([2], { dtype: 'int32' })])).toThrow(DTypeError);
    expect(() => data.defaultCollate([[zeros([2])], [zeros([2]), 1]])).toThrow(ValueError);
    expect(() => data.defaultCollate([])).toThrow(ValueError);
    expect(() => data.defaultCollate([null, null])).toThrow(/collate function/);
  });
});
