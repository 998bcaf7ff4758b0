// @file Embedding: lookup shapes, N(0, 1) init, the padding row, fromPretrained and errors.
import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError, manualSeed, nn, randn, tensor } from '../../src/index.js';

const F = nn.functional;
const ids = (data: number[] | number[][]) => tensor(data, { dtype: 'int32' });

describe('Embedding', () => {
  it('maps int32 indices of any shape to rows of the weight', () => {
    const emb = new nn.Embedding(10, 3);
    const out = emb.forward(
      ids([
        [1, 4],
        [4, 9],
      ]),
    );
    expect(out.shape).toEqual([2, 2, 3]);
    expect(Array.from(out.storage.subarray(3, 6))).toEqual(Array.from(emb.weight.storage.subarray(12, 15)));
    expect(emb.forward(ids([7])).shape).toEqual([1, 3]);
  });

  it('draws N(0, 1) weights from the seeded generator', () => {
    manualSeed(5);
    const emb = new nn.Embedding(1000, 10);
    const values = Array.from(emb.weight.storage);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.04);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    manualSeed(5);
    expect(Array.from(new nn.Embedding(1000, 10).weight.storage)).toEqual(values);
  });

  it('zeroes the padding row and gives it no gradient, while other rows accumulate', () => {
    const emb = new nn.Embedding(5, 2, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(4);
    expect(Array.from(emb.weight.storage.subarray(8, 10))).toEqual([0, 0]);
    emb
      .forward(ids([4, 1, 1, 4, 0]))
      .sum()
      .backward();
    expect(Array.from(emb.weight.grad!.storage)).toEqual([1, 1, 2, 2, 0, 0, 0, 0, 0, 0]);
    expect(emb.toString()).toBe('Embedding(5, 2, padding_idx=4)');
  });

  it('reads a padding row that was given values (as PyTorch does) but still does not train it', () => {
    const weight = randn([4, 2], { requiresGrad: true });
    const out = F.embedding(ids([2, 0]), weight, 2);
    expect(Array.from(out.storage.subarray(0, 2))).toEqual(Array.from(weight.storage.subarray(4, 6)));
    out.sum().backward();
    expect(Array.from(weight.grad!.storage)).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('fromPretrained copies the table and freezes it by default', () => {
    const table = randn([6, 3]);
    const frozen = nn.Embedding.fromPretrained(table);
    expect(Array.from(frozen.weight.storage)).toEqual(Array.from(table.storage));
    expect(frozen.weight.requiresGrad).toBe(false);
    expect(nn.Embedding.fromPretrained(table, { freeze: false }).weight.requiresGrad).toBe(true);
    expect(() => nn.Embedding.fromPretrained(randn([3]))).toThrow(ShapeError);
  });

  it('checks index dtype and range, and paddingIdx', () => {
    const emb = new nn.Embedding(10, 3);
    expect(() => emb.forward(tensor([1, 2]))).toThrow(DTypeError);
    expect(() => emb.forward(tensor([1, 2]))).toThrow('Embedding: expected int32 indices, got dtype float32');
    expect(() => emb.forward(ids([3, 12]))).toThrow(ValueError);
    expect(() => emb.forward(ids([3, 12]))).toThrow('Embedding: index 12 is out of range for 10 embeddings');
    expect(() => emb.forward(ids([-1]))).toThrow(/index -1 is out of range/);
    expect(() => new nn.Embedding(10, 3, { paddingIdx: 10 })).toThrow(
      'Embedding: paddingIdx must be an integer in [-10, 9] (within numEmbeddings 10), got 10',
    );
    expect(() => new nn.Embedding(-2, 3)).toThrow(ValueError);
    expect(() => F.embedding(ids([0]), randn([3]))).toThrow(ShapeError);
  });
});
