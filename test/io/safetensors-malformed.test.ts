// @file io.deserialize on malformed input: every defect is a FormatError that says what is wrong, never a crash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import * as io from '../../src/io/index.js';
import { tensor, zeros } from '../../src/tensor/create.js';
import { craft, expectFormatError } from './helpers.js';

const entry = (dtype: string, shape: unknown, offsets: unknown) => ({ dtype, shape, data_offsets: offsets });
const bytes = (n: number) => new Uint8Array(n);

/** A small valid file with every dtype, metadata, a 0-d and an empty tensor. */
const VALID = io.serialize(
  {
    'fc.weight': tensor([1, -2, 3.5, NaN], { shape: [2, 2] }),
    'fc.bias': tensor([0.5, 0.25], { dtype: 'float64' }),
    ids: tensor(new Int32Array([1, -1, 7])),
    mask: tensor([true, false]),
    scalar: tensor(new Float32Array([4]), { shape: [] }),
    empty: zeros([0, 2]),
  },
  { format: 'pt', note: 'ok' },
);

/** decode or FormatError: anything else (TypeError, RangeError, a hang) fails the test. */
function decodesOrFormatError(file: Uint8Array): void {
  try {
    io.deserialize(file);
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
  }
}

describe('sizes', () => {
  it('refuses inputs shorter than 8 bytes', () => {
    for (let n = 0; n < 8; n++)
      expectFormatError(() => io.deserialize(bytes(n)), new RegExp(`input is ${n} bytes`));
  });

  it('refuses a header length above 100,000,000 bytes before allocating anything', () => {
    expectFormatError(() => io.deserialize(craft('{}', [], 100_000_001n)), /header length 100000001 exceeds/);
    expectFormatError(() => io.deserialize(craft('{}', [], 2n ** 64n - 1n)), /18446744073709551615 exceeds/);
    expectFormatError(() => io.deserialize(craft('{}', [], 2n ** 32n)), /4294967296 exceeds/);
  });

  it('refuses a header length past the end of the input', () => {
    expectFormatError(
      () => io.deserialize(craft('{}', [], 3n)),
      /header length 3 runs past the end .*10 bytes/,
    );
  });

  it('refuses every truncation of a valid file, and any extension', () => {
    for (let n = 0; n < VALID.length; n++) expectFormatError(() => io.deserialize(VALID.subarray(0, n)));
    const longer = new Uint8Array(VALID.length + 1);
    longer.set(VALID);
    expectFormatError(() => io.deserialize(longer), /8 \+ N \+ last_end = \d+ ≠ input size/);
    expect(Object.keys(io.deserialize(VALID).tensors)).toHaveLength(6);
  });
});

