// @file Shape arithmetic: sizes, strides, dim normalisation and NumPy broadcasting.
import { ShapeError, ValueError, fmtShape } from '../errors.js';

export type Shape = readonly number[];

/** Number of elements of a tensor of this shape (1 for a scalar). */
export function numel(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks that every entry is a non-negative integer. */
export function assertShape(op: string, shape: Shape): number[] {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0)
      throw new ShapeError(op, `invalid shape ${fmtShape(shape)}: sizes must be non-negative integers`);
  }
  return [...shape];
}

/** Maps a possibly negative dim into [0, ndim), PyTorch style. */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  const rank = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -rank || dim >= rank) {
    throw new ValueError(
      op,
      `dim ${dim} is out of range for a tensor of ${ndim} dimension(s) (expected ${-rank} to ${rank - 1})`,
    );
  }
  return dim < 0 ? dim + rank : dim;
}

/** Normalises a list of dims (or all dims when undefined), sorted and without duplicates. */
export function normalizeDims(
  op: string,
  dims: number | readonly number[] | undefined,
  ndim: number,
): number[] {
  if (dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  const out = list.map((d) => normalizeDim(op, d, ndim));
  const sorted = [...out].sort((x, y) => x - y);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1])
      throw new ValueError(op, `dim ${sorted[i]} appears more than once in [${list.join(', ')}]`);
  }
  return ndim === 0 ? [] : sorted;
}

/**
 * The NumPy broadcast of two shapes: align trailing dims; each pair must be equal or contain a 1.
 * @throws ShapeError naming the op, both shapes and the first dim that does not match.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new ShapeError(
        op,
        `shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together (size ${da} vs ${db} at dim ${i - n})`,
      );
    }
  }
  return out;
}

/** Strides that read `shape` as if it were broadcast to `outShape` (0 along broadcast dims). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) out[i + offset] = shape[i] === 1 ? 0 : strides[i]!;
  return out;
}

/**
 * The sizes or dims of a method that takes them either spread or as one array (`x.reshape(2, 3)` and
 * `x.reshape([2, 3])`, as torch's `*shape` arguments).
 */
export function flattenArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}
