// @file Reading values: dataSync/toArray/item copy or refuse by backend capability; data()/array() work everywhere.
import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, registerBackend, setBackend } from '../../src/backend/index.js';
import { jsBackend } from '../../src/backend/js/index.js';
import type { TypedArray } from '../../src/tensor/dtype.js';
import { NeuriteError, tensor } from '../../src/index.js';

/** A backend whose kernels are js's but whose values reach the host only asynchronously, as on a GPU. */
const hostReads: TypedArray[] = [];
registerBackend({
  ...jsBackend,
  name: 'async-only',
  readsSync: false,
  read: async (storage) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    hostReads.push(storage);
    return storage.slice();
  },
});

const initial = getBackend();
afterEach(() => setBackend(initial));

describe('synchronous reads', () => {
  it('dataSync returns a copy: writing it leaves the tensor unchanged', () => {
    const t = tensor([1, 2, 3]);
    const values = t.dataSync();
    values[0] = 100;
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3]);
    expect(values).toBeInstanceOf(Float32Array);
  });

  it('toArray nests by shape, bools as booleans, 0-d as a number', () => {
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).toArray(),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensor([true, false]).toArray()).toEqual([true, false]);
    expect(tensor(2.5).toArray()).toBe(2.5);
  });

  it('item reads one element and refuses more', () => {
    expect(tensor([[7]]).item()).toBe(7);
    expect(() => tensor([1, 2]).item()).toThrow(/item: only a tensor with one element/);
  });
});

describe('asynchronous reads', () => {
  it('data() and array() give the same values as the sync forms', async () => {
    const t = tensor([
      [1.5, -2],
      [3, 4],
    ]);
    const values = await t.data();
    expect(Array.from(values)).toEqual(Array.from(t.dataSync()));
    values[0] = 9;
    expect(t.toArray()).toEqual([
      [1.5, -2],
      [3, 4],
    ]);
    expect(await t.array()).toEqual(t.toArray());
    expect(await tensor([true]).array()).toEqual([true]);
  });
});

describe('a backend that reads only asynchronously', () => {
  it('makes dataSync, toArray, item and printing throw an error naming the async form', () => {
    const t = tensor([1, 2, 3]);
    setBackend('async-only');
    expect(() => t.dataSync()).toThrow(NeuriteError);
    expect(() => t.dataSync()).toThrow(
      "dataSync: cannot read synchronously on backend 'async-only': use await t.data() or await t.array()",
    );
    expect(() => t.toArray()).toThrow(/^toArray: cannot read synchronously.*await t\.array\(\)/);
    expect(() => t.sum().item()).toThrow(/^item: cannot read synchronously.*await t\.data\(\)/);
    expect(() => String(t)).toThrow(/^toString: cannot read synchronously/);
  });

  it('answers data() and array() through its own read, after computing on it', async () => {
    setBackend('async-only');
    const y = tensor([
      [1, 2],
      [3, 4],
    ])
      .mul(2)
      .sum(1);
    const before = hostReads.length;
    expect(Array.from(await y.data())).toEqual([6, 14]);
    expect(await y.array()).toEqual([6, 14]);
    expect(hostReads.length).toBe(before + 2);
  });
});
