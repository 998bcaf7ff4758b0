// @file Seeded fuzz of the safetensors reader on files: every mutation of a valid file loads correctly or is a FormatError.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import * as io from '../../src/io/index.js';
import { load } from '../../src/io/files.js';
import { tensor } from '../../src/tensor/create.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { readIndependently } from './helpers.js';

const SEED = 20261214;
const dir = mkdtempSync(join(tmpdir(), 'neurite-st-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VALID = io.serialize(
  {
    '0.weight': tensor([
      [0.5, -1.25, 3],
      [2, 0, -0],
    ]),
    '0.bias': tensor([1, 2]),
    steps: new Tensor(Int32Array.from([7, -3, 2 ** 31 - 1]), [3], 'int32'),
    mask: new Tensor(Uint8Array.from([1, 0, 1, 1]), [2, 2], 'bool'),
    scale: new Tensor(Float64Array.from([Math.PI]), [], 'float64'),
  },
  { format: 'pt', note: 'fuzz' },
);
const headerLength = Number(new DataView(VALID.buffer).getBigUint64(0, true));

/** The element values the independent reader sees, as neurite stores them (BOOL bytes → 0/1). */
function expectedValues(file: Uint8Array): Map<string, { dtype: string; shape: number[]; values: number[] }> {
  const read = readIndependently(file);
  const out = new Map<string, { dtype: string; shape: number[]; values: number[] }>();
  for (const [name, t] of Object.entries(read.tensors)) {
    out.set(name, { ...t, values: t.dtype === 'BOOL' ? t.values.map((v) => (v === 0 ? 0 : 1)) : t.values });
  }
  return out;
}

/**
 * Reads `file` through io.load (from disk) and io.deserialize: both must agree; a success must match the
 * independent reader wherever it knows the dtype, and never hold more tensor bytes than the file has.
 */
function loadsCorrectlyOrFormatError(file: Uint8Array, path: string): 'loaded' | 'refused' {
  writeFileSync(path, file);
  let fromDisk: ReturnType<typeof load> | undefined;
  let diskError: unknown;
  try {
    fromDisk = load(path);
  } catch (error) {
    diskError = error;
  }
  let inMemory: ReturnType<typeof io.deserialize> | undefined;
  try {
    inMemory = io.deserialize(file);
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
  }
  if (diskError !== undefined) {
    if (!(diskError instanceof FormatError)) throw diskError;
    expect(inMemory, 'deserialize accepted what load refused').toBeUndefined();
    return 'refused';
  }
  expect(inMemory, 'load accepted what deserialize refused').toBeDefined();
  const tensors = fromDisk!.tensors;
  let bytes = 0;
  for (const t of Object.values(tensors)) bytes += t.storage.byteLength;
  expect(bytes).toBeLessThanOrEqual(4 * file.byteLength); // F16/BF16 widen 2 → 4 bytes, nothing more
  const expected = expectedValues(file);
  for (const [name, t] of Object.entries(tensors)) {
    expect(Array.from(inMemory!.tensors[name]!.storage, Number)).toEqual(Array.from(t.storage, Number));
    const want = expected.get(name);
    expect(t.shape, name).toEqual(want?.shape ?? t.shape);
    if (want && ['F32', 'F64', 'I32', 'BOOL'].includes(want.dtype))
      expect(Array.from(t.storage, Number), name).toEqual(want.values);
  }
  return 'loaded';
}

describe(`safetensors files, seeded fuzz (seed ${SEED})`, () => {
  it('byte mutations anywhere, truncation and extension: a correct load or a FormatError', () => {
    const outcomes = { loaded: 0, refused: 0 };
    const path = join(dir, 'bytes.safetensors');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: VALID.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: -24, max: 24 }),
        (mutations, resize) => {
          const file = new Uint8Array(Math.max(0, VALID.length + resize));
          file.set(VALID.subarray(0, file.length));
          for (const [at, value] of mutations) if (at < file.length) file[at] = value;
          outcomes[loadsCorrectlyOrFormatError(file, path)]++;
        },
      ),
      { numRuns: 800, seed: SEED },
    );
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  it('numbers in the header replaced by edge values (huge shapes and offsets): never a huge allocation', () => {
    const text = new TextDecoder().decode(VALID.subarray(8, 8 + headerLength));
    const numbers = [...text.matchAll(/\d+/g)].map((m) => ({ at: m.index, length: m[0].length }));
    const edge = fc.constantFrom(
      '0',
      '1',
      '4294967295',
      '4294967296',
      '9007199254740991',
      '9007199254740993',
      '1e300',
      '-1',
      '1.5',
      '100000000000',
    );
    const outcomes = { loaded: 0, refused: 0 };
    const path = join(dir, 'numbers.safetensors');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: numbers.length - 1 }), edge), { minLength: 1, maxLength: 3 }),
        (replacements) => {
          let header = text;
          for (const [which, value] of [...replacements].sort((a, b) => b[0] - a[0])) {
            const { at, length } = numbers[which]!;
            header = header.slice(0, at) + value + header.slice(at + length);
          }
          const json = new TextEncoder().encode(header);
          const file = new Uint8Array(8 + json.length + (VALID.length - 8 - headerLength));
          new DataView(file.buffer).setBigUint64(0, BigInt(json.length), true);
          file.set(json, 8);
          file.set(VALID.subarray(8 + headerLength), 8 + json.length);
          outcomes[loadsCorrectlyOrFormatError(file, path)]++;
        },
      ),
      { numRuns: 600, seed: SEED },
    );
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  it('header characters swapped for JSON punctuation, and deep nesting: a correct load or a FormatError', () => {
    const path = join(dir, 'json.safetensors');
    const alphabet = '{}[]",:0123456789-.eE \\uFIBt_';
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: headerLength - 1 }), fc.constantFrom(...alphabet)), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat({ max: 300 }),
        (mutations, nesting) => {
          const file = VALID.slice();
          for (const [at, char] of mutations) file[8 + at] = char.charCodeAt(0);
          loadsCorrectlyOrFormatError(file, path);
          // The same header wrapped in `nesting` arrays: refused by depth from 128 levels on, never recursed into.
          const header = new TextDecoder().decode(file.subarray(8, 8 + headerLength));
          const deep = new TextEncoder().encode('['.repeat(nesting) + header + ']'.repeat(nesting));
          const wrapped = new Uint8Array(8 + deep.length);
          new DataView(wrapped.buffer).setBigUint64(0, BigInt(deep.length), true);
          wrapped.set(deep, 8);
          const outcome = loadsCorrectlyOrFormatError(wrapped, path);
          if (nesting > 0) expect(outcome).toBe('refused');
        },
      ),
      { numRuns: 600, seed: SEED },
    );
  });

  it('the unmutated file loads (the fuzz starts from a valid file)', () => {
    expect(loadsCorrectlyOrFormatError(VALID, join(dir, 'valid.safetensors'))).toBe('loaded');
  });
});
