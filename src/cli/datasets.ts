// @file Dataset specs of the command line: toy sets, pass-the-class, fashion-mnist and csv:PATH, split for training.
import { ValueError } from '../errors.js';
import { loadCsv, type Task } from '../data/datasets/csv.js';
import { FASHION_MNIST_DIR, fashionMnist } from '../data/datasets/idx.js';
import { circle, gauss, moons, passTheClass, spiral, xor } from '../data/datasets/index.js';
import { Generator } from '../random/generator.js';
import { allocate } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/** Features and targets as whole tensors (targets: int32 class indices, or float32 [n, k] for regression). */
export interface Split {
  x: Tensor;
  y: Tensor;
}

/** A dataset ready for the command line: splits, task, names, and how to encode raw user input. */
export interface PreparedData {
  name: string;
  task: Task;
  /** Number of classes (classification) or of target columns (regression). */
  outputs: number;
  /** Input shape of one sample, e.g. [2] or [784] or [1, 28, 28]. */
  inputShape: number[];
  featureNames: string[];
  classNames: string[];
  train: Split;
  val: Split | null;
  test: Split | null;
  /** Raw rows as the user types them → model inputs (pass-the-class standardises; others are identity). */
  encode: (rows: number[][]) => Tensor;
}

export interface DataOptions {
  /** Validation share of the training data (0 disables validation). */
  valSplit: number;
  seed: number;
  /** Points for the generated sets. */
  n?: number;
  noise?: number;
  /** Directory of the Fashion-MNIST IDX files. */
  dataDir?: string;
  /** CSV target column and forced task. */
  target?: string;
  task?: Task;
  /** 'image' keeps images as [n, 1, 28, 28] (CNNs); default 'flat'. */
  layout?: 'flat' | 'image';
  /** Use only this many training (and test) images, for quick runs. */
  limit?: number;
}

/** Fashion-MNIST's training-set pixel mean and std (pixels scaled to [0, 1]). */
const FASHION_MEAN = 0.286;
const FASHION_STD = 0.353;

export const TOY_SETS = ['circle', 'xor', 'gauss', 'spiral', 'moons', 'pass-the-class'] as const;

function rows(x: Tensor, indices: Int32Array): Tensor {
  const width = x.numel() / (x.shape[0] || 1);
  const out = allocate(x.dtype, indices.length * width);
  indices.forEach((r, i) => out.set(x.storage.subarray(r * width, (r + 1) * width), i * width));
  return new Tensor(out, [indices.length, ...x.shape.slice(1)], x.dtype);
}

/** Splits off a seeded random validation share. */
export function holdOut(data: Split, share: number, seed: number): { train: Split; val: Split | null } {
  if (!(share >= 0 && share < 1)) throw new ValueError('--val-split', `must be in [0, 1), got ${share}`);
  const n = data.x.shape[0]!;
  const valCount = Math.round(n * share);
  if (valCount === 0) return { train: data, val: null };
  const order = new Generator(seed).permutation(n);
  const valIdx = order.subarray(0, valCount);
  const trainIdx = order.subarray(valCount);
  return {
    train: { x: rows(data.x, trainIdx), y: rows(data.y, trainIdx) },
    val: { x: rows(data.x, valIdx), y: rows(data.y, valIdx) },
  };
}

/** Resolves a DATASET argument of `neurite train` / `neurite eval`. */
export function prepareData(spec: string, options: DataOptions): PreparedData {
  const identity = (input: number[][]): Tensor =>
    new Tensor(Float32Array.from(input.flat()), [input.length, input[0]?.length ?? 0]);
  if (spec === 'fashion-mnist') {
    const dir = options.dataDir ?? FASHION_MNIST_DIR;
    const layout = options.layout ?? 'flat';
    const train = fashionMnist({
      dir,
      split: 'train',
      layout,
      ...(options.limit ? { limit: options.limit } : {}),
    });
    const test = fashionMnist({
      dir,
      split: 'test',
      layout,
      ...(options.limit ? { limit: options.limit } : {}),
    });
    // Pixels in [0, 1] are standardized with the training set's mean and std (0.2860, 0.3530), as is usual for MLPs.
    // A plain loop: Float32Array.from with a mapping function boxes every value (47 M of them here), which cost
    // ~15 s of garbage collection per run.
    const normalize = (t: Tensor): Tensor => {
      const source = t.storage;
      const out = new Float32Array(source.length);
      for (let i = 0; i < source.length; i++) out[i] = (source[i]! - FASHION_MEAN) / FASHION_STD;
      return new Tensor(out, t.shape);
    };
    const x = normalize(train.tensors[0]);
    const y = train.tensors[1];
    const split = holdOut({ x, y }, options.valSplit, options.seed);
    return {
      name: spec,
      task: 'classification',
      outputs: 10,
      inputShape: x.shape.slice(1),
      featureNames: [],
      classNames: [...train.classNames],
      ...split,
      test: { x: normalize(test.tensors[0]), y: test.tensors[1] },
      encode: (input) =>
        normalize(new Tensor(Float32Array.from(input.flat()), [input.length, ...x.shape.slice(1)])),
    };
  }
  if (spec.startsWith('csv:')) {
    const ds = loadCsv(spec.slice(4), {
      ...(options.target ? { target: options.target } : {}),
      ...(options.task ? { task: options.task } : {}),
    });
    const [x, y] = ds.tensors;
    const split = holdOut({ x, y }, options.valSplit, options.seed);
    return {
      name: spec,
      task: ds.task,
      outputs: ds.task === 'classification' ? ds.classNames.length : 1,
      inputShape: [x.shape[1]!],
      featureNames: ds.featureNames,
      classNames: ds.classNames,
      ...split,
      test: null,
      encode: identity,
    };
  }
  const common = {
    n: options.n ?? 400,
    seed: options.seed,
    labels: 'int' as const,
    ...(options.noise !== undefined ? { noise: options.noise } : {}),
  };
  let ds;
  let encode = identity;
  switch (spec) {
    case 'pass-the-class': {
      const ptc = passTheClass(common);
      encode = (input) => ptc.encode(input);
      ds = ptc;
      break;
    }
    case 'circle':
      ds = circle(common);
      break;
    case 'xor':
      ds = xor(common);
      break;
    case 'gauss':
      ds = gauss(common);
      break;
    case 'spiral':
      ds = spiral(common);
      break;
    case 'moons':
      ds = moons(common);
      break;
    default:
      throw new ValueError(
        'neurite',
        `unknown dataset '${spec}' (expected ${TOY_SETS.join(', ')}, fashion-mnist or csv:PATH)`,
      );
  }
  const split = holdOut({ x: ds.x, y: ds.y }, options.valSplit, options.seed + 1);
  return {
    name: spec,
    task: 'classification',
    outputs: ds.numClasses,
    inputShape: [2],
    featureNames: [...ds.featureNames],
    classNames: [...ds.classNames],
    ...split,
    test: null,
    encode,
  };
}
