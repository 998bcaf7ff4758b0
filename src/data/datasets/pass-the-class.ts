// @file passTheClass: "Will I pass this class?" from MIT 6.S191 lecture 1 (lectures attended, project hours).
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { PointBuffer, ToyDataset, resolveOptions, type LabelFormat } from './common.js';

export interface PassTheClassOptions {
  /** Number of students; default 400. */
  n?: number;
  /**
   * Temperature τ of the label draw, p(pass) = σ(z/τ); default 1 (the rule below as is). 0 makes labels
   * deterministic (pass iff z > 0); larger values make outcomes more random.
   */
  noise?: number;
  /** Seed of the dataset's own Generator; default: one draw from the global generator. */
  seed?: number;
  /** Label format; default `'float'` (float32 [n, 1] 0/1 targets for BCEWithLogitsLoss). */
  labels?: LabelFormat;
  /** Standardize the features with the fixed population mean and std (see below); default true. */
  standardize?: boolean;
}

const FEATURE_NAMES = ['lectures attended', 'hours on final project'] as const;
/** Population mean of (lectures, hours): lectures ~ U{0…12}, hours ~ U[0, 12). */
const MEAN = [6, 6] as const;
/** Population std: √((13² − 1)/12) = √14 for the lectures, 12/√12 = 2√3 for the hours. */
const STD = [Math.sqrt(14), 2 * Math.sqrt(3)] as const;

/** The dataset of passTheClass: a ToyDataset that can encode new students the way its x was encoded. */
export class PassTheClassDataset extends ToyDataset {
  constructor(
    x: Tensor,
    y: Tensor,
    seed: number,
    /** Whether x holds standardized features rather than raw lectures and hours. */
    readonly standardized: boolean,
  ) {
    super(x, y, 'passTheClass', FEATURE_NAMES, ['fail', 'pass'], seed);
  }

  /** Raw students [[lectures, hours], …] as a float32 [k, 2] model input in this dataset's feature scale. */
  encode(students: readonly (readonly number[])[]): Tensor {
    return encodeStudents(students, this.standardized);
  }
}

/**
 * "Will I pass this class?", the running example of MIT 6.S191 lecture 1: each row is a student,
 * x = (x₁ lectures attended, x₂ hours spent on the final project), label pass (1) / fail (0).
 *
 * Generating rule, per student:
 * - x₁ ~ U{0, 1, …, 12} (integer lectures), x₂ ~ U[0, 12) (hours);
 * - z = 1.5·(x₁ + x₂ − 11) − 0.04·(x₁ − x₂)², i.e. p(pass) = σ(w₀ + w₁x₁ + w₂x₂ − 0.04·(x₁ − x₂)²) with
 *   w₀ = −16.5, w₁ = w₂ = 1.5: every lecture and every hour adds 1.5 to the log-odds, a balanced student
 *   passes half the time at 11 units of effort, and lopsided effort (all lectures, no project) is
 *   penalised: the mild non-linearity that bends the boundary;
 * - label ~ Bernoulli(σ(z/τ)), τ = `noise` (default 1), so students near the boundary pass or fail by luck.
 * About half the students pass. With τ = 1 the best possible accuracy is ≈ 94%; a logistic regression
 * (perceptron) reaches ≈ 92%, a network with one small hidden layer ≈ 93–94%.
 *
 * Labels are float32 [n, 1] by default because the example students start from is binary:
 * `Linear(3, 1)` outputs one logit per student and `BCEWithLogitsLoss` wants a float target of the same
 * shape [batch, 1]. `labels: 'int'` gives int32 [n] class indices for CrossEntropyLoss with 2 outputs.
 *
 * Features are standardized by default, x'ⱼ = (xⱼ − μⱼ)/σⱼ with the fixed population moments
 * μ = (6, 6), σ = (√14, 2√3) (`passTheClass.mean`, `passTheClass.std`; fixed, so every seed and size is
 * encoded alike): raw inputs in 0…12 all have the same sign, which leaves a small ReLU network with
 * Adam at lr 1e-2 stuck now and then (a unit negative on every input is dead for good); centred inputs
 * train reliably. Use `dataset.encode([[4, 5]])` or `passTheClass.encode(…)` to turn a student's raw
 * numbers into a model input. `standardize: false` keeps raw units (x₁ integer); a linear model
 * w·x' + b on standardized inputs is w/σ · x + (b − Σⱼ wⱼμⱼ/σⱼ) in raw units.
 *
 * @example
 * const ds = data.datasets.passTheClass({ n: 400, seed: 1 });
 * const p = model.forward(ds.encode([[4, 5]])).sigmoid(); // the lecture's student: 4 lectures, 5 hours
 */
