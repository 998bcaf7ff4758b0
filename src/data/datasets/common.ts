// @file Shared plumbing of the built-in datasets: option checks, seeds, label formats, the ToyDataset class.
import { ValueError } from '../../errors.js';
import { Generator, defaultGenerator } from '../../random/generator.js';
import { Tensor } from '../../tensor/tensor.js';
import { checkOptionKeys } from '../dataset.js';
import { TensorDataset } from '../tensor-dataset.js';

/**
 * How labels are returned:
 * - `'int'`: class indices, int32 [n] — targets for `nn.CrossEntropyLoss` (any number of classes);
 * - `'float'`: 0/1 as float32 [n, 1] — targets for `nn.BCEWithLogitsLoss` on a `Linear(…, 1)` output
 *   (two classes only);
 * - `'onehot'`: float32 [n, classes] — probability targets for CrossEntropyLoss, or for MSELoss.
 */
export type LabelFormat = 'int' | 'float' | 'onehot';

/** Options every built-in 2-D dataset takes. */
export interface ToyOptions {
  /** Number of points; default 400. */
  n?: number;
  /** Noise level (its meaning, with its default, is given by each dataset). */
  noise?: number;
  /** Seed of the dataset's own Generator; default: one draw from the global generator (see manualSeed). */
  seed?: number;
  /** Label format; default `'int'` (class indices). */
  labels?: LabelFormat;
}

/** A built-in dataset: `TensorDataset(x, y)` plus what plots and the CLI need to know about it. */
export class ToyDataset extends TensorDataset<[Tensor, Tensor]> {
  constructor(
    x: Tensor,
    y: Tensor,
    /** The generator's name, e.g. 'circle'. */
    readonly name: string,
    /** One name per column of x, for axis labels. */
    readonly featureNames: readonly string[],
    /** One name per class index. */
    readonly classNames: readonly string[],
    /** The seed the points were drawn with: the same name, options and seed give the same dataset. */
    readonly seed: number,
  ) {
    super(x, y);
  }

  /** The features, float32 [n, features]. */
  get x(): Tensor {
    return this.tensors[0];
  }

  /** The labels, in the format chosen with `labels`. */
  get y(): Tensor {
    return this.tensors[1];
  }

  get numClasses(): number {
    return this.classNames.length;
  }
}

/** Checks a dataset's options and returns them with the shared defaults filled in. */
export function resolveOptions<O extends ToyOptions>(
  op: string,
  options: O,
  extraKeys: readonly string[],
  defaults: { noise: number; labels: LabelFormat },
): { n: number; noise: number; seed: number; labels: LabelFormat; generator: Generator } {
  if (options === null || typeof options !== 'object') {
    throw new ValueError(op, `options must be an object, got ${String(options)}`);
  }
  checkOptionKeys(op, options, ['n', 'noise', 'seed', 'labels', ...extraKeys]);
  const { n = 400, noise = defaults.noise, labels = defaults.labels } = options;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) {
    throw new ValueError(op, `n must be a positive integer, got ${String(n)}`);
  }
  if (typeof noise !== 'number' || !Number.isFinite(noise) || noise < 0) {
    throw new ValueError(op, `noise must be a finite number ≥ 0, got ${String(noise)}`);
  }
  if (labels !== 'int' && labels !== 'float' && labels !== 'onehot') {
    throw new ValueError(op, `labels must be 'int', 'float' or 'onehot', got ${String(labels)}`);
  }
  const seed = options.seed ?? defaultGenerator.nextUint32();
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new ValueError(op, `seed must be a safe integer, got ${String(seed)}`);
  }
  return { n, noise, seed, labels, generator: new Generator(seed) };
}

/** Checks a `classes` option: an integer ≥ 2. */
export function checkClasses(op: string, classes: unknown): number {
  if (typeof classes !== 'number' || !Number.isInteger(classes) || classes < 2) {
    throw new ValueError(op, `classes must be an integer ≥ 2, got ${String(classes)}`);
  }
  return classes;
}

/** n points shared among k classes as evenly as possible: class c gets ⌊n/k⌋, plus 1 when c < n mod k. */
export function classSizes(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, c) => Math.floor(n / k) + (c < n % k ? 1 : 0));
}

/** Uniform in [low, high). */
export function uniform(generator: Generator, low: number, high: number): number {
  return low + (high - low) * generator.uniform();
}

/** Collects points and their class indices, then hands them out in a random order. */
export class PointBuffer {
  private readonly xs: number[] = [];
  private readonly classes: number[] = [];

  push(point: readonly number[], label: number): void {
    this.xs.push(...point);
    this.classes.push(label);
  }

  /**
   * The points as float32 [n, d] and labels in the requested format, rows shuffled with `generator` (so
   * that a plain first-k split or an unshuffled loader sees every class).
   */
  build(op: string, generator: Generator, labels: LabelFormat, numClasses: number): { x: Tensor; y: Tensor } {
    const n = this.classes.length;
    const d = n === 0 ? 0 : this.xs.length / n;
    const order = generator.permutation(n);
    const x = new Float32Array(n * d);
    const classes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const from = order[i]!;
      for (let j = 0; j < d; j++) x[i * d + j] = this.xs[from * d + j]!;
      classes[i] = this.classes[from]!;
    }
    return { x: new Tensor(x, [n, d], 'float32'), y: labelTensor(op, classes, numClasses, labels) };
  }
}

/** Class indices in the requested label format. */
export function labelTensor(
  op: string,
  classes: Int32Array,
  numClasses: number,
  format: LabelFormat,
): Tensor {
  const n = classes.length;
  if (format === 'int') return new Tensor(classes, [n], 'int32');
  if (format === 'float') {
    if (numClasses !== 2) {
      throw new ValueError(
        op,
        `labels: 'float' gives one 0/1 column and needs 2 classes, not ${numClasses}; use 'int' or 'onehot'`,
      );
    }
    return new Tensor(Float32Array.from(classes), [n, 1], 'float32');
  }
  const onehot = new Float32Array(n * numClasses);
  for (let i = 0; i < n; i++) onehot[i * numClasses + classes[i]!] = 1;
  return new Tensor(onehot, [n, numClasses], 'float32');
}
