// @file io.serialize / io.deserialize: round trips, the writer's exact bytes and order, reading what others write.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/errors.js';
import * as io from '../../src/io/index.js';
import type { DType } from '../../src/tensor/dtype.js';
import { tensor, zeros } from '../../src/tensor/create.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { craft, expectFormatError, hexOf, raw, readIndependently } from './helpers.js';

const SHAPES = [[2, 3], [], [0], [0, 3], [2, 0, 4], [1, 1, 1, 5]];

function sample(dtype: DType, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) =>
    dtype === 'bool' ? i % 3 === 0 : ((i * 7919) % 97) - 48.5,
  );
  if (dtype === 'int32') return tensor(new Int32Array(values.map((v) => Math.trunc(Number(v)))), { shape });
  return tensor(values.length ? values : new Float32Array(0), { shape, dtype });
}

function f32FromBits(bits: number[]): Float32Array {
  return new Float32Array(new Uint32Array(bits).buffer);
}

describe('round trip', () => {
  for (const dtype of ['float32', 'float64', 'int32', 'bool'] as DType[]) {
    for (const shape of SHAPES) {
      it(`${dtype} ${JSON.stringify(shape)}`, () => {
        const original = sample(dtype, shape);
        const { tensors } = io.deserialize(io.serialize({ t: original }));
        const back = tensors.t!;
        expect(back.dtype).toBe(dtype);
        expect(back.shape).toEqual(shape);
        expect(hexOf(back.storage)).toBe(hexOf(original.storage));
        expect(back.storage.buffer).not.toBe(original.storage.buffer);
      });
    }
  }

  it('keeps float32 bit patterns: NaN payloads, ±Inf, −0, subnormals, extremes', () => {
    const bits = [
      0x7fc00000, 0xffc00000, 0x7fc00001, 0x7f800001, 0x7fbfffff, 0x7f800000, 0xff800000, 0x80000000,
      0x00000000, 0x00000001, 0x807fffff, 0x7f7fffff, 0xff7fffff, 0x3f800000,
    ];
    const t = raw(f32FromBits(bits));
    const back = io.deserialize(io.serialize({ t })).tensors.t!;
    expect(Array.from(new Uint32Array(back.storage.buffer))).toEqual(bits);
  });

  it('keeps float64 bit patterns', () => {
    const words = [0x7ff80000, 1, 0xfff00000, 0, 0x80000000, 0, 0, 1, 0x7fefffff, 0xffffffff];
    const storage = new Float64Array(
      new Uint32Array(words.flatMap((w, i) => (i % 2 ? [] : [words[i + 1]!, w]))).buffer,
    );
    const back = io.deserialize(io.serialize({ t: raw(storage) })).tensors.t!;
    expect(hexOf(back.storage)).toBe(hexOf(storage));
  });

  it('is bit-exact for any float32 bits and any names (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ unit: 'grapheme', maxLength: 12 }),
          fc.array(fc.integer({ min: 0, max: 0xffffffff })),
        ),
        (spec) => {
          const dict: Record<string, Tensor> = {};
          for (const [name, bits] of Object.entries(spec)) {
            if (name !== '__metadata__')
              Object.defineProperty(dict, name, { value: raw(f32FromBits(bits)), enumerable: true });
          }
          const { tensors } = io.deserialize(io.serialize(dict));
          expect(Object.keys(tensors).sort()).toEqual(Object.keys(dict).sort());
          for (const name of Object.keys(dict))
            expect(hexOf(tensors[name]!.storage)).toBe(hexOf(dict[name]!.storage));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips a state dict with PyTorch names and every dtype at once', () => {
    const dict = {
      '0.weight': sample('float32', [3, 2]),
      '0.bias': sample('float32', [3]),
      'bn.running_mean': sample('float64', [3]),
      'bn.num_batches_tracked': tensor(new Int32Array([7]), { shape: [] }),
      mask: sample('bool', [2, 2]),
    };
    const { tensors, metadata } = io.deserialize(io.serialize(dict));
    expect(metadata).toEqual({});
    for (const [name, t] of Object.entries(dict)) {
      expect(tensors[name]!.toArray()).toEqual(t.toArray());
      expect(tensors[name]!.dtype).toBe(t.dtype);
    }
  });

  it('round-trips metadata, including unicode, empty strings and awkward keys', () => {
    const metadata = { format: 'pt', note: 'ünïcödé ✓ 😀', empty: '', 'with "quotes"\n': 'a\\b' };
    Object.defineProperty(metadata, '__proto__', { value: 'not a prototype', enumerable: true });
    const back = io.deserialize(io.serialize({ w: zeros([2]) }, metadata)).metadata;
    expect(Object.entries(back)).toEqual(Object.entries(metadata));
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });

  it('returns {} without metadata and writes "__metadata__" only when given', () => {
    expect(new TextDecoder().decode(io.serialize({}))).not.toContain('__metadata__');
    expect(new TextDecoder().decode(io.serialize({}, {}))).toContain('"__metadata__":{}');
    expect(io.deserialize(io.serialize({})).metadata).toEqual({});
  });

  it('keeps a tensor named __proto__ as an own entry', () => {
    const dict = {};
    Object.defineProperty(dict, '__proto__', { value: tensor([1, 2]), enumerable: true });
    const { tensors } = io.deserialize(io.serialize(dict));
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
  });

  it('decodes from an ArrayBuffer and from a misaligned view, into fresh aligned storage', () => {
    const file = io.serialize({ a: tensor([1, 2, 3]), b: tensor([4, 5], { dtype: 'float64' }) });
    expect(io.deserialize(file.slice().buffer).tensors.a!.toArray()).toEqual([1, 2, 3]);
    const shifted = new Uint8Array(file.length + 3);
    shifted.set(file, 3);
    const view = shifted.subarray(3);
    const { tensors } = io.deserialize(view);
    expect(tensors.b!.toArray()).toEqual([4, 5]);
    shifted.fill(0);
    expect(tensors.a!.toArray()).toEqual([1, 2, 3]);
  });
  it('copies out of a pooled Node Buffer (Buffer#slice does not copy)', () => {
    const pooled = Buffer.from(io.serialize({ a: tensor([1, 2]) }));
    const t = io.deserialize(pooled).tensors.a!;
    pooled.fill(0);
    expect(t.toArray()).toEqual([1, 2]);
    expect(t.storage.byteLength).toBe(t.storage.buffer.byteLength);
  });
});

