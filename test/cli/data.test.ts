// @file The CLI's data: CSV columns by name, standardization, the encoding in run.json, strict cells, NaN refusals, limits.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { FASHION_MNIST_DIR } from '../../src/data/datasets/fashion-mnist.js';
import { load, save } from '../../src/node/io.js';
import { Tensor } from '../../src/tensor/tensor.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { print: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, out, err };
}

/** A failure: exit 1 and exactly one line on stderr, which matches `message`. */
function expectFailure(result: { code: number; err: string[] }, message: RegExp | string): void {
  expect(result.code).toBe(1);
  expect(result.err).toHaveLength(1);
  expect(result.err[0]).toMatch(
    typeof message === 'string' ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : message,
  );
  expect(result.err[0]).not.toMatch(/^neurite: neurite:/);
}

/** Records a file changed by hand in the run's manifest.json, as if the run had been written that way. */
function reseal(dir: string, name: string): void {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) return;
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as {
    files: Record<string, { bytes: number; sha256: string }>;
  };
  const bytes = readFileSync(join(dir, name));
  manifest.files[name] = {
    bytes: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  writeFileSync(path, JSON.stringify(manifest));
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'neurite-cli-data-'));

/** Houses: price = 1500·size + 20000·rooms + 800·(year − 1950) + noise, features on very different scales. */
function houses(n: number): { header: string[]; rows: number[][] } {
  let state = 12345;
  const uniform = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const rows = Array.from({ length: n }, () => {
    const size = Math.round((30 + 270 * uniform()) * 10) / 10;
    const rooms = 1 + Math.floor(6 * uniform());
    const year = 1950 + Math.floor(71 * uniform());
    const noise = (uniform() + uniform() + uniform() - 1.5) * 20000;
    return [Math.round(1500 * size + 20000 * rooms + 800 * (year - 1950) + noise), size, rooms, year];
  });
  return { header: ['price', 'size', 'rooms', 'year'], rows };
}

