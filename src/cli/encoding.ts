// @file A run's input encoding (stored in run.json): feature names and standardization, classes, target scale, a text's characters.
import { FormatError, ValueError } from '../errors.js';
import { FLOAT32_MAX, MAX_CLASSES, type Task } from '../data/datasets/csv.js';
import { MAX_VOCABULARY } from '../data/datasets/text.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * How raw values become model inputs and model outputs become answers; saved in run.json so that `predict`
 * needs only the run directory. Features: x′ⱼ = (xⱼ − featureMean[j]) / featureStd[j] (one mean and std apply to
 * every feature when the arrays have length 1, as for image pixels). Regression targets: the model learns
 * y′ = (y − targetMean) / targetStd and predicts y = targetMean + targetStd·ŷ′ (classification: 0 and 1).
 */
export interface Encoding {
  task: Task;
  /** Shape of one model input, e.g. [2], [784] or [1, 28, 28]. */
  inputShape: number[];
  /** Names of the input columns in order ([] for images). */
  featureNames: string[];
  featureMean: number[];
  featureStd: number[];
  /** The target column of a CSV, or null. */
  targetName: string | null;
  /** Class names in index order (classification), else []. */
  classNames: string[];
  targetMean: number;
  targetStd: number;
  /**
   * Text runs only: the characters as Unicode code points, sorted ascending; token i is vocabulary[i]. The input
   * is a window of inputShape[0] token ids and the model predicts the next character at every position.
   */
  vocabulary?: number[];
}

/** Number of input values of one sample: the product of inputShape. */
export function inputSize(encoding: Encoding): number {
  return encoding.inputShape.reduce((p, d) => p * d, 1);
}

/**
 * Column means and population standard deviations of a float32 [n, k] row-major table, in float64 (as
 * scikit-learn's StandardScaler: σⱼ = √(Σᵢ (xᵢⱼ − μⱼ)² / n)). A constant column gets σ = 1, so it maps to 0.
 */
export function columnStatistics(
  values: ArrayLike<number>,
  n: number,
  k: number,
): { mean: number[]; std: number[] } {
  const mean = new Array<number>(k).fill(0);
  const squares = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) mean[j]! += values[i * k + j]!;
  for (let j = 0; j < k; j++) mean[j] = n > 0 ? mean[j]! / n : 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < k; j++) {
      const d = values[i * k + j]! - mean[j]!;
      squares[j]! += d * d;
    }
  const std = squares.map((s) => {
    const sigma = n > 0 ? Math.sqrt(s / n) : 0;
    return sigma > 0 && Number.isFinite(sigma) ? sigma : 1;
  });
  return { mean, std };
}

/**
 * x′ = (x − μ)/σ of a float32 [n, ...] array, one μ and σ per feature (or one for all); the result in float32,
 * written to `out` (which may be `values` itself: each element is read before it is written).
 */
export function standardize(
  values: ArrayLike<number>,
  mean: readonly number[],
  std: readonly number[],
  out: Float32Array<ArrayBufferLike> = new Float32Array(values.length),
): Float32Array<ArrayBufferLike> {
  const k = mean.length;
  for (let i = 0; i < values.length; i++) {
    const j = k === 1 ? 0 : i % k;
    out[i] = (values[i]! - mean[j]!) / std[j]!;
  }
  return out;
}

/**
 * Raw rows of numbers → the model input [rows, ...inputShape]. Each row needs inputSize values, each finite and
 * within float32 (±3.4e38), and the standardized value must be too; errors name `where`, the row and the feature.
 */
export function encodeRows(encoding: Encoding, rows: readonly (readonly number[])[], where: string): Tensor {
  const width = inputSize(encoding);
  const names = encoding.featureNames;
  const values = new Float64Array(rows.length * width);
  rows.forEach((row, r) => {
    if (row.length !== width) {
      throw new ValueError(
        where,
        `row ${r + 1} has ${row.length} values; the model takes ${width}${names.length ? ` (${names.join(', ')})` : ''}`,
      );
    }
    row.forEach((v, j) => {
      if (!(Math.abs(v) <= FLOAT32_MAX))
        throw new ValueError(
          where,
          `row ${r + 1}, ${featureLabel(encoding, j)}: ${v} is not a finite float32 number`,
        );
      values[r * width + j] = Math.fround(v); // as the training data was stored
    });
  });
  return encodeValues(encoding, values, rows.length, where);
}

/** Standardizes n samples of raw values (row-major) into the model input, refusing values that overflow. */
export function encodeValues(
  encoding: Encoding,
  values: ArrayLike<number>,
  n: number,
  where: string,
): Tensor {
  const out = standardize(values, encoding.featureMean, encoding.featureStd);
  const width = inputSize(encoding);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) {
      throw new ValueError(
        where,
        `row ${Math.floor(i / width) + 1}, ${featureLabel(encoding, i % width)}: ${values[i]} is too far from the training data (mean ${encoding.featureMean[encoding.featureMean.length === 1 ? 0 : i % width]}) to standardize in float32`,
      );
    }
  }
  return new Tensor(out, [n, ...encoding.inputShape]);
}

