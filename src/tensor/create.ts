// @file Tensor creation: tensor(), zeros, ones, full, arange, linspace, eye, random tensors and *Like variants.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { defaultGenerator, type Generator } from '../random/generator.js';
import { allocate, assertDType, dtypeOfArray, int32Element, type DType, type TypedArray } from './dtype.js';
import { assertShape, numel } from './shape.js';
import { Tensor, type NestedArray } from './tensor.js';

export interface TensorOptions {
  /** Element type; default float32 (bool for boolean data, the array's own type for typed arrays). */
  dtype?: DType;
  /** Make the result a leaf that records gradients. */
  requiresGrad?: boolean;
}

export interface RandomOptions extends TensorOptions {
  /** Draw from this generator instead of the global one seeded by manualSeed. */
  generator?: Generator;
}

type Data = NestedArray | TypedArray | readonly NestedArray[];

/**
 * Creates a tensor from a number, a boolean, nested arrays or a typed array (`shape` gives its shape;
 * default 1-D). Unlike PyTorch, integral JS numbers give float32 unless `dtype: 'int32'` is passed, because
 * JavaScript cannot tell 1 from 1.0.
 */
export function tensor(data: Data, options: TensorOptions & { shape?: readonly number[] } = {}): Tensor {
  let result: Tensor;
  if (ArrayBuffer.isView(data)) {
    const typed = data as TypedArray;
    const shape = assertShape('tensor', options.shape ?? [typed.length]);
    if (numel(shape) !== typed.length) {
      throw new ShapeError(
        'tensor',
        `shape ${fmtShape(shape)} needs ${numel(shape)} elements but the typed array has ${typed.length}`,
      );
    }
    const dtype = assertDType('tensor', options.dtype ?? dtypeOfArray(typed));
    const storage = allocate(dtype, typed.length, 'tensor', shape);
    if (dtype === dtypeOfArray(typed) || (dtype !== 'int32' && dtype !== 'bool')) storage.set(typed);
    else for (let i = 0; i < typed.length; i++) storage[i] = element('tensor', dtype, typed[i]!);
    result = new Tensor(storage, shape, dtype);
  } else {
    const shape = inferShape(data);
    if (options.shape && numel(options.shape) !== numel(shape)) {
      throw new ShapeError(
        'tensor',
        `shape ${fmtShape(options.shape)} does not fit data of shape ${fmtShape(shape)}`,
      );
    }
    const flat: (number | boolean)[] = [];
    flatten(data, flat);
    const allBool = flat.length > 0 && flat.every((v) => typeof v === 'boolean');
    const dtype = assertDType('tensor', options.dtype ?? (allBool ? 'bool' : 'float32'));
    const storage = allocate(dtype, flat.length);
    for (let i = 0; i < flat.length; i++) storage[i] = element('tensor', dtype, Number(flat[i]));
    result = new Tensor(storage, options.shape ?? shape, dtype);
  }
  if (options.requiresGrad) result.requiresGrad_(true);
  return result;
}

/**
 * `value` as stored in a tensor of `dtype`: int32 truncates toward zero and refuses what it cannot hold (as
 * PyTorch does, instead of wrapping 3e9 to −1294967296); bool stores 1 for any non-zero value (NaN too).
 */
function element(op: string, dtype: DType, value: number): number {
  if (dtype === 'int32') return int32Element(op, value);
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  return value;
}

function inferShape(data: unknown): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  if (level !== undefined && typeof level !== 'number' && typeof level !== 'boolean') {
    throw new ValueError('tensor', `expected numbers or booleans, got ${typeof level}`);
  }
  return shape;
}

function flatten(
  data: unknown,
  out: (number | boolean)[],
  shape: number[] = inferShape(data),
  depth = 0,
): void {
  if (depth === shape.length) {
    if (typeof data !== 'number' && typeof data !== 'boolean') {
      throw new ValueError(
        'tensor',
        `ragged nested array: expected a number at depth ${depth}, got ${Array.isArray(data) ? 'an array' : typeof data}`,
      );
    }
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    throw new ValueError(
      'tensor',
      `ragged nested array: expected length ${shape[depth]} at depth ${depth}, got ${Array.isArray(data) ? data.length : typeof data}`,
    );
  }
  for (const item of data) flatten(item, out, shape, depth + 1);
}

