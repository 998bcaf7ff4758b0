// @file io.save / io.load: files on disk, fixtures written with PyTorch, atomic replacement.
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FormatError, ValueError } from '../../src/errors.js';
import * as io from '../../src/node/io.js';
import { tensor, zeros } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectFormatError, hexOf } from './helpers.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'safetensors');

interface Expected {
  writer: string;
  files: Record<
    string,
    {
      metadata: Record<string, string>;
      tensors: Record<string, { dtype: string; shape: number[]; values: (number | string)[]; hex: string }>;
    }
  >;
}
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Expected;

function decodeNumber(v: number | string): number {
  return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number);
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'neurite-io-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe(`fixtures written with PyTorch (${expected.writer})`, () => {
  for (const name of ['model', 'dtypes', 'half', 'int64']) {
    it(`${name}.safetensors loads with PyTorch's values, bit for bit`, () => {
      const want = expected.files[name]!;
      const { tensors, metadata } = io.load(join(FIXTURES, `${name}.safetensors`));
      expect(metadata).toEqual(want.metadata);
      expect(Object.keys(tensors).sort()).toEqual(Object.keys(want.tensors).sort());
      for (const [key, spec] of Object.entries(want.tensors)) {
        const t = tensors[key]!;
        expect(t.dtype, key).toBe(spec.dtype);
        expect(t.shape, key).toEqual(spec.shape);
        expect(hexOf(t.storage), key).toBe(spec.hex);
        const values = Array.from(t.storage, Number);
        expect(values, key).toEqual(spec.values.map(decodeNumber));
      }
    });
  }

  it('load and deserialize agree on every fixture', () => {
    for (const name of ['model', 'dtypes', 'half', 'int64']) {
      const path = join(FIXTURES, `${name}.safetensors`);
      const fromFile = io.load(path);
      const fromBytes = io.deserialize(readFileSync(path));
      expect(Object.keys(fromFile.tensors)).toEqual(Object.keys(fromBytes.tensors));
      for (const key of Object.keys(fromFile.tensors)) {
        expect(hexOf(fromFile.tensors[key]!.storage)).toBe(hexOf(fromBytes.tensors[key]!.storage));
      }
    }
  });

  it('re-serializing a PyTorch-written F32/F64/I32/BOOL file reproduces it byte for byte', () => {
    for (const name of ['model', 'dtypes']) {
      const original = readFileSync(join(FIXTURES, `${name}.safetensors`));
      const { tensors, metadata } = io.deserialize(original);
      expect(Buffer.from(io.serialize(tensors, metadata)).equals(original), name).toBe(true);
    }
  });

  it('refuses an I64 value outside int32 and an unsupported dtype, naming the file', () => {
    const overflow = join(FIXTURES, 'int64_overflow.safetensors');
    expectFormatError(
      () => io.load(overflow),
      /int64_overflow\.safetensors: tensor "big" \(I64\) holds 2147483648/,
    );
    expectFormatError(() => io.load(join(FIXTURES, 'uint8.safetensors')), /"pixels" has dtype U8/);
  });
});

describe('save and load', () => {
  it('round-trips tensors and metadata through a file', () => {
    const path = join(dir, 'model.safetensors');
    const dict = {
      '0.weight': tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] }),
      '0.bias': tensor([0.5, -0.5, NaN], { dtype: 'float64' }),
      steps: tensor(new Int32Array([42]), { shape: [] }),
      mask: tensor([true, false]),
      empty: zeros([0]),
    };
    io.save(dict, path, { metadata: { epoch: '10' } });
    const { tensors, metadata } = io.load(path);
    expect(metadata).toEqual({ epoch: '10' });
    for (const [key, t] of Object.entries(dict)) {
      expect(tensors[key]!.dtype).toBe(t.dtype);
      expect(tensors[key]!.shape).toEqual(t.shape);
      expect(hexOf(tensors[key]!.storage)).toBe(hexOf(t.storage));
    }
    expect(Buffer.from(io.serialize(dict, { epoch: '10' })).equals(readFileSync(path))).toBe(true);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('gives every loaded tensor storage of its own', () => {
    const path = join(dir, 'm.safetensors');
    io.save({ a: tensor([1, 2]), b: tensor([3, 4]) }, path);
    const { tensors } = io.load(path);
    expect(tensors.a!.storage.buffer).not.toBe(tensors.b!.storage.buffer);
    tensors.a!.storage[0] = 9;
    expect(tensors.b!.toArray()).toEqual([3, 4]);
  });

  it('reports malformed files with their path; missing files with the system error', () => {
    const path = join(dir, 'broken.safetensors');
    const good = io.serialize({ w: tensor([1, 2, 3]) });
    for (const length of [0, 5, 8, 20, good.length - 1]) {
      writeFileSync(path, good.subarray(0, length));
      const error = expectFormatError(() => io.load(path));
      expect(error.message.startsWith(`io.load: ${path}: `)).toBe(true);
    }
    expectFormatError(() => io.load(dir), /not a regular file/);
    expect(() => io.load(join(dir, 'missing.safetensors'))).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
  });

  it('does not allocate what a lying header claims: a 1 GB tensor in a 100-byte file is refused', () => {
    const path = join(dir, 'liar.safetensors');
    const header = JSON.stringify({ w: { dtype: 'F32', shape: [2 ** 28], data_offsets: [0, 2 ** 30] } });
    const file = Buffer.alloc(8 + header.length + 16);
    file.writeBigUInt64LE(BigInt(header.length));
    file.write(header, 8);
    writeFileSync(path, file);
    expectFormatError(() => io.load(path), /out of range/);
  });
});

describe('atomic writes', () => {
  it('leaves an existing file intact, and no temporary file, when serialisation throws', () => {
    const path = join(dir, 'model.safetensors');
    io.save({ w: tensor([1, 2, 3]) }, path);
    const before = readFileSync(path);
    const bad = { w: tensor([4, 5, 6]), oops: [1, 2, 3] as unknown as Tensor };
    expect(() => io.save(bad, path)).toThrow(ValueError);
    expect(() => io.save({ w: tensor([1]) }, path, { metadata: { n: 1 as unknown as string } })).toThrow(
      ValueError,
    );
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('cleans up when the rename fails (the target is a directory)', () => {
    const target = join(dir, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'x');
    expect(() => io.save({ w: tensor([1]) }, target)).toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readdirSync(target)).toEqual(['keep']);
  });

  it('fails without side effects when the directory does not exist', () => {
    expect(() => io.save({ w: tensor([1]) }, join(dir, 'nope', 'm.safetensors'))).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('replaces an existing file on success and keeps its permissions', () => {
    const path = join(dir, 'model.safetensors');
    io.save({ w: tensor([1]) }, path);
    chmodSync(path, 0o600);
    io.save({ w: tensor([2]), b: tensor([3]) }, path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(io.load(path).tensors.w!.toArray()).toEqual([2]);
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('writeFileAtomic writes the chunks in order', () => {
    const path = join(dir, 'data.bin');
    io.writeFileAtomic(path, [new Uint8Array([1, 2]), new Uint8Array(0), new Uint8Array([3])]);
    expect(Array.from(readFileSync(path))).toEqual([1, 2, 3]);
  });

  it('a FormatError is never thrown by save', () => {
    expect(() => io.save({ w: 3 as unknown as Tensor }, join(dir, 'x'))).not.toThrow(FormatError);
  });
});
