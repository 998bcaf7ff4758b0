// @file `neurite descent`: gradient descent made visible — optimizers and learning rates on a loss surface.
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { passTheClass } from '../../data/datasets/pass-the-class.js';
import { ValueError } from '../../errors.js';
import { writeFileAtomic } from '../../io/files.js';
import { Linear } from '../../nn/layers/linear.js';
import { BCEWithLogitsLoss } from '../../nn/losses.js';
import { createOptimizer, type OptimizerName } from '../../optim/create.js';
import { manualSeed } from '../../random/generator.js';
import type { Tensor } from '../../tensor/tensor.js';
import { curvesSvg } from '../../viz/curves.js';
import { restore, snapshot, type SurfacePlane } from '../../viz/loss-surface/plane.js';
import { recordTrajectory } from '../../viz/loss-surface/record.js';
import { runOptimizerOnFunction } from '../../viz/loss-surface/run-optimizer.js';
import { functionSurface, lossSurface, type LossSurface } from '../../viz/loss-surface/surface.js';
import { lossSurfaceSvg, type Trajectory } from '../../viz/loss-surface/svg.js';
import { TEST_FUNCTIONS, type TestFunction } from '../../viz/loss-surface/test-functions.js';
import type { Print } from './train.js';

export const DESCENT_SURFACES = ['pass-the-class', 'bowl', 'valley', 'local-minima', 'saddle'] as const;
export type DescentSurface = (typeof DESCENT_SURFACES)[number];

export interface DescentOptions {
  surface: DescentSurface;
  /** Output folder for loss-surface.svg and learning-rates.svg. */
  out: string;
  /** Optimizer steps per run (default 100; 1000 on the valley, where every optimizer crawls). */
  steps?: number;
  /** Seed of the data and of the start point (pass-the-class). */
  seed?: number;
  /** Loss threshold of the "steps to reach" column (default: 5% of the way from the start loss to the minimum). */
  threshold?: number;
}

/** One optimizer configuration of the comparison. */
interface RunSpec {
  optimizer: OptimizerName;
  lr: number;
  momentum?: number;
  /** For the three plain SGD runs. */
  role?: 'too small' | 'good' | 'too large';
}

/** One row of the table. */
export interface DescentRun {
  /** 'SGD (too small)', 'SGD + momentum 0.9', 'Adam', … */
  name: string;
  optimizer: OptimizerName;
  lr: number;
  momentum?: number;
  role?: RunSpec['role'];
  points: [number, number][];
  losses: number[];
  /** First step at which the loss is ≤ the threshold, or null. */
  stepsToThreshold: number | null;
  /** Steps after which the loss was higher than before (an oscillating run has many). */
  rises: number;
  /** Non-finite, or ending above the start loss. */
  diverged: boolean;
  /** Test functions: index into the function's minima of the one the run ends in (within 0.05), else null. */
  minimum?: number | null;
}

export interface DescentResult {
  surface: LossSurface;
  runs: DescentRun[];
  threshold: number;
  /** The lowest loss of the problem (pass-the-class: of a long reference training; functions: the global minimum). */
  bestLoss: number;
  files: string[];
}

/**
 * The runs of every surface: plain SGD at three rates (below, near and above the stable range 2/λ_max of the
 * curvature λ_max along the path), SGD with momentum, and the adaptive optimizers at rates usual for them.
 */
