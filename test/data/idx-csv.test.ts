// @file IDX parsing (and Fashion-MNIST when Debian's package is installed) and CSV loading with clear errors.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FormatError, NeuriteError, ValueError } from '../../src/index.js';
import { FASHION_MNIST_DIR, fashionMnist } from '../../src/data/datasets/fashion-mnist.js';
import { parseIdx } from '../../src/data/datasets/idx.js';
import { readIdx } from '../../src/data/datasets/idx-file.js';

function idx(shape: number[], data: number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  header.set([0, 0, 8, shape.length]);
  const view = new DataView(header.buffer);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return new Uint8Array([...header, ...data]);
}

describe('IDX', () => {
  it('parses shape and bytes, gzipped or not', () => {
    const bytes = idx([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(parseIdx(bytes)).toEqual({ shape: [2, 3], data: new Uint8Array([1, 2, 3, 4, 5, 6]) });
    const dir = mkdtempSync(join(tmpdir(), 'idx-'));
    writeFileSync(join(dir, 'a.gz'), gzipSync(bytes));
    expect(readIdx(join(dir, 'a.gz')).shape).toEqual([2, 3]);
  });

  it('refuses bad magic, types and sizes with FormatError', () => {
    expect(() => parseIdx(new Uint8Array([1, 0, 8, 1]))).toThrow(FormatError);
    expect(() => parseIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]))).toThrow(
      /only unsigned bytes/,
    );
    expect(() => parseIdx(idx([2, 3], [1, 2, 3]))).toThrow(/needs 6 bytes of data, the file has 3/);
    expect(() => parseIdx(new Uint8Array([0, 0]))).toThrow(FormatError);
  });

  it('explains how to get Fashion-MNIST when the files are missing', () => {
    expect(() => fashionMnist({ dir: '/nonexistent' })).toThrow(NeuriteError);
    expect(() => fashionMnist({ dir: '/nonexistent' })).toThrow(/apt-get install dataset-fashion-mnist/);
  });

  it.skipIf(!existsSync(FASHION_MNIST_DIR))('loads Fashion-MNIST from the Debian package', () => {
    const test = fashionMnist({ split: 'test', limit: 100 });
    expect(test.length).toBe(100);
    const [x, y] = test.tensors;
    expect(x.shape).toEqual([100, 784]);
    expect(y.dtype).toBe('int32');
    expect(Math.max(...x.storage)).toBeLessThanOrEqual(1);
    expect(fashionMnist({ split: 'test', limit: 2, layout: 'image' }).tensors[0].shape).toEqual([
      2, 1, 28, 28,
    ]);
  });
});

// The CSV reader's tests are in test/data/datasets/csv.test.ts and csv.fuzz.test.ts.
