// @file defaultCollate: merges a list of samples into one batch, stacking tensors along a new first dim.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { noGrad } from '../autograd/grad-mode.js';
import { stack } from '../ops/shape.js';
import { allocate } from '../tensor/dtype.js';
import { shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * The type of a batch made by `defaultCollate` from samples of type T: tensors become one tensor with a new
 * first dim, numbers and booleans a 1-D tensor, strings an array, and tuples, arrays and objects are
 * collated position by position (key by key).
 */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : T extends object
          ? { [K in keyof T]: Collated<T[K]> }
          : never;

/**
 * Merges samples into a batch (torch.utils.data.default_collate):
 * - tensors of equal shape s and dtype → one tensor of shape [B, ...s] (a copy, outside the autograd graph);
 * - numbers → float32 [B] (as `tensor()` does, since JavaScript cannot tell 1 from 1.0: give class labels
 *   as int32 tensors), booleans → bool [B];
 * - strings → an array of B strings;
 * - arrays/tuples → collated position by position (`[x, y]` samples give `[X, Y]`); objects → key by key.
 */
export function defaultCollate<T>(samples: readonly T[]): Collated<T> {
  if (samples.length === 0) throw new ValueError('defaultCollate', 'cannot collate an empty batch');
  return collateValues(samples as readonly unknown[], 'sample') as Collated<T>;
}

function collateValues(values: readonly unknown[], path: string): unknown {
  const first = values[0];
  if (first instanceof Tensor) return stackTensors(values, path);
  if (typeof first === 'number' || typeof first === 'boolean') {
    const dtype = typeof first === 'number' ? 'float32' : 'bool';
    const out = allocate(dtype, values.length);
    values.forEach((v, i) => {
      if (typeof v !== typeof first) throw mixedTypes(path, i, first, v);
      out[i] = Number(v);
    });
    return new Tensor(out, [values.length], dtype);
  }
  if (typeof first === 'string') {
    return values.map((v, i) => {
      if (typeof v !== 'string') throw mixedTypes(path, i, first, v);
      return v;
    });
  }
  if (Array.isArray(first)) {
    const width = first.length;
    values.forEach((v, i) => {
      if (!Array.isArray(v) || v.length !== width) {
        throw new ValueError(
          'defaultCollate',
          `${path} 0 has ${width} fields but ${path} ${i} has ${Array.isArray(v) ? v.length : 'a ' + typeof v}`,
        );
      }
    });
    return first.map((_, k) =>
      collateValues(
        values.map((v) => (v as unknown[])[k]),
        `${path}[${k}]`,
      ),
    );
  }
  if (first !== null && typeof first === 'object' && Object.getPrototypeOf(first) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = collateValues(
        values.map((v) => (v as Record<string, unknown>)[key]),
        `${path}.${key}`,
      );
    }
    return out;
  }
  throw new ValueError(
    'defaultCollate',
    `cannot collate ${path} values of type ${describe(first)}; pass DataLoader a collate function`,
  );
}

/** Stacks equally shaped tensors into one tensor with a new first dim of size values.length. */
function stackTensors(values: readonly unknown[], path: string): Tensor {
  const first = values[0] as Tensor;
  values.forEach((v, i) => {
    if (!(v instanceof Tensor)) throw mixedTypes(path, i, first, v);
    if (!shapesEqual(v.shape, first.shape)) {
      throw new ShapeError(
        'defaultCollate',
        `cannot stack ${path} tensors of different shapes: ${fmtShape(first.shape)} (item 0) and ${fmtShape(v.shape)} (item ${i})`,
      );
    }
    if (v.dtype !== first.dtype) {
      throw new DTypeError(
        'defaultCollate',
        `cannot stack ${path} tensors of different dtypes: ${first.dtype} (item 0) and ${v.dtype} (item ${i})`,
      );
    }
  });
  return noGrad(() => stack(values as readonly Tensor[]));
}

function mixedTypes(path: string, index: number, first: unknown, value: unknown): ValueError {
  return new ValueError(
    'defaultCollate',
    `${path} item 0 is ${describe(first)} but item ${index} is ${describe(value)}`,
  );
}

function describe(value: unknown): string {
  if (value instanceof Tensor) return `a tensor of shape ${fmtShape(value.shape)}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object'
    ? `an object (${value.constructor?.name ?? 'no prototype'})`
    : typeof value;
}
