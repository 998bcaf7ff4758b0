// @file The neurite command in-process: help, one-line errors, train/eval/predict, resume equivalence, demo.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { load } from '../../src/node/io.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { print: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, out, err };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'neurite-cli-'));

describe('neurite --help', () => {
  it.each([
    [],
    ['--help'],
    ['demo', '--help'],
    ['train', '--help'],
    ['eval', '--help'],
    ['predict', '--help'],
    ['resume', '--help'],
  ])('%s prints usage and exits 0', async (...argv) => {
    const { code, out } = await cli(...(argv as string[]));
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/Usage: neurite/);
  });
});

describe('bad input gives one line and a non-zero exit', () => {
  it.each([
    [['train', 'circle', '--lr', '-1'], /--lr must be a positive number, got '-1'/],
    [['train', 'circle', '--epochs', 'abc'], /--epochs must be a positive integer/],
    [['train', 'circle', '--optimizer', 'sgdd'], /Allowed choices are sgd/],
    [['train', 'nope', '--quiet'], /unknown dataset 'nope'/],
    [['train', 'circle', '--model', 'mlp:0', '--quiet'], /each hidden size must be a positive integer/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['eval', '/nonexistent-run'], /is not a neurite run directory/],
    [
      ['train', 'fashion-mnist', '--data', '/nonexistent', '--quiet'],
      /apt-get install dataset-fashion-mnist/,
    ],
  ])('%s', async (argv, message) => {
    const { code, err } = await cli(...(argv as string[]));
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(message as RegExp);
    expect(err.join('\n')).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('train, eval, predict', () => {
  it('trains a toy set and writes the run directory with valid SVGs', async () => {
    const out = tmp();
    const { code, out: lines } = await cli(
      'train',
      'circle',
      '--model',
      'mlp:8',
      '--epochs',
      '30',
      '--quiet',
      '--out',
      out,
      '--seed',
      '1',
    );
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(/validation loss [\d.]+, accuracy [\d.]+%/);
    const files = readdirSync(out).sort();
    expect(files).toEqual([
      'confusion-matrix.svg',
      'decision-boundary.svg',
      'loss.svg',
      'manifest.json',
      'model.safetensors',
      'run.json',
      'training-state.json',
    ]);
    for (const svg of files.filter((f) => f.endsWith('.svg')))
      expect(XMLValidator.validate(readFileSync(join(out, svg), 'utf8'))).toBe(true);
    const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as {
      epochsDone: number;
      history: unknown[];
      final: { validation: { accuracy: number } };
    };
    expect(record.epochsDone).toBe(30);
    expect(record.history).toHaveLength(30);
    expect(record.final.validation.accuracy).toBeGreaterThan(0.9);
    expect(Object.keys(load(join(out, 'model.safetensors')).tensors)).toEqual([
      '0.bias',
      '0.weight',
      '2.bias',
      '2.weight',
    ]);

    const evaluated = await cli('eval', out);
    expect(evaluated.code).toBe(0);
    expect(evaluated.out.join('\n')).toMatch(/validation loss [\d.]+, accuracy/);

    const predicted = await cli('predict', out, '--input', '[[0, 0], [4.5, 0]]');
    expect(predicted.code).toBe(0);
    expect(predicted.out).toHaveLength(2);
    expect(predicted.out[0]).toMatch(/→ inside \(outside [\d.]+%, inside [\d.]+%\)/); // the centre of the circle
    expect(predicted.out[1]).toMatch(/→ outside \(/); // a point on the ring
    expect((await cli('predict', out, '--input', '[[1, 2, 3]]')).err.join('')).toMatch(
      /--input: row 1 has 3 values; the model takes 2/,
    );
    expect((await cli('predict', out, '--input', 'nope')).err.join('')).toMatch(/--input: expected JSON/);
  });

  it('stops early and marks the best epoch', async () => {
    const out = tmp();
    // A perceptron cannot separate a disc from a ring: its validation loss stalls within a few epochs.
    const args = [
      'train',
      'circle',
      '--model',
      'perceptron',
      '--lr',
      '0.05',
      '--epochs',
      '200',
      '--early-stopping',
      '2',
    ];
    const { code, out: lines } = await cli(...args, '--quiet', '--out', out);
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(/Early stopping after epoch \d+; restored the weights of epoch \d+/);
    expect(readFileSync(join(out, 'loss.svg'), 'utf8')).toContain('early stop: best epoch');
  });
});

describe('csv datasets', () => {
  it('classifies a labelled CSV and regresses a numeric target', async () => {
    const dir = tmp();
    const rows = ['height,weight,kind'];
    const reg = ['x1,x2,y'];
    for (let i = 0; i < 120; i++) {
      const a = (i % 12) / 2;
      const b = Math.floor(i / 12) / 2;
      rows.push(`${a},${b},${a + b > 5 ? 'big' : 'small'}`);
      reg.push(`${a},${b},${(2 * a - b + 1).toFixed(3)}`);
    }
    writeFileSync(join(dir, 'kinds.csv'), rows.join('\n'));
    writeFileSync(join(dir, 'reg.csv'), reg.join('\n'));
    const cls = await cli(
      'train',
      `csv:${join(dir, 'kinds.csv')}`,
      '--model',
      'mlp:8',
      '--epochs',
      '60',
      '--quiet',
      '--out',
      join(dir, 'cls'),
    );
    expect(cls.code).toBe(0);
    expect(cls.out.join('\n')).toMatch(/validation loss [\d.]+, accuracy/);
    expect((await cli('predict', join(dir, 'cls'), '--input', '[[5, 5]]')).out[0]).toMatch(
      /height 5, weight 5 → big/,
    );
    const r = await cli(
      'train',
      `csv:${join(dir, 'reg.csv')}`,
      '--target',
      'y',
      '--model',
      'perceptron',
      '--lr',
      '0.05',
      '--epochs',
      '80',
      '--quiet',
      '--out',
      join(dir, 'reg'),
    );
    expect(r.code).toBe(0);
    const record = JSON.parse(readFileSync(join(dir, 'reg', 'run.json'), 'utf8')) as {
      final: { validation: { mae: number } };
    };
    expect(record.final.validation.mae).toBeLessThan(0.2);
    expect(readdirSync(join(dir, 'reg'))).not.toContain('confusion-matrix.svg');
  });
});

describe('neurite resume', () => {
  it('3 + 2 epochs give the same weights as 5 uninterrupted epochs', async () => {
    const common = [
      '--model',
      'mlp:6',
      '--dropout',
      '0.2',
      '--optimizer',
      'adam',
      '--scheduler',
      'exponential',
      '--quiet',
      '--seed',
      '7',
      '--n',
      '200',
    ];
    const straight = tmp();
    const split = tmp();
    expect((await cli('train', 'moons', '--epochs', '5', '--out', straight, ...common)).code).toBe(0);
    expect((await cli('train', 'moons', '--epochs', '3', '--out', split, ...common)).code).toBe(0);
    expect((await cli('resume', split, '--epochs', '2', '--quiet')).code).toBe(0);
    const a = load(join(straight, 'model.safetensors')).tensors;
    const b = load(join(split, 'model.safetensors')).tensors;
    for (const key of Object.keys(a))
      expect(Array.from(b[key]!.storage), key).toEqual(Array.from(a[key]!.storage));
    const record = JSON.parse(readFileSync(join(split, 'run.json'), 'utf8')) as { epochsDone: number };
    expect(record.epochsDone).toBe(5);
  });
});

describe('neurite demo', () => {
  it('prints the learned equation and pass probabilities and writes the plots', async () => {
    const out = tmp();
    const { code, out: lines } = await cli('demo', '--epochs', '15', '--quiet', '--out', out);
    const text = lines.join('\n');
    expect(code).toBe(0);
    expect(text).toMatch(/p\(pass\) = σ\(-?[\d.]+ [+−] [\d.]+·lectures [+−] [\d.]+·hours\)/);
    expect(text).toMatch(/\n\s+4\s+5\s+[\d.]+%\s+[\d.]+%/);
    expect(text).toMatch(/perceptron\s+train [\d.]+%\s+test [\d.]+%/);
    for (const svg of ['decision-boundary.svg', 'loss.svg'])
      expect(XMLValidator.validate(readFileSync(join(out, svg), 'utf8'))).toBe(true);
  });
});