describe('writer', () => {
  it('pads the header with spaces to a multiple of 8 so the data starts 8-aligned', () => {
    for (let length = 0; length < 20; length++) {
      const file = io.serialize({ ['x'.repeat(length)]: tensor([1, 2], { dtype: 'float64' }) });
      const { headerLength, headerText } = readIndependently(file);
      expect(headerLength % 8).toBe(0);
      expect(headerText.trimEnd()).toMatch(/}$/);
      expect(headerText.slice(headerText.lastIndexOf('}') + 1)).toMatch(/^ {0,7}$/);
      expect(file.length).toBe(8 + headerLength + 16);
    }
  });

  it('sorts by dtype like the reference (F64, F32, I32, BOOL), then by name in code point order', () => {
    const dict = {
      b: tensor([1]),
      a: tensor([true]),
      c: tensor([1], { dtype: 'float64' }),
      d: tensor(new Int32Array([1])),
      A: tensor([1]),
      e: tensor([1]),
      '\u{1F600}': tensor([1]),
      '\uFFFD': tensor([1]),
      '': tensor(new Int32Array([2])),
    };
    const file = io.serialize(dict);
    const { order, headerText } = readIndependently(file);
    const expected = ['c', 'A', 'b', 'e', '\uFFFD', '\u{1F600}', '', 'd', 'a'];
    expect(order).toEqual(expected);
    const positions = expected.map((name) => headerText.indexOf(`${JSON.stringify(name)}:{`));
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
  });

  it('reproduces the reference implementation byte for byte (its own test vectors)', () => {
    const attn = tensor([0, 1, 2, 3, 4, 5], { shape: [1, 2, 3] });
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(Array.from(io.serialize({ 'attn.0': attn }))).toEqual([
      64,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...new TextEncoder().encode(header),
      0,
      0,
      0,
      0,
      0,
      0,
      128,
      63,
      0,
      0,
      0,
      64,
      0,
      0,
      64,
      64,
      0,
      0,
      128,
      64,
      0,
      0,
      160,
      64,
    ]);
    const padded = io.serialize({ attn0: attn.reshape(1, 1, 2, 3) });
    expect(padded.subarray(0, 8)).toEqual(new Uint8Array([72, 0, 0, 0, 0, 0, 0, 0]));
    expect(new TextDecoder().decode(padded.subarray(8, 80))).toBe(
      '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ',
    );
    expect(Array.from(io.serialize({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const withMetadata = io.serialize({}, { framework: 'pt' });
    expect(withMetadata[0]).toBe(40);
    expect(new TextDecoder().decode(withMetadata.subarray(8))).toBe(
      '{"__metadata__":{"framework":"pt"}}     ',
    );
  });

  it('is read back correctly by an independent DataView reader', () => {
    const special = f32FromBits([0x7fc00000, 0x7f800000, 0xff800000, 0x80000000, 1]);
    const file = io.serialize(
      {
        'layer.weight': tensor([1.5, -2.25, 3], { shape: [3, 1] }),
        special: raw(special),
        ids: tensor(new Int32Array([-2147483648, 2147483647, 0])),
        double: tensor([Math.PI, -0], { dtype: 'float64' }),
        mask: tensor([true, false, true]),
        scalar: tensor(new Float32Array([2.5]), { shape: [] }),
        empty: zeros([0, 4]),
      },
      { epoch: '3' },
    );
    const read = readIndependently(file);
    expect(read.metadata).toEqual({ epoch: '3' });
    expect(read.tensors['layer.weight']).toEqual({ dtype: 'F32', shape: [3, 1], values: [1.5, -2.25, 3] });
    expect(read.tensors.special!.values).toEqual([NaN, Infinity, -Infinity, -0, special[4]]);
    expect(read.tensors.ids).toEqual({ dtype: 'I32', shape: [3], values: [-2147483648, 2147483647, 0] });
    expect(read.tensors.double).toEqual({ dtype: 'F64', shape: [2], values: [Math.PI, -0] });
    expect(read.tensors.mask).toEqual({ dtype: 'BOOL', shape: [3], values: [1, 0, 1] });
    expect(read.tensors.scalar).toEqual({ dtype: 'F32', shape: [], values: [2.5] });
    expect(read.tensors.empty).toEqual({ dtype: 'F32', shape: [0, 4], values: [] });
  });

  it('writes bool storage as 0/1 bytes even if a byte is not', () => {
    const mask = new Tensor(new Uint8Array([0, 1, 7, 255]), [4], 'bool');
    expect(readIndependently(io.serialize({ mask })).tensors.mask!.values).toEqual([0, 1, 1, 1]);
    expect(Array.from(mask.storage)).toEqual([0, 1, 7, 255]);
  });

  it('refuses non-tensors, the reserved name and non-string metadata with a ValueError', () => {
    const bad = [
      () => io.serialize({ w: [1, 2] as unknown as Tensor }),
      () => io.serialize({ w: null as unknown as Tensor }),
      () => io.serialize({ __metadata__: tensor([1]) }),
      () => io.serialize({ w: tensor([1]) }, { epoch: 3 as unknown as string }),
      () => io.serialize({ w: tensor([1]) }, ['a'] as unknown as Record<string, string>),
      () => io.serialize(null as unknown as Record<string, Tensor>),
    ];
    for (const fn of bad) expect(fn).toThrow(ValueError);
    expect(bad[0]).toThrow(/value of "w" is not a Tensor/);
    expect(bad[3]).toThrow(/metadata value for "epoch" must be a string, got 3/);
  });
});

describe('reader accepts what the spec allows', () => {
  const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

  it('entries in any header order, sorted by offset, with extra fields ignored', () => {
    const file = craft(
      {
        b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        a: { dtype: 'F32', shape: [1], data_offsets: [0, 4], comment: 'ignored' },
      },
      f32([1, 2]),
    );
    const { tensors } = io.deserialize(file);
    expect(Object.keys(tensors)).toEqual(['a', 'b']);
    expect(tensors.b!.toArray()).toEqual([2]);
  });

  it('empty tensors sharing an offset, null metadata, whitespace padding', () => {
    const header =
      '{"__metadata__":null,"e1":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},' +
      '"x":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"e2":{"dtype":"I32","shape":[3,0],"data_offsets":[4,4]}}\n\t ';
    const { tensors, metadata } = io.deserialize(craft(header, f32([9])));
    expect(metadata).toEqual({});
    expect(tensors.x!.item()).toBe(9);
    expect(tensors.e2!.shape).toEqual([3, 0]);
  });

  it('non-zero BOOL bytes read as true', () => {
    const file = craft({ m: { dtype: 'BOOL', shape: [3], data_offsets: [0, 3] } }, [0, 2, 255]);
    expect(io.deserialize(file).tensors.m!.toArray()).toEqual([false, true, true]);
  });

  it('F16, BF16 → float32 and I64 → int32', () => {
    const half = new Uint8Array(
      new Uint16Array([0x3c00, 0xc100, 0x0001, 0x8000, 0x7c00, 0x7bff, 0x0400, 0x7e00]).buffer,
    );
    const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0xc049, 0xff80, 0x0001]).buffer);
    const i64 = new Uint8Array(new BigInt64Array([-(2n ** 31n), 2n ** 31n - 1n, -1n]).buffer);
    const file = craft(
      {
        h: { dtype: 'F16', shape: [8], data_offsets: [0, 16] },
        b: { dtype: 'BF16', shape: [2, 2], data_offsets: [16, 24] },
        i: { dtype: 'I64', shape: [3], data_offsets: [24, 48] },
      },
      [...half, ...bf16, ...i64],
    );
    const { tensors } = io.deserialize(file);
    expect(tensors.h!.dtype).toBe('float32');
    expect(tensors.h!.toArray()).toEqual([1, -2.5, 2 ** -24, -0, Infinity, 65504, 2 ** -14, NaN]);
    expect(tensors.b!.toArray()).toEqual([
      [1, -3.140625],
      [-Infinity, new Float32Array(new Uint32Array([0x00010000]).buffer)[0]],
    ]);
    expect(tensors.i!.dtype).toBe('int32');
    expect(tensors.i!.toArray()).toEqual([-(2 ** 31), 2 ** 31 - 1, -1]);
  });

  it('every float16 bit pattern converts to the float32 value it denotes', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const file = craft(
      { h: { dtype: 'F16', shape: [65536], data_offsets: [0, 131072] } },
      new Uint8Array(all.buffer),
    );
    const values = io.deserialize(file).tensors.h!.storage;
    for (let h = 0; h < 65536; h++) {
      const sign = h & 0x8000 ? -1 : 1;
      const exponent = (h >> 10) & 0x1f;
      const mantissa = h & 0x3ff;
      const expected =
        exponent === 0
          ? sign * mantissa * 2 ** -24
          : exponent === 31
            ? mantissa
              ? NaN
              : sign * Infinity
            : sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
      if (!Object.is(values[h], expected)) expect([h, values[h]]).toEqual([h, expected]);
    }
  });

  it('refuses an I64 value outside int32, naming it', () => {
    const file = craft(
      { i: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } },
      new Uint8Array(new BigInt64Array([1n, -(2n ** 31n) - 1n]).buffer),
    );
    expectFormatError(() => io.deserialize(file), /"i" \(I64\) holds -2147483649 at flat index 1/);
  });
});

describe('browser safety', () => {
  it('the byte-level modules import nothing from Node', () => {
    for (const file of ['safetensors.ts', 'header.ts']) {
      const source = readFileSync(new URL(`../../src/io/${file}`, import.meta.url), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, ''); // code only, not comments
      expect(source, file).not.toMatch(/from '(node:|fs|path|crypto|buffer)/);
      expect(source, file).not.toMatch(/\bBuffer\b|\bprocess\./);
    }
  });
});
