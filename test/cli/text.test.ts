// @file neurite train text:PATH: LSTM and Transformer character models beat the unigram baseline on fortunes-min; errors; resume.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { perplexityProgress } from '../../src/cli/text-session.js';
import { reseal } from './run-helpers.js';

/** Debian's fortunes-min (CI installs it: .ci/run); the test fails without it rather than skip. */
const FORTUNES = '/usr/share/games/fortunes/fortunes';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { print: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, out, err };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'neurite-text-'));

interface TextRunRecord {
  config: { dataset: string; model: string; seqLen?: number; clipNorm?: number; valSplit: number };
  encoding: { vocabulary: number[]; inputShape: number[] };
  history: Record<string, number>[];
  final: Record<string, Record<string, number>>;
}

const record = (dir: string): TextRunRecord =>
  JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as TextRunRecord;

function fortunes(): string {
  expect(existsSync(FORTUNES), `${FORTUNES} is missing: apt-get install -y fortunes-min`).toBe(true);
  return FORTUNES;
}

describe('character language models learn fortunes-min', () => {
  // Sizes chosen to finish in seconds on two loaded cores; one epoch is ~690 windows of 32 characters.
  it.each([
    ['lstm:64,1', '0.005'],
    ['transformer:1x64', '0.003'],
  ])('%s: validation perplexity ≤ 0.7 × the unigram baseline after 2 epochs', async (model, lr) => {
    const out = tmp();
    const args = ['--seq-len', '32', '--batch-size', '32', '--lr', lr, '--epochs', '2', '--quiet'];
    const {
      code,
      out: lines,
      err,
    } = await cli('train', `text:${fortunes()}`, '--model', model, ...args, '--out', out);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const saved = record(out);
    // The vocabulary is the file's distinct code points, sorted; the windows are 32 characters.
    const text = readFileSync(FORTUNES, 'utf8');
    const distinct = [...new Set(Array.from(text, (c) => c.codePointAt(0)!))].sort((a, b) => a - b);
    expect(saved.encoding.vocabulary).toEqual(distinct);
    expect(saved.encoding.inputShape).toEqual([32]);
    expect(saved.config).toMatchObject({ seqLen: 32, clipNorm: 1, valSplit: 0.1 });
    // Perplexity is exp(mean cross-entropy) in every epoch's logs and in the final scores.
    for (const epoch of saved.history) {
      expect(epoch.perplexity).toBeCloseTo(Math.exp(epoch.loss!), 6);
      expect(epoch.valPerplexity).toBeCloseTo(Math.exp(epoch.valLoss!), 6);
    }
    const validation = saved.final.validation!;
    expect(validation.perplexity).toBeCloseTo(Math.exp(validation.loss!), 6);
    expect(validation.unigramPerplexity).toBeGreaterThan(15); // English letters, spaces and punctuation
    expect(validation.perplexity!).toBeLessThan(0.7 * validation.unigramPerplexity!);
    expect(lines.join('\n')).toMatch(/the unigram baseline's validation perplexity is \d+\.\d\d/);
    expect(lines.join('\n')).toMatch(/validation loss [\d.]+, perplexity [\d.]+, unigramPerplexity [\d.]+/);
    // eval reads the same text with the saved vocabulary and scores the same validation loss.
    const evaluated = await cli('eval', out);
    expect(evaluated.code).toBe(0);
    const line = evaluated.out.find((l) => l.startsWith('validation'))!;
    expect(Number(/loss ([\d.]+)/.exec(line)![1])).toBeCloseTo(validation.loss!, 3);
  });
});

describe('text runs: errors are one line', () => {
  const dir = tmp();
  const file = (name: string, contents: string | Uint8Array): string => {
    const path = join(dir, name);
    writeFileSync(path, contents);
    return `text:${path}`;
  };
  it.each([
    ['an empty file', () => ['train', file('empty.txt', '')], /empty\.txt: is empty/],
    [
      'bytes that are not UTF-8',
      () => ['train', file('latin1.txt', Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x0a]))],
      /latin1\.txt: is not UTF-8 text: byte 0xe9 at offset 3 \(line 1\)/,
    ],
    [
      'a text shorter than one sequence',
      () => ['train', file('short.txt', 'hello, world\n')],
      /--seq-len: the training text of .*short\.txt has 12 characters, shorter than one sequence of 64/,
    ],
    [
      'a validation share shorter than one sequence',
      () => ['train', file('medium.txt', 'abcdefghij'.repeat(10)), '--seq-len', '20'],
      /--val-split: the validation share 0\.1 of .*medium\.txt is 10 characters/,
    ],
    [
      'an unknown model spec',
      () => ['train', file('ok.txt', 'abcdefghij'.repeat(30)), '--model', 'gru:32'],
      /--model: unknown model 'gru:32' for a text: dataset \(expected 'lstm:H,L'/,
    ],
    [
      'a Transformer width that is not a multiple of 32',
      () => ['train', file('ok2.txt', 'abcdefghij'.repeat(30)), '--model', 'transformer:2x40'],
      /--model: the width of 'transformer:2x40' must be a multiple of 32/,
    ],
    ['a missing file', () => ['train', 'text:/nonexistent/corpus.txt'], /ENOENT.*\/nonexistent\/corpus\.txt/],
    [
      '--seq-len on a non-text dataset',
      () => ['train', 'xor', '--seq-len', '8'],
      /--seq-len: applies only to text:PATH/,
    ],
  ])('%s', async (_name, argv, message) => {
    const { code, err } = await cli(...argv(), '--quiet', '--out', join(dir, 'run'));
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
  });
});

