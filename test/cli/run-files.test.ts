// @file Run files read safely through the CLI: bad run.json / training-state.json, mixed directories, NaN epochs, absolute csv paths.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { reseal } from './run-helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'neurite-runfiles-'));

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { print: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, out, err };
}

/** Exit 1, nothing on stdout (refused before any data or training), one line on stderr matching `message`. */
function expectRefused(result: { code: number; out: string[]; err: string[] }, message: RegExp): void {
  expect(result.err).toHaveLength(1);
  expect(result.err[0]).toMatch(message);
  expect(result.code).toBe(1);
  expect(result.out).toEqual([]);
}

const TRAIN = ['--model', 'mlp:4', '--n', '120', '--quiet', '--scheduler', 'plateau'];
let base: string;
beforeAll(async () => {
  base = join(tmp(), 'run');
  expect((await cli('train', 'moons', '--epochs', '2', '--seed', '3', ...TRAIN, '--out', base)).code).toBe(0);
});

/** A copy of the base run with `file` edited by `edit` (text → text) and the manifest re-sealed. */
function edited(file: string, edit: (text: string) => string): string {
  const dir = join(tmp(), 'run');
  cpSync(base, dir, { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  reseal(dir);
  return dir;
}

/** JSON edit: `change` mutates the parsed object. */
const json =
  (change: (value: Record<string, unknown>) => void) =>
  (text: string): string => {
    const value = JSON.parse(text) as Record<string, unknown>;
    change(value);
    return JSON.stringify(value);
  };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('a malformed run.json is one line naming the file and the field, for eval, predict and resume', () => {
  const cases: [string, (text: string) => string, RegExp][] = [
    ['empty', () => '', /run\.json: is empty/],
    ['truncated', (t) => t.slice(0, 40), /run\.json: the file is not valid JSON/],
    ['{}', () => '{}', /run\.json: neurite is missing/],
    ['null', () => 'null', /run\.json: the file must be a JSON object, got null/],
    ['history null', json((v) => (v.history = null)), /run\.json: history must be an array, got null/],
    [
      'a history entry',
      json((v) => ((v.history as Json[])[1]!.loss = 'x')),
      /history\[1\]\.loss must be a number/,
    ],
    ['epochsDone', json((v) => (v.epochsDone = 5)), /history has 2 epochs but epochsDone is 5/],
    [
      'config.optimizer',
      json((v) => ((v.config as Json).optimizer = 'sgdd')),
      /config\.optimizer must be one of sgd, /,
    ],
    [
      'config.n',
      json((v) => ((v.config as Json).n = '120')),
      /config\.n must be a positive integer, got "120"/,
    ],
    ['config.lr', json((v) => ((v.config as Json).lr = -1)), /config\.lr must be a positive number, got -1/],
    ['unknown field', json((v) => (v.extra = 1)), /run\.json: extra is an unknown field/],
    ['encoding', json((v) => delete v.encoding), /run\.json: encoding is missing/],
    [
      'deep nesting',
      () => '['.repeat(100_000),
      /run\.json: the file nests JSON arrays and objects 16 levels deep/,
    ],
  ];
  it.each(cases)('%s', async (_, edit, message) => {
    const dir = edited('run.json', edit);
    expectRefused(await cli('eval', dir), message);
    expectRefused(await cli('predict', dir, '--input', '[[0, 0]]'), message);
    expectRefused(await cli('resume', dir, '--epochs', '1', '--quiet'), message);
  });
});

describe('a malformed or mismatched training-state.json is refused before resume trains', () => {
  const cases: [string, (text: string) => string, RegExp][] = [
    ['empty', () => '', /training-state\.json: is empty/],
    ['{}', () => '{}', /training-state\.json: optimizer is missing/],
    ['null', () => 'null', /the file must be a JSON object, got null/],
    [
      'a state tensor with too few values',
      json((v) => ((v.optimizer as Json).state['0'].exp_avg.data as number[]).pop()),
      /optimizer\.state\.0\.exp_avg\.data has 7 values but shape \[4, 2\] needs 8/,
    ],
    [
      'a state tensor of the wrong shape',
      json((v) => {
        const t = (v.optimizer as Json).state['0'].exp_avg;
        t.shape = [8];
      }),
      /training-state\.json: .*shape \[8\] but the parameter has shape \[4, 2\]/,
    ],
    [
      'a missing state entry',
      json((v) => delete (v.optimizer as Json).state['1'].exp_avg_sq),
      /optimizer\.state\.1\.exp_avg_sq is missing/,
    ],
    [
      'a state entry for a parameter that does not exist',
      json((v) => ((v.optimizer as Json).state['9'] = (v.optimizer as Json).state['0'])),
      /optimizer\.state\.9: the model has only 4 parameters/,
    ],
    [
      'an extra parameter group',
      json((v) => (v.optimizer as Json).param_groups.push({ params: [] })),
      /optimizer\.param_groups must be an array of length 1/,
    ],
    [
      'a group option of the wrong type',
      json((v) => ((v.optimizer as Json).param_groups[0].lr = 'fast')),
      /optimizer\.param_groups\[0\]\.lr must be a number, got "fast"/,
    ],
    [
      'a negative learning rate',
      json((v) => ((v.optimizer as Json).param_groups[0].lr = -1)),
      /training-state\.json: Adam: Invalid learning rate: -1/,
    ],
    ['generator words', json((v) => ((v.generator as Json).s = 'abcd')), /generator\.s must be an array/],
    ['a zero generator', json((v) => ((v.generator as Json).s = [0, 0, 0, 0])), /generator\.s is all zeros/],
    [
      'no scheduler state',
      json((v) => (v.scheduler = null)),
      /scheduler is null but the run uses the 'plateau'/,
    ],
    [
      'a scheduler field of the wrong type',
      json((v) => ((v.scheduler as Json).patience = 'two')),
      /scheduler\.patience must be a number, got "two"/,
    ],
    ['no shuffle state', json((v) => ((v.loader as Json).generator = null)), /loader\.generator is null/],
  ];
  it.each(cases)('%s', async (_, edit, message) => {
    const dir = edited('training-state.json', edit);
    expectRefused(await cli('resume', dir, '--epochs', '1', '--quiet'), message);
    expect((await cli('eval', dir)).code).toBe(0); // eval does not need the training state
  });
});

describe('a directory mixing two runs is refused (it used to resume new weights with old moments)', () => {
  it('a model or training state copied from another run is named', async () => {
    const other = join(tmp(), 'other');
    expect((await cli('train', 'moons', '--epochs', '3', '--seed', '4', ...TRAIN, '--out', other)).code).toBe(
      0,
    );
    for (const file of ['model.safetensors', 'training-state.json']) {
      const dir = join(tmp(), 'run');
      cpSync(base, dir, { recursive: true });
      cpSync(join(other, file), join(dir, file));
      const pattern = new RegExp(
        `${file.replace('.', '\\.')}: (does not match|is \\d+ bytes but) manifest\\.json`,
      );
      expectRefused(await cli('resume', dir, '--epochs', '1', '--quiet'), pattern);
      if (file === 'model.safetensors') expectRefused(await cli('eval', dir), pattern);
    }
  });
});

describe('a NaN loss at a late epoch keeps the good epochs', () => {
  it('train saves the run as of the last good epoch and exits 1; resume that fails at once changes nothing', async () => {
    const dir = join(tmp(), 'run');
    const args = ['train', 'circle', '--model', 'mlp:16', '--optimizer', 'sgd', '--lr', '1000'];
    const result = await cli(...args, '--batch-size', '1000', '--epochs', '60', '--quiet', '--out', dir);
    expect(result.code).toBe(1);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toMatch(
      /^neurite: fit: the loss became NaN at epoch 9, batch 1; .*\. Saved the run as of epoch 7, the last good one, to /,
    );
    const record = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as Json;
    expect(record.epochsDone).toBe(7);
    expect(record.history).toHaveLength(7);
    expect(
      (record.history as Json[]).every((h) => Object.values(h).every((v) => typeof v === 'number')),
    ).toBe(true);
    expect((await cli('eval', dir)).code).toBe(0);
    const manifest = readFileSync(join(dir, 'manifest.json'), 'utf8');
    const resumed = await cli('resume', dir, '--epochs', '3', '--quiet');
    expect(resumed.code).toBe(1);
    expect(resumed.err[0]).toMatch(
      /the loss became NaN at epoch 9, .*No epoch completed, so nothing was saved \(.* is unchanged\)/,
    );
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(manifest);
  });
});

describe('a run directory is self-contained', () => {
  it('a relative csv: path is stored absolute, so eval works from another working directory', async () => {
    const dir = tmp();
    const rows = ['a,b,label'];
    for (let i = 0; i < 60; i++) rows.push(`${i % 6},${Math.floor(i / 6)},${i % 6 > 2 ? 'hi' : 'lo'}`);
    writeFileSync(join(dir, 'data.csv'), rows.join('\n') + '\n');
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href,
        join(root, 'src/cli/main.ts'),
        'train',
        'csv:data.csv',
        '--model',
        'mlp:4',
        '--epochs',
        '2',
        '--quiet',
        '--out',
        'run',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(child.status, child.stderr).toBe(0);
    const record = JSON.parse(readFileSync(join(dir, 'run', 'run.json'), 'utf8')) as Json;
    expect(record.config.dataset).toBe(`csv:${join(dir, 'data.csv')}`);
    const evaluated = await cli('eval', join(dir, 'run')); // this process's working directory is the repository
    expect(evaluated.err).toEqual([]);
    expect(evaluated.code).toBe(0);
  });

  it('--out naming a file is refused before training', async () => {
    const file = join(tmp(), 'taken');
    writeFileSync(file, 'x');
    expectRefused(
      await cli('train', 'circle', '--quiet', '--out', file),
      /--out: .*taken exists and is not a directory/,
    );
    expect(readFileSync(file, 'utf8')).toBe('x');
  });
});