function featureLabel(encoding: Encoding, j: number): string {
  const name = encoding.featureNames[j];
  return name !== undefined ? `feature '${name}'` : `value ${j + 1}`;
}

/** Regression targets y → y′ = (y − targetMean)/targetStd in float32 [n, 1]. */
export function encodeTargets(encoding: Encoding, y: Tensor): Tensor {
  if (encoding.task !== 'regression') return y;
  return new Tensor(standardize(y.dataSync(), [encoding.targetMean], [encoding.targetStd]), y.shape);
}

/** A model output of a regression run back in target units: y = targetMean + targetStd·ŷ′. */
export function decodeTarget(encoding: Encoding, output: number): number {
  return encoding.targetMean + encoding.targetStd * output;
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string');
const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every(isFiniteNumber);

/** Checks an encoding read from a file (run.json) and returns it typed; a FormatError names `where` and the field. */
export function validateEncoding(value: unknown, where: string): Encoding {
  const bad = (field: string, rule: string): never => {
    throw new FormatError('run.json', `${where}: encoding.${field} ${rule}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return bad('', 'must be an object');
  const e = value as Record<string, unknown>;
  if (e.task !== 'classification' && e.task !== 'regression')
    bad('task', "must be 'classification' or 'regression'");
  const shape = e.inputShape;
  if (
    !isNumberArray(shape) ||
    shape.length === 0 ||
    shape.length > 3 ||
    !shape.every((d) => Number.isInteger(d) && d > 0)
  )
    bad('inputShape', 'must be 1 to 3 positive integers');
  const size = (shape as number[]).reduce((p, d) => p * d, 1);
  if (size > 2 ** 24) bad('inputShape', `holds ${size} values per sample (at most ${2 ** 24})`);
  if (!isStringArray(e.featureNames) || (e.featureNames.length !== 0 && e.featureNames.length !== size))
    bad('featureNames', `must be ${size} names or none`);
  for (const field of ['featureMean', 'featureStd'] as const) {
    const v = e[field];
    if (!isNumberArray(v) || (v.length !== 1 && v.length !== size))
      bad(field, `must be 1 or ${size} finite numbers`);
  }
  if (!(e.featureStd as number[]).every((s) => s > 0)) bad('featureStd', 'must be positive');
  if (e.targetName !== null && typeof e.targetName !== 'string')
    bad('targetName', 'must be a string or null');
  if (!isStringArray(e.classNames)) bad('classNames', 'must be an array of strings');
  const classes = (e.classNames as string[]).length;
  const text = e.vocabulary !== undefined;
  if (text) validateVocabulary(e, bad);
  else if (e.task === 'classification' && (classes < 2 || classes > MAX_CLASSES))
    bad('classNames', `must hold 2 to ${MAX_CLASSES} classes`);
  if (!isFiniteNumber(e.targetMean)) bad('targetMean', 'must be a finite number');
  if (!isFiniteNumber(e.targetStd) || !(e.targetStd > 0)) bad('targetStd', 'must be a positive number');
  return {
    task: e.task as Task,
    inputShape: [...(shape as number[])],
    featureNames: [...(e.featureNames as string[])],
    featureMean: [...(e.featureMean as number[])],
    featureStd: [...(e.featureStd as number[])],
    targetName: e.targetName as string | null,
    classNames: [...(e.classNames as string[])],
    targetMean: e.targetMean as number,
    targetStd: e.targetStd as number,
    ...(text ? { vocabulary: [...(e.vocabulary as number[])] } : {}),
  };
}

/**
 * A text run's encoding: a classification over the vocabulary (1 to MAX_VOCABULARY code points, strictly
 * ascending, none a surrogate), one-dimensional inputs (a window of token ids) and no class names.
 */
function validateVocabulary(e: Record<string, unknown>, bad: (field: string, rule: string) => never): void {
  const v = e.vocabulary;
  if (!isNumberArray(v) || v.length < 1 || v.length > MAX_VOCABULARY)
    bad('vocabulary', `must be 1 to ${MAX_VOCABULARY} code points`);
  v.forEach((cp, i) => {
    if (!Number.isInteger(cp) || cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      bad(`vocabulary[${i}]`, `must be a Unicode scalar value, got ${cp}`);
    if (i > 0 && cp <= v[i - 1]!) bad('vocabulary', 'must be sorted ascending without repeats');
  });
  if (e.task !== 'classification') bad('task', "must be 'classification' for a text run");
  if ((e.inputShape as number[]).length !== 1) bad('inputShape', 'must be [seqLen] for a text run');
  if ((e.classNames as string[]).length !== 0) bad('classNames', 'must be empty for a text run');
}