export function passTheClass(options: PassTheClassOptions = {}): PassTheClassDataset {
  const op = 'datasets.passTheClass';
  const { n, noise, seed, labels, generator } = resolveOptions(op, options, ['standardize'], {
    noise: 1,
    labels: 'float',
  });
  const standardize = options.standardize ?? true;
  if (typeof standardize !== 'boolean') {
    throw new ValueError(op, `standardize must be a boolean, got ${String(standardize)}`);
  }
  const points = new PointBuffer();
  for (let i = 0; i < n; i++) {
    const lectures = generator.randint(0, 13);
    const hours = 12 * generator.uniform();
    const z = passLogit(lectures, hours);
    const passed = noise === 0 ? z > 0 : generator.uniform() < sigmoid(z / noise);
    points.push(standardize ? standardizeStudent(lectures, hours) : [lectures, hours], passed ? 1 : 0);
  }
  const { x, y } = points.build(op, generator, labels, 2);
  return new PassTheClassDataset(x, y, seed, standardize);
}

/** Axis names for plots: ['lectures attended', 'hours on final project']. */
passTheClass.featureNames = FEATURE_NAMES;
/** The fixed means (6, 6) that standardization subtracts. */
passTheClass.mean = MEAN;
/** The fixed stds (√14, 2√3) that standardization divides by. */
passTheClass.std = STD;
/** The rule's log-odds z = 1.5·(lectures + hours − 11) − 0.04·(lectures − hours)². */
passTheClass.logit = passLogit;
/** The rule's true probability of passing, σ(z) (at the default noise τ = 1). */
passTheClass.probability = (lectures: number, hours: number): number => sigmoid(passLogit(lectures, hours));
/** Raw students [[lectures, hours], …] → float32 [k, 2] model input (standardized unless told not to). */
passTheClass.encode = (
  students: readonly (readonly number[])[],
  options: { standardize?: boolean } = {},
): Tensor => encodeStudents(students, options.standardize ?? true);
/** Standardized features [k, 2] back to raw (lectures, hours): x = x'·σ + μ. */
passTheClass.decode = (x: Tensor): Tensor => {
  checkTwoColumns('passTheClass.decode', x);
  const standardized = x.dataSync();
  const out = new Float32Array(standardized.length);
  for (let i = 0; i < out.length; i++) out[i] = standardized[i]! * STD[i % 2]! + MEAN[i % 2]!;
  return new Tensor(out, x.shape, 'float32');
};

function passLogit(lectures: number, hours: number): number {
  return 1.5 * (lectures + hours - 11) - 0.04 * (lectures - hours) ** 2;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function standardizeStudent(lectures: number, hours: number): [number, number] {
  return [(lectures - MEAN[0]) / STD[0], (hours - MEAN[1]) / STD[1]];
}

function encodeStudents(students: readonly (readonly number[])[], standardize: boolean): Tensor {
  const op = 'passTheClass.encode';
  if (!Array.isArray(students)) throw new ValueError(op, 'expected an array of [lectures, hours] pairs');
  const out = new Float32Array(students.length * 2);
  students.forEach((student, i) => {
    if (!Array.isArray(student) || student.length !== 2 || !student.every((v) => Number.isFinite(v))) {
      throw new ValueError(
        op,
        `student ${i} must be [lectures, hours] (two finite numbers), got ${JSON.stringify(student)}`,
      );
    }
    const [lectures, hours] = student as [number, number];
    out.set(standardize ? standardizeStudent(lectures, hours) : [lectures, hours], 2 * i);
  });
  return new Tensor(out, [students.length, 2], 'float32');
}

function checkTwoColumns(op: string, x: Tensor): void {
  if (x.ndim !== 2 || x.shape[1] !== 2) {
    throw new ShapeError(op, `expected features of shape [k, 2], got ${fmtShape(x.shape)}`);
  }
}