const RUNS: Record<DescentSurface, RunSpec[]> = {
  'pass-the-class': [
    { optimizer: 'sgd', lr: 0.1, role: 'too small' },
    { optimizer: 'sgd', lr: 10, role: 'good' },
    { optimizer: 'sgd', lr: 30, role: 'too large' },
    { optimizer: 'sgd', lr: 1, momentum: 0.9 },
    { optimizer: 'adam', lr: 0.1 },
    { optimizer: 'rmsprop', lr: 0.01 },
    { optimizer: 'adagrad', lr: 0.5 },
    { optimizer: 'adadelta', lr: 1 },
  ],
  bowl: [
    { optimizer: 'sgd', lr: 0.01, role: 'too small' },
    { optimizer: 'sgd', lr: 0.3, role: 'good' },
    { optimizer: 'sgd', lr: 1.05, role: 'too large' },
    { optimizer: 'sgd', lr: 0.05, momentum: 0.9 },
    { optimizer: 'adam', lr: 0.1 },
    { optimizer: 'rmsprop', lr: 0.01 },
    { optimizer: 'adagrad', lr: 0.5 },
    { optimizer: 'adadelta', lr: 1 },
  ],
  valley: [
    { optimizer: 'sgd', lr: 5e-5, role: 'too small' },
    { optimizer: 'sgd', lr: 5e-4, role: 'good' },
    { optimizer: 'sgd', lr: 3e-3, role: 'too large' },
    { optimizer: 'sgd', lr: 1e-4, momentum: 0.9 },
    { optimizer: 'adam', lr: 0.05 },
    { optimizer: 'rmsprop', lr: 0.01 },
    { optimizer: 'adagrad', lr: 0.5 },
    { optimizer: 'adadelta', lr: 1 },
  ],
  'local-minima': [
    { optimizer: 'sgd', lr: 0.05, role: 'too small' },
    { optimizer: 'sgd', lr: 0.5, role: 'good' },
    { optimizer: 'sgd', lr: 1.5, role: 'too large' },
    { optimizer: 'sgd', lr: 0.1, momentum: 0.9 },
    { optimizer: 'adam', lr: 0.2 },
    { optimizer: 'rmsprop', lr: 0.01 },
    { optimizer: 'adagrad', lr: 0.5 },
    { optimizer: 'adadelta', lr: 1 },
  ],
  saddle: [
    { optimizer: 'sgd', lr: 0.01, role: 'too small' },
    { optimizer: 'sgd', lr: 0.1, role: 'good' },
    { optimizer: 'sgd', lr: 1, role: 'too large' },
    { optimizer: 'sgd', lr: 0.02, momentum: 0.9 },
    { optimizer: 'adam', lr: 0.1 },
    { optimizer: 'rmsprop', lr: 0.01 },
    { optimizer: 'adagrad', lr: 0.5 },
    { optimizer: 'adadelta', lr: 1 },
  ],
};

const DISPLAY: Record<OptimizerName, string> = {
  sgd: 'SGD',
  adam: 'Adam',
  adamw: 'AdamW',
  adagrad: 'Adagrad',
  adadelta: 'Adadelta',
  rmsprop: 'RMSprop',
};

function runName(spec: RunSpec): string {
  if (spec.momentum) return `SGD + momentum ${spec.momentum}`;
  return DISPLAY[spec.optimizer] + (spec.role ? ` (${spec.role} lr)` : '');
}

const FUNCTION_OF: Record<Exclude<DescentSurface, 'pass-the-class'>, TestFunction> = {
  bowl: TEST_FUNCTIONS.bowl,
  valley: TEST_FUNCTIONS.valley,
  'local-minima': TEST_FUNCTIONS.localMinima,
  saddle: TEST_FUNCTIONS.saddle,
};

/**
 * Checks --out before any work: an existing directory, or a path whose missing parents can be created (made one
 * level at a time). Unlike a run directory, the folder may hold other files; only the two SVGs are replaced,
 * each atomically. Returns the absolute path.
 */
