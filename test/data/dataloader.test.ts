// @file Tests of DataLoader: batch shapes, dropLast, shuffling (seeded, per epoch), collate, state, options.
import { describe, expect, it } from 'vitest';
import {
  Generator,
  Tensor,
  ValueError,
  arange,
  data,
  defaultGenerator,
  manualSeed,
  tensor,
} from '../../src/index.js';

/** A TensorDataset whose sample i is ([i, −i], i as int32). */
function numbered(n: number): data.TensorDataset<[Tensor, Tensor]> {
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) [x[2 * i], x[2 * i + 1]] = [i, -i];
  return new data.TensorDataset(tensor(x, { shape: [n, 2] }), arange(n));
}

/** The ids of every sample of one epoch, batch by batch. */
function epoch(loader: Iterable<[Tensor, Tensor]>): number[][] {
  return Array.from(loader, ([, y]) => Array.from(y.storage));
}

/** A dataset without getBatch: samples go through get() and defaultCollate. */
class Plain extends data.Dataset<[Tensor, number]> {
  constructor(readonly length: number) {
    super();
  }
  get(index: number): [Tensor, number] {
    return [tensor([index, 2 * index]), index];
  }
}

describe('DataLoader', () => {
  it('yields [x, y] batches of batchSize rows, the last one smaller, in order without shuffle', () => {
    const loader = new data.DataLoader(numbered(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = Array.from(loader);
    expect(batches.map(([x, y]) => [x.shape, y.shape])).toEqual([
      [[4, 2], [4]],
      [[4, 2], [4]],
      [[2, 2], [2]],
    ]);
    const [x, y] = batches[2]!;
    expect(x.dtype).toBe('float32');
    expect(y.dtype).toBe('int32');
    expect(x.toArray()).toEqual([
      [8, -8],
      [9, -9],
    ]);
    expect(epoch(loader)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('defaults to batches of one', () => {
    const loader = new data.DataLoader(numbered(3));
    expect(loader.length).toBe(3);
    expect(Array.from(loader, ([x]) => x.shape)).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
  });

  it('drops the incomplete last batch with dropLast', () => {
    const loader = new data.DataLoader(numbered(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect(epoch(loader)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect(new data.DataLoader(numbered(8), { batchSize: 4, dropLast: true }).length).toBe(2);
    expect(Array.from(new data.DataLoader(numbered(3), { batchSize: 4, dropLast: true }))).toEqual([]);
  });

  it('visits every sample exactly once per epoch when shuffling', () => {
    const loader = new data.DataLoader(numbered(37), { batchSize: 8, shuffle: true });
    for (let e = 0; e < 3; e++) {
      const ids = epoch(loader).flat();
      expect(ids).toHaveLength(37);
      expect([...ids].sort((a, b) => a - b)).toEqual([...Array(37).keys()]);
    }
  });

  it('keeps x and y rows together when shuffling', () => {
    for (const [x, y] of new data.DataLoader(numbered(20), { batchSize: 6, shuffle: true })) {
      const rows = x.toArray() as number[][];
      rows.forEach((row, b) => expect(row).toEqual([y.storage[b], -y.storage[b]!]));
    }
  });

  it('draws a new order each epoch, reproducible with manualSeed', () => {
    manualSeed(123);
    const loader = new data.DataLoader(numbered(30), { batchSize: 5, shuffle: true });
    const first = epoch(loader);
    const second = epoch(loader);
    expect(first).not.toEqual(second);
    expect(first.flat()).not.toEqual([...Array(30).keys()]);
    manualSeed(123);
    const again = new data.DataLoader(numbered(30), { batchSize: 5, shuffle: true });
    expect(epoch(again)).toEqual(first);
    expect(epoch(again)).toEqual(second);
    manualSeed(124);
    expect(epoch(new data.DataLoader(numbered(30), { batchSize: 5, shuffle: true }))).not.toEqual(first);
  });

  it('shuffles with a given generator, and its order does not depend on the global seed', () => {
    manualSeed(1);
    const a = epoch(
      new data.DataLoader(numbered(20), { batchSize: 4, shuffle: true, generator: new Generator(7) }),
    );
    manualSeed(2);
    const b = epoch(
      new data.DataLoader(numbered(20), { batchSize: 4, shuffle: true, generator: new Generator(7) }),
    );
    expect(a).toEqual(b);
  });

  it('saves and restores its shuffle state between epochs', () => {
    manualSeed(9);
    const loader = new data.DataLoader(numbered(25), { batchSize: 10, shuffle: true });
    epoch(loader);
    const saved = JSON.parse(JSON.stringify(loader.getState())) as data.DataLoaderState;
    const next = [epoch(loader), epoch(loader)];
    manualSeed(1000);
    const resumed = new data.DataLoader(numbered(25), { batchSize: 10, shuffle: true }).setState(saved);
    expect([epoch(resumed), epoch(resumed)]).toEqual(next);
    const unshuffled = new data.DataLoader(numbered(3));
    expect(unshuffled.getState()).toEqual({ generator: null });
    expect(() => unshuffled.setState(saved)).toThrow(ValueError);
  });

  it('leaves the global generator alone when not shuffling, and draws one seed from it when shuffling', () => {
    manualSeed(4);
    new data.DataLoader(numbered(5), { batchSize: 2 });
    expect(defaultGenerator.getState()).toEqual(new Generator(4).getState());
    const shuffled = new data.DataLoader(numbered(5), { batchSize: 2, shuffle: true });
    const reference = new Generator(4);
    const seed = reference.nextUint32();
    expect(defaultGenerator.getState()).toEqual(reference.getState());
    expect(shuffled.generator!.getState()).toEqual(new Generator(seed).getState());
  });

  it('reads samples with get() and defaultCollate for datasets without getBatch', () => {
    const loader = new data.DataLoader(new Plain(5), { batchSize: 2 });
    const [x, y] = Array.from(loader)[0]!;
    expect(x.toArray()).toEqual([
      [0, 0],
      [1, 2],
    ]);
    expect(y.toArray()).toEqual([0, 1]);
    expect(loader.length).toBe(3);
  });

  it('accepts any object with length and get', () => {
    const squares = { length: 4, get: (i: number) => tensor([i * i]) };
    const batches = Array.from(new data.DataLoader(squares, { batchSize: 3 }));
    expect(batches.map((b) => b.toArray())).toEqual([[[0], [1], [4]], [[9]]]);
  });

  it('calls a custom collate with the batch samples', () => {
    const seen: number[] = [];
    const loader = new data.DataLoader(numbered(5), {
      batchSize: 2,
      collate: (samples) => {
        seen.push(samples.length);
        return samples.map(([, y]) => y.item());
      },
    });
    const batches: number[][] = Array.from(loader);
    expect(batches).toEqual([[0, 1], [2, 3], [4]]);
    expect(seen).toEqual([2, 2, 1]);
  });

  it('iterates an empty dataset as zero batches', () => {
    const loader = new data.DataLoader(numbered(0), { batchSize: 4, shuffle: true });
    expect(loader.length).toBe(0);
    expect(Array.from(loader)).toEqual([]);
  });

  it('accepts empty options and rejects invalid ones, naming DataLoader and the value', () => {
    expect(new data.DataLoader(numbered(2), {}).batchSize).toBe(1);
    for (const batchSize of [0, -3, 2.5, Number.NaN]) {
      expect(() => new data.DataLoader(numbered(4), { batchSize })).toThrow(ValueError);
      expect(() => new data.DataLoader(numbered(4), { batchSize })).toThrow(
        `DataLoader: batchSize must be a positive integer, got ${batchSize}`,
      );
    }
    const bad = (options: object) => () => new data.DataLoader(numbered(4), options);
    expect(bad({ batch_size: 4 })).toThrow(/DataLoader: unknown option 'batch_size'/);
    expect(bad({ shuffle: 'yes' })).toThrow(/shuffle must be a boolean, got yes/);
    expect(bad({ dropLast: 1 })).toThrow(ValueError);
    expect(bad({ generator: 42 })).toThrow(/generator must be a Generator/);
    expect(bad({ collate: 'stack' })).toThrow(/collate must be a function/);
    // @ts-expect-error: a tensor is not a dataset
    expect(() => new data.DataLoader(arange(4))).toThrow(/DataLoader: expected a dataset/);
  });

  it('types batches of tensor datasets as tensor tuples', () => {
    const loader = new data.DataLoader(numbered(4), { batchSize: 2 });
    for (const [x, y] of loader) {
      const sum: Tensor = x.add(y.unsqueeze(1));
      expect(sum.shape).toEqual([2, 2]);
    }
  });
});
