// @file Fuzz test of the CSV reader: seeded mutations of valid CSV text parse correctly or fail with a FormatError/ValueError naming the source and line.
import { describe, expect, it } from 'vitest';
import { FormatError, ValueError } from '../../../src/errors.js';
import { csv, parseCsv, parseCsvRecords, parseNumber } from '../../../src/data/datasets/csv.js';

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

const PIECES = [
  ',',
  '"',
  '""',
  '\n',
  '\r\n',
  '\r',
  ' ',
  '.',
  'e',
  '-',
  '+',
  '0',
  '7',
  'x',
  'NA',
  'NaN',
  'Infinity',
  '0x1f',
  '1e39',
  '\uFEFF',
  ';',
  '\t',
  'é',
  '1_0',
];

function validCsv(next: () => number): string {
  const features = 1 + Math.floor(next() * 3);
  const rows = 2 + Math.floor(next() * 12);
  const labels = next() < 0.5;
  const header = [
    ...Array.from({ length: features }, (_, j) => (next() < 0.2 ? `"f ${j}, q"` : `f${j}`)),
    'y',
  ];
  const lines = [header.join(',')];
  for (let i = 0; i < rows; i++) {
    const cells = Array.from({ length: features }, () =>
      (next() * 200 - 100).toFixed(Math.floor(next() * 4)),
    );
    cells.push(labels ? ['"a"', 'b', '"c, d"'][i % 3]! : (next() * 10).toFixed(2));
    lines.push(cells.join(','));
  }
  return lines.join(next() < 0.3 ? '\r\n' : '\n') + (next() < 0.5 ? '\n' : '');
}

function mutate(text: string, next: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(next() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (out.length + 1));
    const kind = Math.floor(next() * 5);
    if (kind === 0) out = out.slice(0, at) + PIECES[Math.floor(next() * PIECES.length)]! + out.slice(at);
    else if (kind === 1) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 4));
    else if (kind === 2)
      out = out.slice(0, at); // truncation
    else if (kind === 3) {
      const end = Math.min(out.length, at + Math.floor(next() * 20));
      out = out.slice(0, end) + out.slice(at, end) + out.slice(end); // duplication
    } else out = out.slice(0, at) + String.fromCharCode(Math.floor(next() * 128)) + out.slice(at + 1);
  }
  return out;
}

/** Writes records back as CSV with every field quoted: parsing that must give the same records. */
function quoteAll(rows: string[][]): string {
  return rows.map((row) => row.map((f) => `"${f.replace(/"/g, '""')}"`).join(',')).join('\n');
}

describe('CSV reader under fuzzing', () => {
  it('3000 seeded mutations: a correct parse, or a FormatError/ValueError naming the file and line', () => {
    const next = random(20261214);
    const outcomes = { parsed: 0, refused: 0 };
    for (let trial = 0; trial < 3000; trial++) {
      const text = mutate(validCsv(next), next);
      const context = JSON.stringify(text);
      // The record parser agrees with a plain line split when there are no quotes, and is a fixed point of quoting.
      let records: string[][] | null = null;
      try {
        records = parseCsv(text, { source: 'fuzz.csv' });
      } catch (error) {
        expect(error, context).toBeInstanceOf(FormatError);
        expect((error as Error).message, context).toMatch(
          /^csv: fuzz\.csv line \d+: quoted field is never closed$/,
        );
      }
      if (records) {
        if (!text.includes('"')) {
          const plain = text
            .replace(/^\uFEFF/, '')
            .split(/\r\n|\n|\r/)
            .filter((line) => line !== '')
            .map((line) => line.split(','));
          expect(records, context).toEqual(plain);
        }
        expect(parseCsv(quoteAll(records)), context).toEqual(records.filter((r) => r.length > 0));
      }
      try {
        const ds = csv(text, { source: 'fuzz.csv' });
        outcomes.parsed++;
        const [x, y] = ds.tensors;
        const body = parseCsvRecords(text).slice(1);
        const header = parseCsvRecords(text)[0]!.fields.map((h) => h.trim());
        expect(x.shape, context).toEqual([body.length, header.length - 1]);
        body.forEach((record, i) =>
          ds.featureNames.forEach((name, j) => {
            const expected = Math.fround(parseNumber(record.fields[header.indexOf(name)]!)!);
            expect(x.storage[i * ds.featureNames.length + j], context).toBe(expected);
          }),
        );
        if (ds.task === 'classification') {
          expect(y.shape, context).toEqual([body.length]);
          for (const k of y.storage) expect(k >= 0 && k < ds.classNames.length, context).toBe(true);
        } else {
          expect(y.shape, context).toEqual([body.length, 1]);
          for (const v of y.storage) expect(Number.isFinite(v), context).toBe(true);
        }
      } catch (error) {
        if ((error as Error).message.startsWith('expected')) throw error; // an assertion above
        outcomes.refused++;
        expect(
          error instanceof FormatError || error instanceof ValueError,
          `${String(error)} ${context}`,
        ).toBe(true);
        const message = (error as Error).message;
        expect(message, context).toContain('fuzz.csv');
        const cell = /line (\d+), column '[^']*': '([^']*)' is not a number/.exec(message);
        if (cell && !cell[2]!.endsWith('…')) {
          // The line named is the physical line holding the bad cell (when the record has no quoted newline).
          const line = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)[Number(cell[1]) - 1] ?? '';
          if (!/"/.test(line)) expect(line, context).toContain(cell[2]!);
        }
      }
    }
    // Both outcomes occur often: the mutations neither always break nor never break the input.
    expect(outcomes.parsed).toBeGreaterThan(300);
    expect(outcomes.refused).toBeGreaterThan(300);
  });
});
