// @file Dataset specs of the command line: toy sets, pass-the-class, fashion-mnist, csv:PATH and text:PATH, split and encoded.
import { ValueError } from '../errors.js';
import { type Task } from '../data/datasets/csv.js';
import { readCsv } from '../data/datasets/csv-file.js';
import { FASHION_MNIST_DIR, fashionMnist } from '../data/datasets/fashion-mnist.js';
import { circle, gauss, moons, passTheClass, spiral, xor } from '../data/datasets/index.js';
import { Generator } from '../random/generator.js';
import { allocate, type TypedArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { columnStatistics, encodeTargets, standardize, type Encoding } from './encoding.js';
import { isTextDataset, prepareTextData } from './text-data.js';

/** Features and targets as whole tensors, encoded (targets: int32 class indices, or float32 [n, 1] standardized). */
export interface Split {
  x: Tensor;
  y: Tensor;
}

/** A dataset ready for the command line: encoded splits, task, names, and the encoding that made them. */
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
  /** How raw values become inputs and outputs become answers (saved in run.json). */
  encoding: Encoding;
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
  /** Characters per window of a text: dataset (default 64). */
  seqLen?: number;
  /**
   * A saved run's encoding to apply instead of deriving one (eval, resume): a CSV's feature columns are picked
   * by name, its labels mapped onto the run's classes, and the run's standardization statistics are used.
   */
  encoding?: Encoding;
}

/** Fashion-MNIST's training-set pixel mean and std (pixels scaled to [0, 1]). */
const FASHION_MEAN = 0.286;
const FASHION_STD = 0.353;

/** Most points `--n` may ask a generated 2-D set for: 10⁵ train in seconds and still make a readable plot. */
export const MAX_GENERATED_POINTS = 100_000;

export const TOY_SETS = ['circle', 'xor', 'gauss', 'spiral', 'moons', 'pass-the-class'] as const;

/** Rows `indices` of x, whose values (x.dataSync(), read once by the caller for every split) are `values`. */
function rows(x: Tensor, values: TypedArray, indices: Int32Array): Tensor {
  const width = x.numel() / (x.shape[0] || 1);
  const out = allocate(x.dtype, indices.length * width);
  indices.forEach((r, i) => out.set(values.subarray(r * width, (r + 1) * width), i * width));
  return new Tensor(out, [indices.length, ...x.shape.slice(1)], x.dtype);
}

/**
 * Splits off a seeded random validation share of round(n · share) samples. A share of 0 means no validation;
 * a share that leaves the training or the validation split empty is a ValueError.
 */
export function holdOut(data: Split, share: number, seed: number): { train: Split; val: Split | null } {
  if (!(share >= 0 && share < 1)) throw new ValueError('--val-split', `must be in [0, 1), got ${share}`);
  const n = data.x.shape[0]!;
  if (n === 0) throw new ValueError('--val-split', 'the dataset has no samples');
  if (share === 0) return { train: data, val: null };
  const valCount = Math.round(n * share);
  if (valCount === 0 || valCount === n) {
    const empty = valCount === 0 ? 'validation' : 'training';
    throw new ValueError(
      '--val-split',
      `${share} of ${n} samples leaves the ${empty} split empty (${valCount} for validation, ${n - valCount} for training): ` +
        `use a ${valCount === 0 ? 'larger' : 'smaller'} share, or 0 for no validation`,
    );
  }
  const order = new Generator(seed).permutation(n);
  const valIdx = order.subarray(0, valCount);
  const trainIdx = order.subarray(valCount);
  // One copy of each tensor's values for both splits (Fashion-MNIST's images are 188 MB).
  const xs = data.x.dataSync();
  const ys = data.y.dataSync();
  return {
    train: { x: rows(data.x, xs, trainIdx), y: rows(data.y, ys, trainIdx) },
    val: { x: rows(data.x, xs, valIdx), y: rows(data.y, ys, valIdx) },
  };
}

/** Applies an encoding's standardization to raw features and targets. */
function encodeSplit(encoding: Encoding, split: Split): Split {
  const values = split.x.dataSync(); // a copy, standardized in place when it is float32
  const out = values instanceof Float32Array ? values : undefined;
  return {
    x: new Tensor(standardize(values, encoding.featureMean, encoding.featureStd, out), split.x.shape),
    y: encodeTargets(encoding, split.y),
  };
}

