// @file Tests of TensorDataset: rows, negative indices, batched fetches and the errors for bad inputs.
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, arange, data, tensor, zeros } from '../../src/index.js';

describe('TensorDataset', () => {
  const x = arange(0, 12, 1, { dtype: 'float32' }).reshape(4, 3);
  const y = tensor(new Int32Array([10, 11, 12, 13]));
  const ds = new data.TensorDataset(x, y);

  it('has the first dim as length and returns the i-th rows of every tensor', () => {
    expect(ds.length).toBe(4);
    const [xi, yi] = ds.get(2);
    expect(xi.shape).toEqual([3]);
    expect(xi.dtype).toBe('float32');
    expect(xi.toArray()).toEqual([6, 7, 8]);
    expect(yi.shape).toEqual([]);
    expect(yi.dtype).toBe('int32');
    expect(yi.item()).toBe(12);
  });

  it('counts negative indices from the end and rejects out-of-range ones', () => {
    expect(ds.get(-1)[1].item()).toBe(13);
    expect(() => ds.get(4)).toThrow(ValueError);
    expect(() => ds.get(-5)).toThrow(/out of range.*length 4/);
    expect(() => ds.get(1.5)).toThrow(ValueError);
  });

  it('returns copies: changing a sample leaves the dataset alone', () => {
    const [xi] = ds.get(0);
    xi.storage[0] = 99;
    expect(x.storage[0]).toBe(0);
  });

  it('getBatch copies the chosen rows, contiguous or not', () => {
    const [xb, yb] = ds.getBatch([3, 0, 3]);
    expect(xb.shape).toEqual([3, 3]);
    expect(xb.toArray()).toEqual([
      [9, 10, 11],
      [0, 1, 2],
      [9, 10, 11],
    ]);
    expect(yb.toArray()).toEqual([13, 10, 13]);
    const [xc] = ds.getBatch(new Int32Array([1, 2]));
    expect(xc.toArray()).toEqual([
      [3, 4, 5],
      [6, 7, 8],
    ]);
    xc.storage[0] = -1;
    expect(x.storage[3]).toBe(3);
  });

  it('keeps trailing dims of higher-rank tensors', () => {
    const images = zeros([5, 1, 2, 2]);
    const d = new data.TensorDataset(images);
    expect(d.get(0)[0].shape).toEqual([1, 2, 2]);
    expect(d.getBatch([0, 1])[0].shape).toEqual([2, 1, 2, 2]);
  });

  it('refuses tensors whose first dims differ, naming TensorDataset and the shapes', () => {
    expect(() => new data.TensorDataset(zeros([4, 2]), zeros([5]))).toThrow(ShapeError);
    expect(() => new data.TensorDataset(zeros([4, 2]), zeros([5]))).toThrow(
      /TensorDataset: .*\[4, 2\], \[5\]/,
    );
  });

  it('refuses no tensors, 0-d tensors and non-tensors', () => {
    expect(() => new data.TensorDataset()).toThrow(ValueError);
    expect(() => new data.TensorDataset(tensor(1))).toThrow(ShapeError);
    // @ts-expect-error: a plain array is not a tensor
    expect(() => new data.TensorDataset([1, 2, 3])).toThrow(/not a Tensor/);
  });

  it('allows an empty dataset', () => {
    const empty = new data.TensorDataset(zeros([0, 2]), zeros([0]));
    expect(empty.length).toBe(0);
    expect(() => empty.get(0)).toThrow(ValueError);
  });
});