describe('text runs are run directories like the others', () => {
  it('1 + 1 epochs (resume) give the same losses as 2 uninterrupted epochs', async () => {
    const base = tmp();
    const path = join(base, 'corpus.txt');
    writeFileSync(path, readFileSync(fortunes(), 'utf8').slice(0, 6000));
    const common = ['--model', 'lstm:16,1', '--seq-len', '16', '--batch-size', '16', '--quiet'];
    expect(
      (await cli('train', `text:${path}`, ...common, '--epochs', '2', '--out', join(base, 'two'))).code,
    ).toBe(0);
    expect(
      (await cli('train', `text:${path}`, ...common, '--epochs', '1', '--out', join(base, 'one'))).code,
    ).toBe(0);
    expect((await cli('resume', join(base, 'one'), '--epochs', '1', '--quiet')).code).toBe(0);
    const [two, resumed] = [record(join(base, 'two')), record(join(base, 'one'))];
    expect(resumed.history).toHaveLength(2);
    expect(resumed.history[1]!.valLoss).toBe(two.history[1]!.valLoss);
    expect(resumed.final.validation!.perplexity).toBe(two.final.validation!.perplexity);
  });

  it('predict and export refuse a text run and point to generate', async () => {
    const base = tmp();
    const path = join(base, 'corpus.txt');
    writeFileSync(path, 'the cat sat on the mat. '.repeat(20));
    const dir = join(base, 'run');
    const trained = await cli(
      'train',
      `text:${path}`,
      '--model',
      'lstm:8',
      '--seq-len',
      '8',
      '--epochs',
      '1',
      '--quiet',
      '--out',
      dir,
    );
    expect(trained.code).toBe(0);
    for (const argv of [
      ['predict', dir, '--input', '[[1]]'],
      ['export', dir, '--format', 'onnx', '--out', join(base, 'm.onnx')],
    ]) {
      const { code, err } = await cli(...argv);
      expect(code).toBe(1);
      expect(err[0]).toMatch(/is a character language model \(a text: run\); use 'neurite generate/);
    }
  });
});

describe('the progress line of a text run', () => {
  it('shows perplexity = exp(loss) and valPerplexity = exp(valLoss) next to their losses', async () => {
    const [addPerplexity] = perplexityProgress(false);
    const logs = { loss: Math.log(5), valLoss: Math.log(8), lr: 0.01 };
    addPerplexity!.onEpochEnd!(0, logs, { model: null!, epochs: 1, steps: 1, stopTraining: false });
    expect(Object.keys(logs)).toEqual(['loss', 'perplexity', 'valLoss', 'valPerplexity', 'lr']);
    expect((logs as Record<string, number>).perplexity).toBeCloseTo(5, 12);
    expect((logs as Record<string, number>).valPerplexity).toBeCloseTo(8, 12);
  });
});

describe('a text run’s vocabulary is checked when read', () => {
  it('an unsorted vocabulary in run.json is a one-line FormatError naming the field', async () => {
    const base = tmp();
    const path = join(base, 'corpus.txt');
    writeFileSync(path, 'the cat sat on the mat. '.repeat(20));
    const dir = join(base, 'run');
    const common = ['--model', 'lstm:8', '--seq-len', '8', '--epochs', '1', '--quiet'];
    expect((await cli('train', `text:${path}`, ...common, '--out', dir)).code).toBe(0);
    const runJson = join(dir, 'run.json');
    const saved = JSON.parse(readFileSync(runJson, 'utf8')) as TextRunRecord;
    saved.encoding.vocabulary.reverse();
    writeFileSync(runJson, JSON.stringify(saved));
    reseal(dir);
    const { code, err } = await cli('generate', dir, '--prompt', 'the');
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/run\.json: .*encoding\.vocabulary must be sorted ascending without repeats/);
  });
});
