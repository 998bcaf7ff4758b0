// @file Shape ops: reshape, view, flatten, squeeze, unsqueeze, transpose, permute, expand, cat, stack, split, pad…
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { allocate } from '../tensor/dtype.js';
import { normalizeDim, normalizeDims, numel, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { sumTo } from './reduce.js';

/** Resolves one −1 entry and checks that the element count is unchanged. */
function inferShape(op: string, from: readonly number[], to: readonly number[]): number[] {
  const total = numel(from);
  const unknown = to.indexOf(-1);
  if (to.lastIndexOf(-1) !== unknown)
    throw new ShapeError(op, `only one dimension can be -1, got ${fmtShape(to)}`);
  for (const d of to) {
    if (!Number.isInteger(d) || d < -1)
      throw new ShapeError(op, `invalid size ${d} in shape ${fmtShape(to)}`);
  }
  const out = [...to];
  if (unknown >= 0) {
    const known = to.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    if (known === 0 || total % known !== 0) {
      throw new ShapeError(
        op,
        `shape ${fmtShape(to)} is invalid for input of size ${total} (shape ${fmtShape(from)})`,
      );
    }
    out[unknown] = total / known;
  }
  if (numel(out) !== total) {
    throw new ShapeError(
      op,
      `shape ${fmtShape(to)} is invalid for input of size ${total} (shape ${fmtShape(from)})`,
    );
  }
  return out;
}

/**
 * The same elements in a new shape (one dim may be −1). Shares storage with `x`: tensors are always
 * contiguous, so every reshape is a view. ∂ = g reshaped back.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape('reshape', x.shape, shape);
  if (shapesEqual(target, x.shape)) return x;
  return record(new Tensor(x.storage, target, x.dtype), 'reshape', [x], (g) => [reshape(g, x.shape)]);
}

/** Same as reshape: a view sharing storage (torch.Tensor.view). */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape('view', x.shape, shape);
  return record(new Tensor(x.storage, target, x.dtype), 'view', [x], (g) => [reshape(g, x.shape)]);
}

/** Merges dims startDim…endDim into one (torch.flatten). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const start = normalizeDim('flatten', startDim, x.ndim);
  const end = normalizeDim('flatten', endDim, x.ndim);
  if (start > end)
    throw new ValueError(
      'flatten',
      `startDim ${startDim} comes after endDim ${endDim} for shape ${fmtShape(x.shape)}`,
    );
  const merged = x.shape.slice(start, end + 1).reduce((p, d) => p * d, 1);
  return reshape(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
}

/** Removes size-1 dims (all of them, or those in `dim` that have size 1). */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? null : normalizeDims('squeeze', dim, x.ndim);
  return reshape(
    x,
    x.shape.filter((d, i) => d !== 1 || (dims !== null && !dims.includes(i))),
  );
}

/** Inserts a size-1 dim at `dim` (which may be ndim, or negative counting from ndim + 1). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

/** Reorders dims: result dim i is input dim dims[i]. Copies (storage is always contiguous); ∂ = g permuted back. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) {
    throw new ShapeError(
      'permute',
      `number of dims ${dims.length} does not match the tensor's ${x.ndim} (shape ${fmtShape(x.shape)})`,
    );
  }
  const perm = dims.map((d) => normalizeDim('permute', d, x.ndim));
  if (new Set(perm).size !== perm.length)
    throw new ValueError('permute', `repeated dim in [${dims.join(', ')}]`);
  if (perm.every((p, i) => p === i)) return x;
  const shape = perm.map((p) => x.shape[p]!);
  const out = allocate(x.dtype, x.numel());
  backend().permute(x.storage, x.shape, perm, out);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return record(new Tensor(out, shape, x.dtype), 'permute', [x], (g) => [permute(g, inverse)]);
}

/** Swaps two dims. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const perm = x.shape.map((_, i) => i);
  const a = normalizeDim('transpose', dim0, x.ndim);
  const b = normalizeDim('transpose', dim1, x.ndim);
  [perm[a], perm[b]] = [perm[b]!, perm[a]!];
  return permute(x, perm);
}

/**
 * Broadcasts size-1 dims (and new leading dims) to `sizes`; −1 keeps a dim. Materialises the result;
 * ∂ = g summed back to the input's shape.
 */
export function expand(x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < x.ndim) {
    throw new ShapeError(
      'expand',
      `the number of sizes (${sizes.length}) must be at least the tensor's ${x.ndim} dims (shape ${fmtShape(x.shape)})`,
    );
  }
  const lead = sizes.length - x.ndim;
  const shape = sizes.map((s, i) => {
    const own = i >= lead ? x.shape[i - lead]! : undefined;
    if (s === -1) {
      if (own === undefined)
        throw new ShapeError('expand', `-1 is not allowed for a new leading dim (sizes ${fmtShape(sizes)})`);
      return own;
    }
    if (own !== undefined && own !== s && own !== 1) {
      throw new ShapeError(
        'expand',
        `cannot expand shape ${fmtShape(x.shape)} to ${fmtShape(sizes)}: size ${own} must match ${s} at dim ${i} or be 1`,
      );
    }
    return s;
  });
  if (shapesEqual(shape, x.shape)) return x;
  const out = allocate(x.dtype, numel(shape));
  backend().expand(x.storage, x.shape, out, shape);
  return record(new Tensor(out, shape, x.dtype), 'expand', [x], (g) => [sumTo(g, x.shape)]);
}

/** expand to exactly `shape` (torch.broadcast_to). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return expand(x, shape);
}

// The functions below are filled in by the shape work; each keeps this signature.

/** Concatenates along `dim`; all other dims must match. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  (void tensors, dim);
  throw new Error('cat: not implemented yet');
}

/** Stacks equal-shaped tensors along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  (void tensors, dim);
  throw new Error('stack: not implemented yet');
}

/** Splits into pieces of `splitSizeOrSections` (a size, or a list of sizes) along `dim`. */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  (void x, splitSizeOrSections, dim);
  throw new Error('split: not implemented yet');
}

/** Splits into `chunks` nearly equal pieces along `dim` (torch.chunk). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  (void x, chunks, dim);
  throw new Error('chunk: not implemented yet');
}

/** Elements start…start+length−1 along `dim`. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  (void x, dim, start, length);
  throw new Error('narrow: not implemented yet');
}

/** Reverses the order along `dims`. */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  (void x, dims);
  throw new Error('flip: not implemented yet');
}

/** Tiles the tensor `sizes[i]` times along dim i (torch.Tensor.repeat). */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  (void x, sizes);
  throw new Error('repeat: not implemented yet');
}

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Pads the last dims: `pad` = [left, right, top, bottom, …] from the last dim backwards (F.pad). */
export function pad(x: Tensor, padding: readonly number[], mode: PadMode = 'constant', value = 0): Tensor {
  (void x, padding, mode, value);
  throw new Error('pad: not implemented yet');
}