const toCsv = (header: string[], rows: (number | string)[][]): string =>
  [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';

interface RunJson {
  encoding: {
    featureNames: string[];
    featureMean: number[];
    featureStd: number[];
    targetName: string;
    classNames: string[];
    task: string;
    targetMean: number;
    targetStd: number;
  };
  final: { validation: { mae: number } };
}
const record = (dir: string): RunJson => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunJson;

describe('predict --csv and the encoding in run.json', async () => {
  const dir = tmp();
  const { header, rows } = houses(300);
  const file = join(dir, 'houses.csv');
  writeFileSync(file, toCsv(header, rows));
  const runDir = join(dir, 'run');
  const trained = await cli(
    'train',
    `csv:${file}`,
    '--target',
    'price',
    '--epochs',
    '3',
    '--quiet',
    '--out',
    runDir,
  );

  it('picks the feature columns by name: the target first, a features-only file, reordered columns', async () => {
    expect(trained.code).toBe(0);
    expect(record(runDir).encoding.featureNames).toEqual(['size', 'rooms', 'year']);
    const [, size, rooms, year] = rows[0]!;
    const byInput = await cli('predict', runDir, '--input', JSON.stringify([[size, rooms, year]]));
    expect(byInput.code).toBe(0);
    const value = byInput.out[0]!.split('→ ')[1];
    const byCsv = await cli('predict', runDir, '--csv', file);
    expect(byCsv.code).toBe(0);
    expect(byCsv.out).toHaveLength(300);
    expect(byCsv.out[0]).toBe(`size ${size}, rooms ${rooms}, year ${year} → ${value}`);
    const reordered = join(dir, 'features.csv');
    writeFileSync(reordered, `year,note,rooms,size\n${year},x,${rooms},${size}\n`);
    const byFeatures = await cli('predict', runDir, '--csv', reordered);
    expect(byFeatures.code).toBe(0);
    expect(byFeatures.out).toEqual([`size ${size}, rooms ${rooms}, year ${year} → ${value}`]);
    writeFileSync(reordered, 'size,rooms\n1,2\n');
    expectFailure(
      await cli('predict', runDir, '--csv', reordered),
      `${reordered} has no feature column 'year'`,
    );
  });

  it('needs only the run directory: the training CSV may be gone', async () => {
    const copy = join(dir, 'copy.csv');
    copyFileSync(file, copy);
    const other = join(dir, 'run2');
    expect(
      (await cli('train', `csv:${copy}`, '--target', 'price', '--epochs', '1', '--quiet', '--out', other))
        .code,
    ).toBe(0);
    const before = await cli('predict', other, '--input', '[[100, 3, 2000]]');
    rmSync(copy);
    const after = await cli('predict', other, '--input', '[[100, 3, 2000]]');
    expect(after.code).toBe(0);
    expect(after.out).toEqual(before.out);
  });
});

describe('standardization', () => {
  it('stores the training split statistics: column means and population stds (val-split 0: the whole file)', async () => {
    const dir = tmp();
    const { header, rows } = houses(50);
    writeFileSync(join(dir, 'h.csv'), toCsv(header, rows));
    const out = join(dir, 'run');
    const r = await cli(
      'train',
      `csv:${join(dir, 'h.csv')}`,
      '--target',
      'price',
      '--val-split',
      '0',
      '--epochs',
      '1',
      '--quiet',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    const { encoding } = record(out);
    [1, 2, 3].forEach((c, j) => {
      const column = rows.map((row) => Math.fround(row[c]!));
      const mean = column.reduce((a, b) => a + b, 0) / column.length;
      const std = Math.sqrt(column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length);
      expect(encoding.featureMean[j]).toBeCloseTo(mean, 9);
      expect(encoding.featureStd[j]).toBeCloseTo(std, 9);
    });
    const prices = rows.map((row) => Math.fround(row[0]!));
    const mean = prices.reduce((a, b) => a + b, 0) / prices.length;
    expect(encoding.targetMean).toBeCloseTo(mean, 6);
    expect(encoding.task).toBe('regression');
  });

  it("the README's train csv:data.csv --target price with defaults beats predicting the mean by far", async () => {
    const dir = tmp();
    const { header, rows } = houses(1000);
    writeFileSync(join(dir, 'data.csv'), toCsv(header, rows));
    const out = join(dir, 'run');
    expect(
      (await cli('train', `csv:${join(dir, 'data.csv')}`, '--target', 'price', '--quiet', '--out', out)).code,
    ).toBe(0);
    const prices = rows.map((row) => row[0]!);
    const mean = prices.reduce((a, b) => a + b, 0) / prices.length;
    const meanPredictorMae = prices.reduce((a, p) => a + Math.abs(p - mean), 0) / prices.length;
    // Before standardization the validation MAE was ~3× the mean predictor's; now it is well below it.
    expect(record(out).final.validation.mae).toBeLessThan(0.5 * meanPredictorMae);
  });

  it('predicts regression targets in target units (a linear target learned by a perceptron)', async () => {
    const dir = tmp();
    const rows = Array.from({ length: 200 }, (_, i) => [(i % 20) * 3, Math.floor(i / 20), 0]);
    rows.forEach((row) => (row[2] = 2000 * row[0]! - 50000 * row[1]! + 1e6));
    writeFileSync(join(dir, 'lin.csv'), toCsv(['a', 'b', 'y'], rows));
    const out = join(dir, 'run');
    const args = ['--model', 'perceptron', '--lr', '0.05', '--epochs', '60', '--quiet', '--out', out];
    expect((await cli('train', `csv:${join(dir, 'lin.csv')}`, ...args)).code).toBe(0);
    const predicted = await cli('predict', out, '--input', '[[30, 5]]');
    const value = Number(predicted.out[0]!.split('→ ')[1]);
    expect(value).toBeGreaterThan(810000 * 0.99); // 2000·30 − 50000·5 + 10⁶ = 810000
    expect(value).toBeLessThan(810000 * 1.01);
  });
});

describe('strict cells and explicit task inference', () => {
  const dir = tmp();

  it('one NA, NaN or empty target cell is an error naming file, line and column (not 201 classes)', async () => {
    const rows: (number | string)[][] = Array.from({ length: 200 }, (_, i) => [i, 1000 + 7.25 * i]);
    for (const bad of ['NA', 'NaN', '']) {
      rows[120] = [120, bad];
      const file = join(dir, `na-${bad || 'empty'}.csv`);
      writeFileSync(file, toCsv(['size', 'price'], rows));
      const out = join(dir, `na-run-${bad || 'empty'}`);
      expectFailure(
        await cli('train', `csv:${file}`, '--quiet', '--out', out),
        bad === ''
          ? `${file} line 122, column 'price': is empty`
          : `${file} line 122, column 'price': '${bad}' is not a number`,
      );
      expect(existsSync(out)).toBe(false);
    }
  });

  it("labels '1' and '1.0' are one class; hex is not a number", async () => {
    const rows = Array.from({ length: 60 }, (_, i) => [i % 7, i % 3 === 0 ? '1' : i % 3 === 1 ? '1.0' : '2']);
    const file = join(dir, 'labels.csv');
    writeFileSync(file, toCsv(['x', 'label'], rows));
    const out = join(dir, 'labels-run');
    expect((await cli('train', `csv:${file}`, '--epochs', '1', '--quiet', '--out', out)).code).toBe(0);
    expect(record(out).encoding.classNames).toEqual(['1', '2']);
    writeFileSync(file, toCsv(['x', 'label'], [...rows.slice(0, 5), ['0x10', 2], ...rows.slice(5)]));
    expectFailure(
      await cli('train', `csv:${file}`, '--quiet', '--out', out),
      `${file} line 7, column 'x': '0x10' is not a number`,
    );
  });

  it('refuses identifier-like label columns before building a huge model; caps the confusion-matrix plot', async () => {
    const rows = Array.from({ length: 20000 }, (_, i) => [i % 13, `id${i}`]);
    const file = join(dir, 'ids.csv');
    writeFileSync(file, toCsv(['x', 'name'], rows));
    expectFailure(
      await cli('train', `csv:${file}`, '--quiet', '--out', join(dir, 'ids-run')),
      /20000 distinct labels in 20000 rows/,
    );
    expectFailure(
      await cli('train', `csv:${file}`, '--task', 'classification', '--quiet', '--out', join(dir, 'ids-run')),
      /at most 1000 classes are supported/,
    );
    const many = Array.from({ length: 300 }, (_, i) => [i % 11, `c${i % 150}`]);
    writeFileSync(file, toCsv(['x', 'name'], many));
    const out = join(dir, 'many-run');
    const r = await cli(
      'train',
      `csv:${file}`,
      '--task',
      'classification',
      '--epochs',
      '1',
      '--val-split',
      '0.5',
      '--quiet',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    expect(record(out).encoding.classNames).toHaveLength(150);
    expect(readdirSync(out)).not.toContain('confusion-matrix.svg');
  });
});

describe('non-finite values are refused, never reported', async () => {
  const dir = tmp();
  const out = join(dir, 'run');
  const trained = await cli('train', 'circle', '--model', 'mlp:4', '--epochs', '2', '--quiet', '--out', out);

  it('an input that overflows float32 is an error, not class -1 with NaN%', async () => {
    expect(trained.code).toBe(0);
    expectFailure(
      await cli('predict', out, '--input', '[[1e39, 1]]'),
      "--input: row 1, feature 'x1': 1e+39 is not a finite float32 number",
    );
  });

  it('NaN weights make predict and eval fail with exit 1', async () => {
    const broken = join(dir, 'broken');
    expect(
      (await cli('train', 'circle', '--model', 'mlp:4', '--epochs', '1', '--quiet', '--out', broken)).code,
    ).toBe(0);
    const weights = load(join(broken, 'model.safetensors')).tensors;
    const first = weights['0.weight']!;
    weights['0.weight'] = new Tensor(new Float32Array(first.numel()).fill(NaN), first.shape);
    save(weights, join(broken, 'model.safetensors'));
    reseal(broken, 'model.safetensors');
    expectFailure(
      await cli('predict', broken, '--input', '[[0, 0]]'),
      /the model's output for --input row 1 is NaN/,
    );
    expectFailure(await cli('eval', broken), /eval: the loss on the train split is NaN/);
  });
});

describe('sizes are checked before allocating', () => {
  it('--val-split that empties a split fails before training and writes nothing', async () => {
    const out = join(tmp(), 'run');
    expectFailure(
      await cli('train', 'circle', '--val-split', '0.999', '--quiet', '--out', out),
      /--val-split: 0.999 of 400 samples leaves the training split empty/,
    );
    expectFailure(
      await cli('train', 'circle', '--n', '3', '--val-split', '0.1', '--quiet', '--out', out),
      /leaves the validation split empty/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('model parameters are counted from the spec', async () => {
    expectFailure(
      await cli('train', 'circle', '--model', 'mlp:100000,100000', '--quiet'),
      /'mlp:100000,100000' on inputs of shape \[2\] has 1\.00e\+10 parameters; at most 5e\+7/,
    );
    expectFailure(
      await cli('train', 'circle', '--model', 'mlp:1000000000', '--quiet'),
      /has 4\.00e\+9 parameters/,
    );
    expectFailure(
      await cli(
        'train',
        'circle',
        '--model',
        'mlp:3000',
        '--batch-size',
        '100000',
        '--n',
        '100000',
        '--val-split',
        '0',
        '--epochs',
        '1',
        '--quiet',
      ),
      /--batch-size: .* at most 268435456/,
    );
  });

  it('--n and config.n in run.json are bounded', async () => {
    expectFailure(
      await cli('train', 'circle', '--n', '1e8', '--quiet'),
      '--n: must be an integer from 1 to 100000, got 100000000',
    );
    const out = join(tmp(), 'run');
    expect(
      (await cli('train', 'circle', '--model', 'mlp:4', '--epochs', '1', '--quiet', '--out', out)).code,
    ).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { config: { n?: number } };
    json.config.n = 1e8;
    writeFileSync(join(out, 'run.json'), JSON.stringify(json));
    reseal(out, 'run.json');
    expectFailure(await cli('eval', out), '--n: must be an integer from 1 to 100000, got 100000000');
  });
});

describe.skipIf(!existsSync(FASHION_MNIST_DIR))('predict on Fashion-MNIST', () => {
  it('needs only the run directory, not the dataset', async () => {
    const dir = tmp();
    const data = join(dir, 'data');
    mkdirSync(data);
    for (const file of readdirSync(FASHION_MNIST_DIR))
      copyFileSync(join(FASHION_MNIST_DIR, file), join(data, file));
    const out = join(dir, 'run');
    const args = [
      '--data',
      data,
      '--limit',
      '200',
      '--model',
      'mlp:8',
      '--epochs',
      '1',
      '--quiet',
      '--out',
      out,
    ];
    expect((await cli('train', 'fashion-mnist', ...args)).code).toBe(0);
    rmSync(data, { recursive: true });
    const r = await cli('predict', out, '--input', JSON.stringify([new Array(784).fill(0.5)]));
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^row 1 \(784 values\) → \S+.* \(T-shirt\/top [\d.]+%, /);
  });
});
