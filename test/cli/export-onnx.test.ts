// @file `neurite export RUN --format onnx`: the perceptron, an MLP, a CNN and a regression run give neurite's predictions in ONNX Runtime.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { encodeRows } from '../../src/cli/encoding.js';
import { loadPredictor } from '../../src/cli/run.js';
import { noGrad, tensor } from '../../src/index.js';
import { maxAbsDiff, onnxCheck, pythonHasOnnx, runInOrt } from '../io/onnx/ort.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'neurite-export-onnx-'));
const FASHION = '/usr/share/datasets/fashion-mnist';

async function cli(...argv: string[]): Promise<string[]> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { print: (l) => out.push(l), error: (l) => err.push(l) });
  expect(err.join('\n')).toBe('');
  expect(code).toBe(0);
  return out;
}

const written: Record<string, Uint8Array> = {};

/** Trains, exports, and compares ONNX Runtime on raw rows with neurite's predictor (encoding + model, + target scale). */
async function exportAndCompare(name: string, trainArgs: string[], rows: number[][]): Promise<void> {
  const dir = join(tmp(), 'run');
  await cli('train', ...trainArgs, '--epochs', '1', '--quiet', '--out', dir);
  const file = join(tmp(), `${name}.onnx`);
  const lines = await cli('export', dir, '--format', 'onnx', '--out', file);
  expect(lines.join('\n')).toMatch(/wrote .*\.onnx \(ONNX opset 17/);
  const bytes = new Uint8Array(readFileSync(file));
  written[name] = bytes;
  const { model, encoding } = loadPredictor(dir);
  model.eval();
  let expected = noGrad(() => model.forward(encodeRows(encoding, rows, 'test'))).dataSync();
  if (encoding.task === 'regression')
    expected = expected.map((v) => encoding.targetMean + encoding.targetStd * v);
  const raw = tensor(rows.flat()).reshape([rows.length, ...encoding.inputShape]);
  const got = await runInOrt(bytes, raw);
  expect(got.dims[0]).toBe(rows.length);
  expect(maxAbsDiff(got.data, expected), name).toBeLessThan(
    1e-5 * Math.max(1, ...Array.from(expected, Math.abs)),
  );
}

describe('neurite export --format onnx', () => {
  it('the perceptron on circle and an MLP with dropout on spiral', async () => {
    const points = [
      [0.1, -0.4],
      [1.5, 0.3],
      [-2, 2],
      [0, 0],
      [0.7, -1.1],
    ];
    await exportAndCompare('perceptron', ['circle', '--model', 'perceptron', '--seed', '1'], points);
    await exportAndCompare(
      'mlp',
      ['spiral', '--model', 'mlp:16,8', '--activation', 'gelu', '--dropout', '0.2'],
      points,
    );
  }, 60_000);

  it('a regression MLP on a CSV (outputs in target units)', async () => {
    const csv = join(tmp(), 'houses.csv');
    const lines = ['rooms,area,price'];
    for (let i = 0; i < 60; i++) lines.push(`${1 + (i % 5)},${40 + 3 * i},${100 + 20 * (i % 5) + 2.5 * i}`);
    writeFileSync(csv, lines.join('\n'));
    await exportAndCompare(
      'regression',
      [`csv:${csv}`, '--model', 'mlp:8', '--task', 'regression'],
      [
        [2, 50],
        [4, 150],
        [1, 300],
      ],
    );
  }, 60_000);

  it.skipIf(
    !existsSync(join(FASHION, 'train-images-idx3-ubyte.gz')) &&
      !existsSync(join(FASHION, 'train-images-idx3-ubyte')),
  )(
    'the default cnn on Fashion-MNIST (raw pixel values in, logits out)',
    async () => {
      const images = Array.from({ length: 3 }, (_, r) =>
        Array.from({ length: 784 }, (_, i) => ((i * 7 + r * 31) % 256) / 255),
      );
      await exportAndCompare(
        'cnn',
        ['fashion-mnist', '--model', 'cnn', '--limit', '64', '--batch-size', '32'],
        images,
      );
    },
    120_000,
  );

  it('onnx.checker accepts the exported runs (when /usr/bin/python3 has onnx)', async () => {
    expect(Object.keys(written).length).toBeGreaterThanOrEqual(3);
    if (!pythonHasOnnx()) return;
    expect(onnxCheck(written)).toBe('');
  });
});
