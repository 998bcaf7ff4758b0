// @file Flatten and Unflatten: shapes, −1 inference, printing and errors.
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, nn, randn } from '../../src/index.js';

describe('Flatten', () => {
  it('merges startDim…endDim, keeping the batch dim by default', () => {
    expect(new nn.Flatten().forward(randn([2, 3, 4, 5])).shape).toEqual([2, 60]);
    expect(new nn.Flatten(0, 2).forward(randn([2, 3, 4, 5])).shape).toEqual([24, 5]);
    expect(new nn.Flatten(1, -2).forward(randn([2, 3, 4, 5])).shape).toEqual([2, 12, 5]);
    expect(new nn.Flatten(0, 2).toString()).toBe('Flatten(start_dim=0, end_dim=2)');
    expect(() => new nn.Flatten(0.5)).toThrow(ValueError);
  });
});

describe('Unflatten', () => {
  it('splits one dim into several, inferring one −1', () => {
    expect(new nn.Unflatten(1, [3, 4]).forward(randn([2, 12])).shape).toEqual([2, 3, 4]);
    expect(new nn.Unflatten(-1, [2, -1]).forward(randn([5, 12])).shape).toEqual([5, 2, 6]);
    expect(new nn.Unflatten(0, [1]).forward(randn([1, 3])).shape).toEqual([1, 3]);
    expect(new nn.Unflatten(1, [5]).toString()).toBe('Unflatten(dim=1, unflattened_size=(5,))');
  });

  it('names the sizes, the dim and the input shape when they do not fit', () => {
    expect(() => new nn.Unflatten(1, [3, 5]).forward(randn([2, 12]))).toThrow(ShapeError);
    expect(() => new nn.Unflatten(1, [3, 5]).forward(randn([2, 12]))).toThrow(
      'Unflatten: sizes [3, 5] do not fit dim 1 of size 12 (input shape [2, 12])',
    );
    expect(() => new nn.Unflatten(1, [5, -1]).forward(randn([2, 12]))).toThrow(ShapeError);
  });

  it('validates its arguments', () => {
    expect(() => new nn.Unflatten(1, [])).toThrow('Unflatten: unflattenedSize must not be empty');
    expect(() => new nn.Unflatten(1, [-1, -1])).toThrow(/only one size may be -1/);
    expect(() => new nn.Unflatten(1, [2.5])).toThrow(ValueError);
  });
});
