// @file `neurite demo`: MIT 6.S191 lecture 1 end to end — "Will I pass this class?" with a perceptron and a hidden layer.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { noGrad } from '../../autograd/grad-mode.js';
import { DataLoader } from '../../data/dataloader.js';
import { passTheClass } from '../../data/datasets/pass-the-class.js';
import { TensorDataset } from '../../data/tensor-dataset.js';
import { ReLU } from '../../nn/layers/activation.js';
import { Sequential } from '../../nn/layers/container.js';
import { Linear } from '../../nn/layers/linear.js';
import { BCEWithLogitsLoss } from '../../nn/losses.js';
import { Adam } from '../../optim/adam.js';
import { Generator, manualSeed } from '../../random/generator.js';
import { Tensor } from '../../tensor/tensor.js';
import { fit, predict } from '../../train/loop.js';
import { binaryAccuracy } from '../../train/metrics.js';
import { curvesSvg } from '../../viz/curves.js';
import { decisionBoundarySvg } from '../../viz/decision-boundary.js';
import { descentCommand } from './descent.js';
import type { Print } from './train.js';

export interface DemoOptions {
  out: string;
  epochs: number;
  seed: number;
  verbose: boolean;
}

/** The lecture's example students: [lectures attended, hours on the final project]. */
export const EXAMPLE_STUDENTS: readonly (readonly [number, number])[] = [
  [4, 5],
  [2, 3],
  [10, 2],
  [8, 8],
  [12, 11],
];

function fmt(v: number, digits = 2): string {
  return (v < 0 ? '− ' : '+ ') + Math.abs(v).toFixed(digits);
}

/**
 * Trains the perceptron p(pass) = σ(w0 + w1·lectures + w2·hours) and a one-hidden-layer network on
 * passTheClass, prints the learned equation, its decision line and example predictions, compares accuracies,
 * and writes decision-boundary.svg and loss.svg; then runs `neurite descent` on the perceptron (loss-surface.svg,
 * learning-rates.svg).
 */