export function prepareOutputFolder(out: string, option = '--out'): string {
  const target = nodePath.resolve(out);
  let ancestor = target;
  const missing: string[] = [];
  for (;;) {
    let stats: fs.Stats | undefined;
    try {
      stats = fs.statSync(ancestor);
    } catch (error) {
      // ENOTDIR: a file on the way up, reported by the loop when it reaches it.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR')
        throw new ValueError(option, `cannot use ${out}: ${(error as Error).message}`);
    }
    if (stats) {
      if (!stats.isDirectory())
        throw new ValueError(
          option,
          ancestor === target
            ? `${out} exists and is not a directory; give a directory for the plots`
            : `cannot write ${out}: ${ancestor} is not a directory`,
        );
      break;
    }
    missing.unshift(ancestor);
    const up = nodePath.dirname(ancestor);
    if (up === ancestor) break;
    ancestor = up;
  }
  try {
    fs.accessSync(ancestor, fs.constants.W_OK);
  } catch {
    throw new ValueError(option, `cannot write ${out}: ${ancestor} is not writable`);
  }
  for (const directory of missing) {
    try {
      fs.mkdirSync(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new ValueError(option, `cannot create ${directory} for ${out}: ${(error as Error).message}`);
    }
  }
  return target;
}

/** Counts the steps after which the loss went up. */
function countRises(losses: readonly number[]): number {
  let rises = 0;
  for (let i = 1; i < losses.length; i++) if (losses[i]! > losses[i - 1]! + 1e-9) rises++;
  return rises;
}

function summarize(
  spec: RunSpec,
  path: { points: [number, number][]; losses: number[]; diverged: boolean },
  threshold: number,
): DescentRun {
  const finalLoss = path.losses[path.losses.length - 1]!;
  const reached = path.losses.findIndex((v) => v <= threshold);
  return {
    name: runName(spec),
    optimizer: spec.optimizer,
    lr: spec.lr,
    ...(spec.momentum !== undefined ? { momentum: spec.momentum } : {}),
    ...(spec.role !== undefined ? { role: spec.role } : {}),
    points: path.points,
    losses: path.losses,
    stepsToThreshold: reached < 0 ? null : reached,
    rises: countRises(path.losses),
    diverged: path.diverged || !Number.isFinite(finalLoss) || finalLoss > path.losses[0]!,
  };
}

/**
 * The perceptron p(pass) = σ(b + w1·x1 + w2·x2) on pass-the-class (400 students, standardized features), trained
 * full-batch so that the loss each optimizer descends is exactly the drawn surface: the bias is held at its value
 * after a long reference training (Adam, lr 0.05, 3000 steps), and only w1 and w2 move, each run from the same
 * random start (nn.Linear's initialization under the seed).
 */
function passTheClassProblem(seed: number, steps: number, thresholdOption: number | undefined) {
  manualSeed(seed);
  const [x, y] = passTheClass({ n: 400, seed }).tensors;
  const model = new Linear(2, 1);
  const lossFn = new BCEWithLogitsLoss();
  const loss = (): Tensor => lossFn.forward(model.forward(x), y);
  const start = snapshot([model.weight]);
  const reference = createOptimizer('adam', model.parameters(), { lr: 0.05 });
  for (let i = 0; i < 3000; i++) {
    reference.zeroGrad();
    loss().backward();
    reference.step();
  }
  const best = snapshot([model.weight]);
  const bestLoss = loss().item();
  restore([model.weight], start);
  const plane: SurfacePlane = {
    kind: 'parameters',
    x: { param: model.weight, index: 0, label: 'w1 (weight of lectures attended, standardized)' },
    y: { param: model.weight, index: 1, label: 'w2 (weight of hours on the project, standardized)' },
  };
  const startLoss = loss().item();
  const threshold = thresholdOption ?? bestLoss + 0.05 * (startLoss - bestLoss);
  const runs = RUNS['pass-the-class'].map((spec) =>
    summarize(
      spec,
      recordTrajectory({
        params: [model.weight],
        loss,
        plane,
        steps,
        optimizer: (params) =>
          createOptimizer(spec.optimizer, params, { lr: spec.lr, momentum: spec.momentum ?? 0 }),
      }),
      threshold,
    ),
  );
  const surface = lossSurface({
    loss,
    plane,
    ...rangesAround([...runs.flatMap((r) => r.points), [best[0]![0]!, best[0]![1]!]]),
    resolution: 61,
  });
  surface.minima = [[best[0]![0]!, best[0]![1]!]];
  return { surface, runs, threshold, bestLoss };
}

/** Square-ish ranges covering the points, 8% padding on each side. */
function rangesAround(points: readonly (readonly [number, number])[]): {
  xRange: [number, number];
  yRange: [number, number];
} {
  const finite = points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  const range = (values: number[]): [number, number] => {
    const [lo, hi] = [Math.min(...values), Math.max(...values)];
    const pad = Math.max(hi - lo, 1) * 0.08;
    return [lo - pad, hi + pad];
  };
  return { xRange: range(finite.map((p) => p[0])), yRange: range(finite.map((p) => p[1])) };
}

function functionProblem(
  fn: TestFunction,
  surfaceName: DescentSurface,
  steps: number,
  thresholdOption?: number,
) {
  const bestLoss = Math.min(...fn.minima.map(([mx, my]) => evaluate(fn, mx, my)));
  const startLoss = evaluate(fn, fn.start[0], fn.start[1]);
  const threshold = thresholdOption ?? bestLoss + 0.05 * (startLoss - bestLoss);
  const runs = RUNS[surfaceName].map((spec) => {
    const path = runOptimizerOnFunction(fn, spec.optimizer, {
      lr: spec.lr,
      momentum: spec.momentum ?? 0,
      steps,
    });
    const run = summarize(spec, path, threshold);
    const end = run.points[run.points.length - 1]!;
    const index = fn.minima.findIndex(([mx, my]) => Math.hypot(end[0] - mx, end[1] - my) < 0.05);
    return { ...run, minimum: run.diverged || index < 0 ? null : index };
  });
  return { surface: functionSurface(fn), runs, threshold, bestLoss };
}

function evaluate(fn: TestFunction, x: number, y: number): number {
  return runOptimizerOnFunction(fn, (params) => createOptimizer('sgd', params, { lr: 0 }), {
    steps: 0,
    start: [x, y],
  }).losses[0]!;
}

function fmtNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}