/** A CSV: features picked by name, standardized with the training split's statistics (or a saved encoding's). */
function prepareCsv(spec: string, options: DataOptions): PreparedData {
  const path = spec.slice(4);
  const saved = options.encoding;
  const ds = readCsv(path, {
    ...(saved
      ? {
          features: saved.featureNames,
          target: saved.targetName ?? options.target ?? '',
          task: saved.task,
          ...(saved.task === 'classification' ? { classNames: saved.classNames } : {}),
        }
      : {
          ...(options.target !== undefined ? { target: options.target } : {}),
          ...(options.task !== undefined ? { task: options.task } : {}),
        }),
  });
  const [x, y] = ds.tensors;
  const k = ds.featureNames.length;
  const raw = holdOut({ x, y }, options.valSplit, options.seed);
  let encoding: Encoding;
  if (saved) encoding = saved;
  else {
    const n = raw.train.x.shape[0]!;
    const features = columnStatistics(raw.train.x.dataSync(), n, k);
    const target = ds.task === 'regression' ? columnStatistics(raw.train.y.dataSync(), n, 1) : null;
    encoding = {
      task: ds.task,
      inputShape: [k],
      featureNames: ds.featureNames,
      featureMean: features.mean,
      featureStd: features.std,
      targetName: ds.targetName,
      classNames: ds.classNames,
      targetMean: target ? target.mean[0]! : 0,
      targetStd: target ? target.std[0]! : 1,
    };
  }
  return {
    name: spec,
    task: encoding.task,
    outputs: encoding.task === 'classification' ? encoding.classNames.length : 1,
    inputShape: [k],
    featureNames: encoding.featureNames,
    classNames: encoding.classNames,
    train: encodeSplit(encoding, raw.train),
    val: raw.val ? encodeSplit(encoding, raw.val) : null,
    test: null,
    encoding,
  };
}

function prepareFashionMnist(spec: string, options: DataOptions): PreparedData {
  const dir = options.dataDir ?? FASHION_MNIST_DIR;
  const layout = options.layout ?? 'flat';
  const limit = options.limit ? { limit: options.limit } : {};
  const train = fashionMnist({ dir, split: 'train', layout, ...limit });
  const test = fashionMnist({ dir, split: 'test', layout, ...limit });
  // Pixels in [0, 1] are standardized with the training set's mean and std (0.2860, 0.3530), as is usual for MLPs.
  // A plain loop (in standardize): Float32Array.from with a mapping function boxes every value (47 M of them
  // here), which cost ~15 s of garbage collection per run.
  const inputShape = train.tensors[0].shape.slice(1);
  const encoding: Encoding = {
    task: 'classification',
    inputShape,
    featureNames: [],
    featureMean: [FASHION_MEAN],
    featureStd: [FASHION_STD],
    targetName: null,
    classNames: [...train.classNames],
    targetMean: 0,
    targetStd: 1,
  };
  const split = holdOut(
    encodeSplit(encoding, { x: train.tensors[0], y: train.tensors[1] }),
    options.valSplit,
    options.seed,
  );
  return {
    name: spec,
    task: 'classification',
    outputs: 10,
    inputShape,
    featureNames: [],
    classNames: encoding.classNames,
    ...split,
    test: encodeSplit(encoding, { x: test.tensors[0], y: test.tensors[1] }),
    encoding,
  };
}

/** Resolves a DATASET argument of `neurite train` / `neurite eval`. */
export function prepareData(spec: string, options: DataOptions): PreparedData {
  if (spec === 'fashion-mnist') return prepareFashionMnist(spec, options);
  if (spec.startsWith('csv:')) return prepareCsv(spec, options);
  if (isTextDataset(spec)) {
    return prepareTextData(spec, {
      valSplit: options.valSplit,
      ...(options.seqLen !== undefined ? { seqLen: options.seqLen } : {}),
      ...(options.encoding ? { encoding: options.encoding } : {}),
    });
  }
  const n = options.n ?? 400;
  if (!Number.isInteger(n) || n <= 0 || n > MAX_GENERATED_POINTS)
    throw new ValueError('--n', `must be an integer from 1 to ${MAX_GENERATED_POINTS}, got ${n}`);
  const common = {
    n,
    seed: options.seed,
    labels: 'int' as const,
    ...(options.noise !== undefined ? { noise: options.noise } : {}),
  };
  let ds;
  let mean = [0, 0];
  let std = [1, 1];
  switch (spec) {
    case 'pass-the-class':
      // The dataset comes standardized with fixed population moments; raw inputs are encoded the same way.
      ds = passTheClass(common);
      mean = passTheClass.mean.map(Number);
      std = passTheClass.std.map(Number);
      break;
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
        'dataset',
        `unknown dataset '${spec}' (expected ${TOY_SETS.join(', ')}, fashion-mnist, csv:PATH or text:PATH)`,
      );
  }
  const split = holdOut({ x: ds.x, y: ds.y }, options.valSplit, options.seed + 1);
  const encoding: Encoding = {
    task: 'classification',
    inputShape: [2],
    featureNames: [...ds.featureNames],
    featureMean: mean,
    featureStd: std,
    targetName: null,
    classNames: [...ds.classNames],
    targetMean: 0,
    targetStd: 1,
  };
  return {
    name: spec,
    task: 'classification',
    outputs: ds.numClasses,
    inputShape: [2],
    featureNames: encoding.featureNames,
    classNames: encoding.classNames,
    ...split,
    test: null,
    encoding,
  };
}