describe('header text', () => {
  it('must be UTF-8', () => {
    const file = craft('{"a":1} ');
    for (const invalid of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]) {
      file.set(invalid, 10); // a lone 0xff, an overlong '/', an encoded surrogate
      expectFormatError(() => io.deserialize(file), /not valid UTF-8/);
    }
  });

  it('must be JSON (a byte-order mark is not)', () => {
    expectFormatError(() => io.deserialize(craft('{"a":')), /not valid JSON/);
    expectFormatError(() => io.deserialize(craft('')), /not valid JSON/);
    expectFormatError(() => io.deserialize(craft('\uFEFF{}')), /not valid JSON/);
    expectFormatError(() => io.deserialize(craft('{}\0\0\0\0\0\0')), /not valid JSON/);
  });

  it('must be an object', () => {
    for (const text of ['[]', 'null', '3', '"x"', 'true']) {
      expectFormatError(() => io.deserialize(craft(text)), /must be a JSON object/);
    }
  });

  it('must not repeat a key (JSON.parse would keep the last silently)', () => {
    const a = '{"dtype":"F32","shape":[1],"data_offsets":[0,4]}';
    const data = new Uint8Array(4);
    expectFormatError(
      () => io.deserialize(craft(`{"w":${a},"w":${a}}`, data)),
      /duplicate key "w" in the header/,
    );
    expectFormatError(() => io.deserialize(craft(`{"w":${a}, "\\u0077" :${a}}`, data)), /duplicate key "w"/);
    expectFormatError(
      () => io.deserialize(craft(`{"__metadata__":{},"w":${a},"__metadata__":{}}`, data)),
      /duplicate key "__metadata__"/,
    );
    expectFormatError(
      () => io.deserialize(craft(`{"__metadata__":{"k":"1","k":"2"}}`)),
      /duplicate key "k" inside "__metadata__"/,
    );
    expectFormatError(
      () =>
        io.deserialize(craft(`{"w":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, data)),
      /duplicate key "dtype" inside "w"/,
    );
    // The same key at different levels, or as a string value, is not a duplicate.
    const nested = `{"dtype":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":["dtype","shape"]}}`;
    expect(io.deserialize(craft(nested, data)).tensors.dtype!.shape).toEqual([1]);
  });
});

describe('entries', () => {
  const f4 = new Uint8Array(4);
  const cases: [string, unknown, Uint8Array, RegExp][] = [
    ['not an object', { w: [1, 2] }, f4, /entry "w" must be an object/],
    ['null', { w: null }, f4, /entry "w" must be an object/],
    ['missing dtype', { w: { shape: [1], data_offsets: [0, 4] } }, f4, /"w" is missing the field "dtype"/],
    ['missing shape', { w: { dtype: 'F32', data_offsets: [0, 4] } }, f4, /missing the field "shape"/],
    ['missing offsets', { w: { dtype: 'F32', shape: [1] } }, f4, /missing the field "data_offsets"/],
    [
      'dtype not a string',
      { w: entry(7 as unknown as string, [1], [0, 4]) },
      f4,
      /dtype must be a string, got 7/,
    ],
    ['unknown dtype', { w: entry('F33', [1], [0, 4]) }, f4, /unknown dtype "F33"/],
    ['unsupported dtype', { w: entry('U8', [4], [0, 4]) }, f4, /dtype U8, which neurite cannot load/],
    ['unsupported F8', { w: entry('F8_E4M3', [4], [0, 4]) }, f4, /dtype F8_E4M3/],
    [
      'shape not an array',
      { w: entry('F32', 1, [0, 4]) },
      f4,
      /shape must be an array of non-negative integers/,
    ],
    ['negative dim', { w: entry('F32', [-1], [0, 4]) }, f4, /shape must be .* got \[-1\]/],
    ['fractional dim', { w: entry('F32', [1.5], [0, 4]) }, f4, /shape must be/],
    ['string dim', { w: entry('F32', ['1'], [0, 4]) }, f4, /shape must be .* got \["1"\]/],
    ['nested dim', { w: entry('F32', [[1]], [0, 4]) }, f4, /shape must be/],
    ['unsafe dim', { w: entry('F32', [2 ** 53], [0, 4]) }, f4, /shape must be/],
    ['one offset', { w: entry('F32', [1], [0]) }, f4, /data_offsets must be \[begin, end\]/],
    ['three offsets', { w: entry('F32', [1], [0, 4, 8]) }, f4, /data_offsets must be/],
    ['negative offset', { w: entry('F32', [1], [-4, 0]) }, f4, /data_offsets must be/],
    ['string offsets', { w: entry('F32', [1], ['0', '4']) }, f4, /data_offsets must be/],
    ['offsets object', { w: entry('F32', [1], { begin: 0 }) }, f4, /data_offsets must be .* an object/],
    ['end before begin', { w: entry('F32', [0], [4, 0]) }, f4, /\[4, 0\] end before they begin/],
    [
      'out of range',
      { w: entry('F32', [2], [0, 8]) },
      f4,
      /\[0, 8\] are out of range \(the data buffer holds 4 bytes\)/,
    ],
    ['size mismatch', { w: entry('F32', [2], [0, 4]) }, f4, /hold 4 bytes but F32 \[2\] needs 2 × 4 = 8/],
    ['size mismatch I64', { w: entry('I64', [1], [0, 4]) }, f4, /needs 1 × 8 = 8/],
    [
      'overflowing shape',
      { w: entry('F32', [2 ** 40, 2 ** 40, 0], [0, 0]) },
      new Uint8Array(0),
      /is too large/,
    ],
    [
      'overlap',
      { a: entry('F32', [2], [0, 8]), b: entry('F32', [1], [4, 8]) },
      new Uint8Array(8),
      /tensors "a" and "b" overlap \(data_offsets \[0, 8\] and \[4, 8\]\)/,
    ],
    [
      'same offsets',
      { a: entry('F32', [1], [0, 4]), b: entry('F32', [1], [0, 4]) },
      f4,
      /"a" and "b" overlap|"b" and "a" overlap/,
    ],
    [
      'gap',
      { a: entry('F32', [1], [0, 4]), b: entry('F32', [1], [8, 12]) },
      new Uint8Array(12),
      /bytes \[4, 8\) of the data buffer belong to no tensor \(a gap before "b"/,
    ],
    ['not from 0', { a: entry('F32', [1], [4, 8]) }, new Uint8Array(8), /bytes \[0, 4\) .* before "a"/],
    [
      'trailing bytes',
      { a: entry('F32', [1], [0, 4]) },
      new Uint8Array(6),
      /cover 4 bytes of data but 6 follow/,
    ],
    ['no tensors, trailing bytes', {}, new Uint8Array(1), /cover 0 bytes of data but 1 follow/],
    [
      'metadata not an object',
      { __metadata__: ['a'] },
      new Uint8Array(0),
      /"__metadata__" must be an object/,
    ],
    ['metadata a string', { __metadata__: 'x' }, new Uint8Array(0), /"__metadata__" must be an object/],
    [
      'metadata value number',
      { __metadata__: { epoch: 3 } },
      new Uint8Array(0),
      /value for "epoch" must be a string, got 3/,
    ],
    [
      'metadata value null',
      { __metadata__: { k: null } },
      new Uint8Array(0),
      /value for "k" must be a string, got null/,
    ],
  ];
  for (const [name, header, data, pattern] of cases) {
    it(name, () => {
      expectFormatError(() => io.deserialize(craft(header as object, data)), pattern);
    });
  }

  it('errors name the op', () => {
    expect(expectFormatError(() => io.deserialize(bytes(3))).message).toMatch(/^io\.deserialize: /);
  });
});

describe('fuzz: any corruption decodes or throws FormatError, never anything else', () => {
  const headerEnd = 8 + Number(new DataView(VALID.buffer).getBigUint64(0, true));

  it('random byte mutations anywhere', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: VALID.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (mutations) => {
          const file = VALID.slice();
          for (const [at, value] of mutations) file[at] = value;
          decodesOrFormatError(file);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('mutations of the length and header bytes, with truncation or extension', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: headerEnd - 1 }), fc.integer({ min: 0, max: 255 })), {
          maxLength: 4,
        }),
        fc.integer({ min: -16, max: 16 }),
        (mutations, resize) => {
          const file = new Uint8Array(Math.max(0, VALID.length + resize));
          file.set(VALID.subarray(0, file.length));
          for (const [at, value] of mutations) file[at] = value;
          decodesOrFormatError(file);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('JSON-level mutations: printable characters swapped into the header', () => {
    const alphabet = '{}[]",:0123456789-.eE \\uFabcdt_';
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: headerEnd - 9 }), fc.constantFrom(...alphabet)), {
          minLength: 1,
          maxLength: 3,
        }),
        (mutations) => {
          const file = VALID.slice();
          for (const [at, char] of mutations) file[8 + at] = char.charCodeAt(0);
          decodesOrFormatError(file);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('random JSON headers and random entries over random data', () => {
    const dtype = fc.constantFrom('F32', 'F64', 'I32', 'BOOL', 'I64', 'F16', 'BF16', 'U8', 'X');
    const dim = fc.oneof(fc.nat({ max: 4 }), fc.integer(), fc.double(), fc.string());
    const tensorEntry = fc.record(
      {
        dtype: fc.oneof(dtype, fc.jsonValue()),
        shape: fc.oneof(fc.array(dim, { maxLength: 4 }), fc.jsonValue()),
        data_offsets: fc.oneof(fc.tuple(fc.nat({ max: 64 }), fc.nat({ max: 64 })), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const header = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(
        fc.oneof(fc.string(), fc.constant('__metadata__')),
        fc.oneof(tensorEntry, fc.jsonValue()),
      ),
    );
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 64 }), (value, data) => {
        decodesOrFormatError(craft(JSON.stringify(value) ?? 'null', data));
      }),
      { numRuns: 3000 },
    );
  });

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (file) => decodesOrFormatError(file)),
      { numRuns: 2000 },
    );
  });
});
