// @file IDX parsing (and Fashion-MNIST when Debian's package is installed) and CSV loading with clear errors.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FormatError, NeuriteError, ValueError } from '../../src/index.js';
import { loadCsv, parseCsv } from '../../src/data/datasets/csv.js';
import { FASHION_MNIST_DIR, fashionMnist, parseIdx, readIdx } from '../../src/data/datasets/idx.js';

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

describe('CSV', () => {
  it('parses quotes, escaped quotes, CRLF and embedded newlines', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n"multi\nline",2\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', '2'],
    ]);
    expect(() => parseCsv('"open')).toThrow(/unterminated quoted field/);
  });

  it('infers classification for labels and small integer targets, regression for real targets', () => {
    const labels = loadCsv('h,w,kind\n1,2,cat\n3,4,dog\n5,6,cat\n', { text: true });
    expect(labels.task).toBe('classification');
    expect(labels.classNames).toEqual(['cat', 'dog']);
    expect(labels.tensors[1].toArray()).toEqual([0, 1, 0]);
    expect(labels.tensors[0].toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const reg = loadCsv('price,size,rooms\n1.5,2,3\n2.25,4,5\n', { text: true, target: 'price' });
    expect(reg.task).toBe('regression');
    expect(reg.featureNames).toEqual(['size', 'rooms']);
    expect(reg.tensors[1].shape).toEqual([2, 1]);
    expect(loadCsv('a,y\n1,0\n2,1\n', { text: true, task: 'regression' }).task).toBe('regression');
  });

  it('names the row and column of a non-numeric feature, and a missing target', () => {
    expect(() => loadCsv('a,b,y\n1,2,0\n3,x,1\n', { text: true })).toThrow(
      "row 3, column 'b': 'x' is not a number",
    );
    expect(() => loadCsv('a,y\n1,0\n', { text: true, target: 'z' })).toThrow(ValueError);
    expect(() => loadCsv('a,y\n1\n', { text: true })).toThrow(/row 2 has 1 fields/);
  });
});
