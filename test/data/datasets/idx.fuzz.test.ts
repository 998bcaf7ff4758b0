// @file Fuzz test of the IDX reader: seeded mutations of valid IDX bytes, plain and gzipped, parse to exactly what
// the header declares or fail with a FormatError naming the source; nothing else escapes, nothing inflates past the header.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../../src/errors.js';
import { parseIdx } from '../../../src/data/datasets/idx.js';
import { readIdx } from '../../../src/data/datasets/idx-file.js';

/** mulberry32: a small seeded generator, independent of the library's. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function validIdx(next: () => number): Uint8Array {
  const ndim = 1 + Math.floor(next() * 3);
  const shape = Array.from({ length: ndim }, () => Math.floor(next() * 5));
  const size = shape.reduce((p, d) => p * d, 1);
  const bytes = new Uint8Array(4 + 4 * ndim + size);
  bytes.set([0, 0, 8, ndim]);
  shape.forEach((d, i) => new DataView(bytes.buffer).setUint32(4 + 4 * i, d, false));
  for (let i = 4 + 4 * ndim; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
  return bytes;
}

/** One to four random edits: flip a byte, cut the end, append bytes, or set a header size to a huge value. */
function mutate(bytes: Uint8Array, next: () => number): Uint8Array {
  let out = bytes.slice();
  const edits = 1 + Math.floor(next() * 4);
  for (let e = 0; e < edits; e++) {
    const kind = Math.floor(next() * 4);
    if (kind === 0 && out.length > 0) out[Math.floor(next() * out.length)] = Math.floor(next() * 256);
    else if (kind === 1) out = out.slice(0, Math.floor(next() * out.length));
    else if (kind === 2)
      out = Uint8Array.from([...out, ...Array.from({ length: 1 + Math.floor(next() * 8) }, () => 255)]);
    else if (out.length >= 8) new DataView(out.buffer).setUint32(4, Math.floor(next() * 2 ** 32), false);
  }
  return out;
}

/** The parse is either exact (the elements the header declares) or a FormatError naming `name`. */
function checkOutcome(read: () => { shape: number[]; data: Uint8Array }, name: string): 'ok' | 'refused' {
  try {
    const { shape, data } = read();
    expect(data.length).toBe(shape.reduce((p, d) => p * d, 1));
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toContain(name);
    return 'refused';
  }
}

const dir = mkdtempSync(join(tmpdir(), 'neurite-idx-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('IDX fuzz', () => {
  it('parseIdx: 2,000 mutated byte strings parse exactly or raise a FormatError naming the source', () => {
    const next = random(14);
    const outcomes = { ok: 0, refused: 0 };
    for (let i = 0; i < 2000; i++) {
      const bytes = i % 10 === 0 ? validIdx(next) : mutate(validIdx(next), next);
      outcomes[checkOutcome(() => parseIdx(bytes, `sample ${i}`), `sample ${i}`)]++;
    }
    expect(outcomes.ok).toBeGreaterThan(200);
    expect(outcomes.refused).toBeGreaterThan(200);
  });

  it('readIdx: 300 mutated files, plain and gzipped (the gzip stream mutated too), behave the same', () => {
    const next = random(15);
    const outcomes = { ok: 0, refused: 0 };
    for (let i = 0; i < 300; i++) {
      const zipped = i % 2 === 0;
      const idx = i % 4 === 0 ? validIdx(next) : mutate(validIdx(next), next);
      const bytes = zipped ? (next() < 0.5 ? mutate(gzipSync(idx), next) : gzipSync(idx)) : idx;
      const path = join(dir, `case-${i}${zipped ? '.gz' : ''}`);
      writeFileSync(path, bytes);
      outcomes[checkOutcome(() => readIdx(path, { maxBytes: 1 << 20 }), path)]++;
    }
    expect(outcomes.ok).toBeGreaterThan(30);
    expect(outcomes.refused).toBeGreaterThan(30);
  });
});
