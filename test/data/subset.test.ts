// @file Tests of Subset: index mapping, validation, and batched fetches through the wrapped dataset.
import { describe, expect, it } from 'vitest';
import { Tensor, ValueError, arange, data, tensor } from '../../src/index.js';

class Squares extends data.Dataset<[Tensor, number]> {
  readonly length = 10;
  get(index: number): [Tensor, number] {
    return [tensor([index, index * index]), index];
  }
}

describe('Subset', () => {
  const ds = new data.TensorDataset(arange(0, 10, 1, { dtype: 'float32' }).reshape(10, 1));

  it('maps its indices into the dataset, in order, repeats allowed', () => {
    const sub = new data.Subset(ds, [7, 2, 2, -1]);
    expect(sub.length).toBe(4);
    expect(Array.from(sub.indices)).toEqual([7, 2, 2, 9]);
    expect(sub.get(0)[0].toArray()).toEqual([7]);
    expect(sub.get(3)[0].toArray()).toEqual([9]);
    expect(sub.get(-3)[0].toArray()).toEqual([2]);
  });

  it('checks indices where they enter', () => {
    expect(() => new data.Subset(ds, [0, 10])).toThrow(ValueError);
    expect(() => new data.Subset(ds, [0, 10])).toThrow(/Subset: index 10 is out of range/);
    expect(() => new data.Subset(ds, [0.5])).toThrow(ValueError);
    expect(() => new data.Subset(ds, [0]).get(1)).toThrow(ValueError);
  });

  it('fetches batches through the dataset getBatch, or by collating samples', () => {
    const sub = new data.Subset(ds, [4, 1, 8]);
    const [xb] = sub.getBatch([2, 0]);
    expect(xb.toArray()).toEqual([[8], [4]]);
    const custom = new data.Subset(new Squares(), [3, 5]);
    const [pairs, labels] = custom.getBatch([0, 1]);
    expect(pairs.toArray()).toEqual([
      [3, 9],
      [5, 25],
    ]);
    expect(labels.toArray()).toEqual([3, 5]);
  });

  it('nests', () => {
    const inner = new data.Subset(ds, [9, 8, 7, 6]);
    const outer = new data.Subset(inner, [3, 0]);
    expect(outer.get(0)[0].item()).toBe(6);
    expect(outer.getBatch([0, 1])[0].toArray()).toEqual([[6], [9]]);
  });
});