function minimumName(fn: TestFunction, index: number | null | undefined): string {
  if (index === null || index === undefined) return 'none';
  const [mx, my] = fn.minima[index]!;
  return `${index === 0 ? 'global' : 'local'} (${fmtNumber(mx)}, ${fmtNumber(my)})`;
}

/**
 * `neurite descent`: trains the same problem from the same start with plain SGD at three learning rates and with
 * momentum, Adam, RMSprop, Adagrad and Adadelta; prints a table (steps to reach a loss threshold, final loss, how
 * often the loss rose, divergence, and for test functions the minimum each run ends in); writes loss-surface.svg
 * (the slice with every path) and learning-rates.svg (loss against step).
 */
export function descentCommand(options: DescentOptions, print: Print): DescentResult {
  const steps = options.steps ?? (options.surface === 'valley' ? 1000 : 100);
  const seed = options.seed ?? 0;
  if (!(DESCENT_SURFACES as readonly string[]).includes(options.surface))
    throw new ValueError(
      '--surface',
      `unknown surface '${options.surface}' (expected ${DESCENT_SURFACES.join(', ')})`,
    );
  const out = prepareOutputFolder(options.out);
  const fn = options.surface === 'pass-the-class' ? null : FUNCTION_OF[options.surface];
  const { surface, runs, threshold, bestLoss } = fn
    ? functionProblem(fn, options.surface, steps, options.threshold)
    : passTheClassProblem(seed, steps, options.threshold);

  const title = fn
    ? `${fn.label}: ${steps} steps from (${fn.start.join(', ')})`
    : `Will I pass? The perceptron's loss over (w1, w2): ${steps} full-batch steps per optimizer`;
  print(
    fn
      ? `Gradient descent on the ${fn.label}`
      : 'Gradient descent on "Will I pass this class?" (perceptron, 400 students)',
  );
  print(
    fn
      ? `every run starts at (${fn.start.join(', ')}); the lowest loss is ${fmtNumber(bestLoss)}`
      : `every run starts at the same random weights (seed ${seed}); the bias is held at its trained value; the lowest loss is ${fmtNumber(bestLoss)}`,
  );
  const header = [
    'optimizer'.padEnd(26),
    'lr'.padStart(8),
    `steps to ≤ ${fmtNumber(threshold)}`.padStart(18),
    'final loss'.padStart(11),
    'loss rose'.padStart(10),
    'diverged'.padStart(9),
    ...(fn ? ['  ends in'] : []),
  ];
  print('');
  print(header.join(' '));
  for (const run of runs) {
    print(
      [
        run.name.padEnd(26),
        fmtNumber(run.lr).padStart(8),
        (run.stepsToThreshold === null ? 'never' : String(run.stepsToThreshold)).padStart(18),
        fmtNumber(run.losses[run.losses.length - 1]!).padStart(11),
        `${run.rises}/${run.losses.length - 1}`.padStart(10),
        (run.diverged ? 'yes' : 'no').padStart(9),
        ...(fn ? [`  ${minimumName(fn, run.minimum)}`] : []),
      ].join(' '),
    );
  }

  const trajectories: Trajectory[] = runs.map((run) => ({
    optimizer: run.name,
    lr: run.lr,
    points: run.points,
    losses: run.losses,
    diverged: run.diverged,
  }));
  const surfaceSvg = lossSurfaceSvg(surface, trajectories, {
    title,
    logScale: options.surface !== 'local-minima' && options.surface !== 'saddle',
  });
  const positive = runs.every((r) => r.losses.every((v) => !Number.isFinite(v) || v > 0));
  const curves = curvesSvg({
    series: runs.map((run) => ({
      name: `${run.momentum ? 'momentum' : DISPLAY[run.optimizer]}, lr ${fmtNumber(run.lr)}`,
      values: run.losses,
      x: run.losses.map((_, i) => i),
    })),
    title: `Loss against step: ${fn ? fn.label : 'the perceptron on pass-the-class'}`,
    xLabel: 'step',
    yLabel: 'loss',
    logY: positive && options.surface !== 'pass-the-class',
    markers: [],
    width: 900,
  });
  const files = [nodePath.join(out, 'loss-surface.svg'), nodePath.join(out, 'learning-rates.svg')];
  writeFileAtomic(files[0]!, [new TextEncoder().encode(surfaceSvg)]);
  writeFileAtomic(files[1]!, [new TextEncoder().encode(curves)]);
  print('');
  print(`Wrote ${files[0]} (the loss over the slice with every path: open circle = start, dot = end)`);
  print(`  and ${files[1]} (loss against step for each run).`);
  return { surface, runs, threshold, bestLoss, files };
}