/** A new tensor of `shape` holding `value`, or what `write` puts into its fresh elements. */
function filled(
  op: string,
  shape: readonly number[],
  value: number,
  options: TensorOptions,
  write?: (elements: TypedArray) => void,
): Tensor {
  const s = assertShape(op, shape);
  const dtype = assertDType(op, options.dtype ?? 'float32');
  const storage = allocate(dtype, numel(s), op, s);
  if (value !== 0) storage.fill(element(op, dtype, value));
  write?.(storage);
  const t = new Tensor(storage, s, dtype);
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** A tensor of zeros (torch.zeros). */
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

/** A tensor of ones (torch.ones). */
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

/** A tensor filled with `value` (torch.full). */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return zeros(t.shape, { dtype: t.dtype, ...options });
}

export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return ones(t.shape, { dtype: t.dtype, ...options });
}

export function fullLike(t: Tensor, value: number, options: TensorOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, ...options });
}

/**
 * Values start, start+step, … up to but excluding end (torch.arange). `arange(5)` is [0…4]. The dtype is
 * int32 when all arguments are integers, float32 otherwise.
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0 || !Number.isFinite(step))
    throw new ValueError('arange', `step must be finite and non-zero, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(end))
    throw new ValueError('arange', `start and end must be finite, got ${start} and ${end}`);
  if ((end - start) * step < 0) {
    throw new ValueError(
      'arange',
      `upper bound and lower bound inconsistent with step sign (start=${start}, end=${end}, step=${step})`,
    );
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  const integral = [start, end, step].every(Number.isInteger);
  const dtype = options.dtype ?? (integral ? 'int32' : 'float32');
  const storage = allocate(dtype, n, 'arange', [n]);
  for (let i = 0; i < n; i++) storage[i] = start + i * step;
  const t = new Tensor(storage, [n], dtype);
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** `steps` values evenly spaced from start to end inclusive (torch.linspace). */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0)
    throw new ValueError('linspace', `steps must be a non-negative integer, got ${steps}`);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Symmetric evaluation as in PyTorch: the second half counts back from `end` so both ends are exact.
  const half = Math.floor(steps / 2);
  return filled('linspace', [steps], 0, options, (out) => {
    for (let i = 0; i < steps; i++)
      out[i] = i < half || steps === 1 ? start + step * i : end - step * (steps - 1 - i);
  });
}

/** The n×m identity matrix (torch.eye). */
export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  return filled('eye', [n, m], 0, options, (out) => {
    for (let i = 0; i < Math.min(n, m); i++) out[i * m + i] = 1;
  });
}

function randomFloat(
  op: string,
  shape: readonly number[],
  options: RandomOptions,
  draw: (g: Generator) => number,
): Tensor {
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new DTypeError(op, `expected a floating-point dtype, got ${dtype}`);
  const g = options.generator ?? defaultGenerator;
  const t = filled(op, shape, 0, { dtype }, (out) => {
    for (let i = 0; i < out.length; i++) out[i] = draw(g);
  });
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** Uniform samples in [0, 1) from the seeded generator (torch.rand). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return randomFloat('rand', shape, options, (g) => g.uniform());
}

/** Standard normal samples from the seeded generator (torch.randn). */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return randomFloat('randn', shape, options, (g) => g.normal());
}

/** Uniform integers in [low, high) as int32 (torch.randint). */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  options: RandomOptions = {},
): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || low >= high) {
    throw new ValueError('randint', `expected integers low < high, got low=${low}, high=${high}`);
  }
  const g = options.generator ?? defaultGenerator;
  return filled('randint', shape, 0, { dtype: options.dtype ?? 'int32' }, (out) => {
    for (let i = 0; i < out.length; i++) out[i] = g.randint(low, high);
  });
}

export function randLike(t: Tensor, options: RandomOptions = {}): Tensor {
  return rand(t.shape, { dtype: t.dtype === 'float64' ? 'float64' : 'float32', ...options });
}

export function randnLike(t: Tensor, options: RandomOptions = {}): Tensor {
  return randn(t.shape, { dtype: t.dtype === 'float64' ? 'float64' : 'float32', ...options });
}

/** Wraps a plain number as a 0-d tensor of `dtype` (used for scalar operands). */
export function scalar(value: number | boolean, dtype: DType): Tensor {
  const storage = allocate(dtype, 1);
  storage[0] = Number(value);
  return new Tensor(storage, SCALAR_SHAPE, dtype);
}

const SCALAR_SHAPE: readonly number[] = Object.freeze([]);
