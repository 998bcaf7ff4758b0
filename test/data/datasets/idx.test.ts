// @file IDX bytes and files: header checks, sizes checked before allocating, gzip bombs stopped at the declared size.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../../src/index.js';
import { parseIdx, parseIdxHeader } from '../../../src/data/datasets/idx.js';
import { readIdx } from '../../../src/data/datasets/idx-file.js';

const dir = mkdtempSync(join(tmpdir(), 'neurite-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An IDX header of unsigned bytes with `shape`. */
function header(shape: number[]): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * shape.length);
  bytes.set([0, 0, 8, shape.length]);
  const view = new DataView(bytes.buffer);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return bytes;
}

function idx(shape: number[], data: ArrayLike<number>): Uint8Array {
  const head = header(shape);
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('parseIdx', () => {
  it('reads the shape and the row-major bytes', () => {
    expect(parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 6]))).toEqual({
      shape: [2, 3],
      data: new Uint8Array([1, 2, 3, 4, 5, 6]),
    });
    expect(parseIdxHeader(header([300, 28, 28]))).toEqual({
      shape: [300, 28, 28],
      dataOffset: 16,
      dataLength: 300 * 28 * 28,
    });
  });

  it('refuses bad magic, element types, short headers and wrong sizes with a FormatError', () => {
    expect(() => parseIdx(new Uint8Array([1, 0, 8, 1]))).toThrow(/magic bytes 00 00/);
    expect(() => parseIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0]))).toThrow(/only unsigned bytes/);
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0]))).toThrow(/too short for its 3-dim header/);
    expect(() => parseIdx(idx([2, 3], [1, 2, 3]))).toThrow(/needs 6 bytes of data, the file has 3/);
    expect(() => parseIdx(new Uint8Array([0, 0]))).toThrow(FormatError);
  });
});

describe('readIdx', () => {
  it('reads plain and gzipped files alike', () => {
    const bytes = idx([2, 2], [9, 8, 7, 6]);
    expect(readIdx(file('plain-idx1-ubyte', bytes))).toEqual(parseIdx(bytes));
    expect(readIdx(file('zipped-idx1-ubyte.gz', gzipSync(bytes)))).toEqual(parseIdx(bytes));
  });

  it('stops inflating a gzip bomb at the size its header declares, and names the file', () => {
    // The header declares 300 images of 28×28 (235,216 bytes) but the stream inflates to 64 MiB: before the
    // fix the whole stream was inflated, then the length compared ("needs 235200 bytes, the file has …").
    const declared = 16 + 300 * 28 * 28;
    const bomb = new Uint8Array(64 * 2 ** 20);
    bomb.set(header([300, 28, 28]));
    const path = file('bomb-images-idx3-ubyte.gz', gzipSync(bomb, { level: 9 }));
    expect(() => readIdx(path)).toThrow(FormatError);
    expect(() => readIdx(path)).toThrow(
      `readIdx: ${path} inflates to more than the ${declared} bytes its header declares (shape [300, 28, 28]); stopped there`,
    );
  });

  it('refuses a declared size above maxBytes before inflating anything else', () => {
    const path = file('huge-idx3-ubyte.gz', gzipSync(header([60000, 1000, 1000])));
    expect(() => readIdx(path)).toThrow(
      `readIdx: ${path}: header shape [60000, 1000, 1000] declares 60000000016 bytes, more than the limit of ${2 ** 30}`,
    );
    const small = file('small-idx1-ubyte', idx([8], [0, 1, 2, 3, 4, 5, 6, 7]));
    expect(() => readIdx(small, { maxBytes: 10 })).toThrow(/is 16 bytes, more than the limit of 10/);
  });

  it('names the file in zlib errors: not gzip, or cut short', () => {
    const notGzip = file('not-gzip-idx1-ubyte.gz', idx([2], [1, 2]));
    expect(() => readIdx(notGzip)).toThrow(
      `readIdx: ${notGzip} is not a valid gzip file (incorrect header check)`,
    );
    const zipped = gzipSync(
      idx(
        [4000],
        new Uint8Array(4000).map((_, i) => (i * 7919) % 251),
      ),
    );
    const cut = file('cut-idx1-ubyte.gz', zipped.subarray(0, zipped.length - 100));
    expect(() => readIdx(cut)).toThrow(`readIdx: ${cut} is not a valid gzip file (unexpected end of file)`);
  });

  it('checks a plain file’s size against its header before reading the body', () => {
    const short = file('short-idx1-ubyte', idx([10], [1, 2, 3]));
    expect(() => readIdx(short)).toThrow(
      `readIdx: ${short}: header shape [10] needs 10 bytes of data, the file has 3`,
    );
    expect(() => readIdx(dir)).toThrow(`readIdx: ${dir} is not a regular file`);
  });
});