export async function demoCommand(options: DemoOptions, print: Print): Promise<void> {
  manualSeed(options.seed);
  const all = passTheClass({ n: 500, seed: options.seed });
  const [x, y] = all.tensors;
  const order = new Generator(options.seed + 1).permutation(500);
  const take = (idx: Int32Array, t: Tensor): Tensor => {
    const width = t.numel() / t.shape[0]!;
    const out = new Float32Array(idx.length * width);
    const values = t.dataSync();
    idx.forEach((r, i) => out.set(values.subarray(r * width, (r + 1) * width), i * width));
    return new Tensor(out, [idx.length, ...t.shape.slice(1)]);
  };
  const trainIdx = order.subarray(0, 400);
  const testIdx = order.subarray(400);
  const train = { x: take(trainIdx, x), y: take(trainIdx, y) };
  const test = { x: take(testIdx, x), y: take(testIdx, y) };
  const [meanL, meanH] = [Number(passTheClass.mean[0]), Number(passTheClass.mean[1])];
  const [stdL, stdH] = [Number(passTheClass.std[0]), Number(passTheClass.std[1])];
  const raw = (t: Tensor): Tensor =>
    new Tensor(
      Float32Array.from(t.dataSync(), (v, i) => (i % 2 === 0 ? v * stdL + meanL : v * stdH + meanH)),
      t.shape,
    );

  print('Will I pass this class? — MIT 6.S191, lecture 1');
  print(
    `${train.x.shape[0]} students to learn from, ${test.x.shape[0]} to test on; features: lectures attended (0–12), hours on the final project (0–12).`,
  );

  const models = [
    {
      name: 'perceptron',
      title: 'Perceptron: σ(w0 + w1·x1 + w2·x2)',
      model: new Sequential(new Linear(2, 1)),
    },
    {
      name: 'hidden layer',
      title: 'One hidden layer (8 ReLU units)',
      model: new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 1)),
    },
  ];
  const lossFn = new BCEWithLogitsLoss();
  const curves: { name: string; values: number[]; dashed?: boolean }[] = [];
  const results: { name: string; train: number; test: number }[] = [];
  for (const entry of models) {
    print(
      `\nTraining the ${entry.name} (${entry.model.numParameters()} parameters, Adam lr 0.05, batch 32, ${options.epochs} epochs)`,
    );
    const loader = new DataLoader(new TensorDataset<[Tensor, Tensor]>(train.x, train.y), {
      batchSize: 32,
      shuffle: true,
      generator: new Generator(options.seed + 2),
    });
    const val = new DataLoader(new TensorDataset<[Tensor, Tensor]>(test.x, test.y), { batchSize: 500 });
    const history = await fit(entry.model, {
      train: loader,
      val,
      epochs: options.epochs,
      optimizer: new Adam(entry.model.parameters(), { lr: 0.05 }),
      loss: lossFn,
      metrics: [['accuracy', (o, t) => binaryAccuracy(o, t)]],
      verbose: options.verbose ? 10 : false,
    });
    curves.push({ name: `${entry.name}: train`, values: history.history.loss! });
    curves.push({ name: `${entry.name}: test`, values: history.history.valLoss!, dashed: true });
    results.push({
      name: entry.name,
      train: binaryAccuracy(predict(entry.model, train.x), train.y),
      test: binaryAccuracy(predict(entry.model, test.x), test.y),
    });
  }

  // The perceptron's weights act on standardized inputs x' = (x − μ)/σ; rewrite them in raw units.
  const perceptron = models[0]!.model.at(0) as Linear;
  const [w1s, w2s] = Array.from(perceptron.weight.dataSync());
  const bs = perceptron.bias!.dataSync()[0]!;
  const w1 = w1s! / stdL;
  const w2 = w2s! / stdH;
  const w0 = bs - w1 * meanL - w2 * meanH;
  print('\nThe perceptron learned');
  print(`  p(pass) = σ(${w0.toFixed(2)} ${fmt(w1)}·lectures ${fmt(w2)}·hours)`);
  print(`  decision boundary (p = 0.5): ${w0.toFixed(2)} ${fmt(w1)}·lectures ${fmt(w2)}·hours = 0`);
  if (Math.abs(w2) > 1e-9)
    print(`  i.e. you pass when hours > ${(-w0 / w2).toFixed(2)} ${fmt(-w1 / w2)}·lectures`);

  print('\nWill these students pass?');
  const students = EXAMPLE_STUDENTS.map((s) => [...s]);
  const inputs = passTheClass.encode(students);
  const probabilities = models.map((m) => noGrad(() => predict(m.model, inputs).sigmoid()).dataSync());
  print(
    `  ${'lectures'.padStart(8)} ${'hours'.padStart(6)}   ${models.map((m) => m.name.padStart(14)).join(' ')}`,
  );
  students.forEach(([lectures, hours], i) => {
    const cells = probabilities.map((p) => `${(p[i]! * 100).toFixed(1)}%`.padStart(14));
    print(`  ${String(lectures).padStart(8)} ${String(hours).padStart(6)}   ${cells.join(' ')}`);
  });

  print('\nAccuracy');
  for (const r of results)
    print(`  ${r.name.padEnd(14)} train ${(r.train * 100).toFixed(1)}%   test ${(r.test * 100).toFixed(1)}%`);

  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });
  const boundary = decisionBoundarySvg({
    panels: models.map((m) => ({
      title: m.title,
      predict: (grid: Tensor) => predict(m.model, passTheClass.encode(rowsOf(grid))).sigmoid(),
    })),
    x: raw(train.x),
    y: train.y,
    validation: { x: raw(test.x), y: test.y },
    xLabel: 'lectures attended',
    yLabel: 'hours spent on the final project',
    classNames: ['fail', 'pass'],
    title: 'Will I pass this class? Decision boundaries',
    bounds: { x: [-0.5, 12.5], y: [-0.5, 12.5] },
  });
  writeFileSync(join(out, 'decision-boundary.svg'), boundary);
  writeFileSync(
    join(out, 'loss.svg'),
    curvesSvg({
      series: curves,
      title: 'Binary cross-entropy during training',
      yLabel: 'loss',
      xLabel: 'epoch',
    }),
  );
  print(
    `\nWrote ${join(out, 'decision-boundary.svg')} (both models side by side: probability heatmap, students, the p = 0.5 line)`,
  );
  print(`  and ${join(out, 'loss.svg')} (training and test loss per epoch).`);

  // The lecture's picture of training: the perceptron's loss over (w1, w2) and the path each optimizer takes.
  print('\nHow the perceptron gets there: gradient descent on its loss surface (as `neurite descent`)');
  descentCommand({ surface: 'pass-the-class', out, seed: options.seed }, print);
}

function rowsOf(grid: Tensor): number[][] {
  const n = grid.shape[0]!;
  const values = grid.dataSync();
  return Array.from({ length: n }, (_, i) => [values[2 * i]!, values[2 * i + 1]!]);
}
