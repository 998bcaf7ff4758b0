// @file Seeded fuzz of run.json and training-state.json: every mutation is read and resumed, or refused with a NeuriteError (FormatError when reading).
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { parseRunRecord, parseTrainingState } from '../../src/cli/run-files.js';
import { loadRun, trainSession } from '../../src/cli/run.js';
import { FormatError, NeuriteError } from '../../src/errors.js';
import { reseal } from './run-helpers.js';

const SEED = 1414;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'neurite-runfiles-fuzz-'));
let base: string;
const texts: Record<'run.json' | 'training-state.json', string> = {
  'run.json': '',
  'training-state.json': '',
};

beforeAll(async () => {
  base = join(tmp(), 'run');
  const args = ['train', 'moons', '--model', 'mlp:3', '--n', '60', '--epochs', '2', '--dropout', '0.1'];
  const code = await run([...args, '--scheduler', 'plateau', '--quiet', '--out', base], {
    print: () => {},
    error: () => {},
  });
  expect(code).toBe(0);
  for (const name of Object.keys(texts) as (keyof typeof texts)[])
    texts[name] = readFileSync(join(base, name), 'utf8');
});

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Every path into a JSON value (long arrays contribute their first three elements). */
function paths(value: JsonValue, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.slice(0, 3).forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

const REPLACEMENTS: JsonValue[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e8,
  1e308,
  -0,
  2 ** 32,
  '',
  'x',
  'nan',
  'mlp:4',
  [],
  [0, 0, 0, 0],
  {},
  { params: [] },
  [[[[]]]],
];

/** A structural mutation: replace the value at a path, delete it, add an unknown key, or grow/shrink an array. */
function mutate(text: string, pick: number, op: number, replacement: number): string {
  const root = JSON.parse(text) as JsonValue;
  const all = paths(root);
  const path = all[pick % all.length]!;
  const value = REPLACEMENTS[replacement % REPLACEMENTS.length]!;
  if (path.length === 0) return JSON.stringify(value);
  let parent = root as Record<string | number, JsonValue>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, JsonValue>;
  const key = path[path.length - 1]!;
  const target = parent[key];
  switch (op % 4) {
    case 0:
      parent[key] = value;
      break;
    case 1:
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    case 2:
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) target.unexpected = value;
      else parent[key] = [target ?? null, value];
      break;
    default:
      if (Array.isArray(target)) target.push(target[0] ?? value);
      else parent[key] = value;
  }
  return JSON.stringify(root);
}

/** A text mutation: truncate, overwrite a character with JSON punctuation, or nest the whole text deeper. */
function garble(text: string, at: number, op: number, char: string): string {
  const position = at % (text.length + 1);
  if (op % 3 === 0) return text.slice(0, position);
  if (op % 3 === 1) return text.slice(0, position) + char + text.slice(position + 1);
  return '['.repeat(at % 40) + text + ']'.repeat(at % 40);
}

const parsers = { 'run.json': parseRunRecord, 'training-state.json': parseTrainingState };

function parsesOrFormatError(name: keyof typeof texts, text: string): boolean {
  try {
    parsers[name](new TextEncoder().encode(text), name);
    return true;
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    return false;
  }
}

/** The whole resume path on a mutated file: read, rebuild, restore, train one epoch; only NeuriteErrors may stop it. */
async function resumesOrNeuriteError(name: keyof typeof texts, text: string): Promise<'resumed' | 'refused'> {
  const dir = join(tmp(), 'run');
  cpSync(base, dir, { recursive: true });
  writeFileSync(join(dir, name), text);
  reseal(dir);
  try {
    const { session, record } = loadRun(dir, { training: true });
    await trainSession(session, record.epochsDone, record.epochsDone + 1, { verbose: false });
    return 'resumed';
  } catch (error) {
    if (!(error instanceof NeuriteError)) throw error;
    return 'refused';
  }
}

describe(`run files, seeded fuzz (seed ${SEED})`, () => {
  for (const name of ['run.json', 'training-state.json'] as const) {
    it(`${name}: structural and text mutations parse or are a FormatError`, () => {
      const outcomes = { parsed: 0, refused: 0 };
      fc.assert(
        fc.property(fc.nat(), fc.nat(), fc.nat(), fc.constantFrom(...'{}[]",:0-.eE n'), (a, b, c, char) => {
          for (const text of [mutate(texts[name], a, b, c), garble(texts[name], a, b, char)])
            outcomes[parsesOrFormatError(name, text) ? 'parsed' : 'refused']++;
        }),
        { numRuns: 400, seed: SEED },
      );
      expect(outcomes.parsed).toBeGreaterThan(0);
      expect(outcomes.refused).toBeGreaterThan(0);
    });

    it(`${name}: structural mutations resume one epoch or stop with a NeuriteError, never a crash`, async () => {
      const outcomes = { resumed: 0, refused: 0 };
      await fc.assert(
        fc.asyncProperty(fc.nat(), fc.nat(), fc.nat(), async (a, b, c) => {
          outcomes[await resumesOrNeuriteError(name, mutate(texts[name], a, b, c))]++;
        }),
        { numRuns: 60, seed: SEED },
      );
      expect(outcomes.refused).toBeGreaterThan(0);
    });
  }
});
