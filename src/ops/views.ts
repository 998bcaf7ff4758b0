// @file View ops that share storage (PyTorch's views): view, reshape, squeeze, unsqueeze, permute, transpose, expand, diagonal, unfold, unbind, contiguous.
import { record } from '../autograd/node.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { allocate } from '../tensor/dtype.js';
import { normalizeDim, normalizeDims, numel, shapesEqual, stridesOf } from '../tensor/shape.js';
import { accumulateStrided, viewStrides, type StridedLayout } from '../tensor/strided.js';
import { Tensor } from '../tensor/tensor.js';
import { sumTo } from './reduce.js';
import { selectView } from './window.js';

/**
 * @internal A tensor of `shape` reading x's storage with `strides` from `offset` (torch.as_strided, unrecorded):
 * it shares x's array and version counter. Ops wrap it in `record`.
 */
export function asView(
  x: Tensor,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): Tensor {
  return new Tensor(x.storageBase, shape, x.dtype, x.viewLayout(strides, offset));
}

/** x itself when contiguous, else a contiguous copy (torch.Tensor.contiguous). ∂ = g. */
export function contiguous(x: Tensor): Tensor {
  if (x.isContiguous()) return x;
  return record(new Tensor(x.storage, x.shape, x.dtype), 'contiguous', [x], (g) => [g]);
}

/** Resolves one −1 entry and checks that the element count is unchanged. */
export function inferShape(op: string, from: readonly number[], to: readonly number[]): number[] {
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
 * The same elements in a new shape (one dim may be −1), as a view when x's strides allow one (always for a
 * contiguous x), else as a contiguous copy (torch.reshape). ∂ = g reshaped back.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape('reshape', x.shape, shape);
  if (shapesEqual(target, x.shape)) return x;
  const strides = viewStrides(x.shape, x.strides, target);
  const out = strides ? asView(x, target, strides, x.offset) : new Tensor(x.storage, target, x.dtype);
  return record(out, 'reshape', [x], (g) => [reshape(g, x.shape)]);
}

/**
 * A view of x with a new shape (torch.Tensor.view); x's strides must allow it (any contiguous x does).
 * @throws ShapeError when a dim of `shape` would span two runs of x that are not adjacent in memory (use reshape).
 */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape('view', x.shape, shape);
  const strides = viewStrides(x.shape, x.strides, target);
  if (strides === null) {
    throw new ShapeError(
      'view',
      `view size ${fmtShape(target)} is not compatible with input tensor's size ${fmtShape(x.shape)} and stride ` +
        `${fmtShape(x.strides)} (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.`,
    );
  }
  return record(asView(x, target, strides, x.offset), 'view', [x], (g) => [reshape(g, x.shape)]);
}

/** Removes size-1 dims (all of them, or those in `dim` that have size 1); a view. */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? null : normalizeDims('squeeze', dim, x.ndim);
  const keep = x.shape.map((d, i) => d !== 1 || (dims !== null && !dims.includes(i)));
  if (keep.every(Boolean)) return x;
  const shape = x.shape.filter((_, i) => keep[i]);
  const strides = x.strides.filter((_, i) => keep[i]);
  return record(asView(x, shape, strides, x.offset), 'reshape', [x], (g) => [reshape(g, x.shape)]);
}

/** Inserts a size-1 dim at `dim` (which may be ndim, or negative counting from ndim + 1); a view. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  const stride = d < x.ndim ? x.shape[d]! * x.strides[d]! : 1;
  const shape = [...x.shape.slice(0, d), 1, ...x.shape.slice(d)];
  const strides = [...x.strides.slice(0, d), stride, ...x.strides.slice(d)];
  return record(asView(x, shape, strides, x.offset), 'reshape', [x], (g) => [reshape(g, x.shape)]);
}

/** Reorders dims: result dim i is input dim dims[i] (torch.permute); a view. ∂ = g permuted back. */
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
  const strides = perm.map((p) => x.strides[p]!);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return record(asView(x, shape, strides, x.offset), 'permute', [x], (g) => [permute(g, inverse)], { perm });
}

/** Swaps two dims (a view). A 0-d tensor takes dims 0 and −1 and comes back unchanged, as in PyTorch. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const perm = x.shape.map((_, i) => i);
  const a = normalizeDim('transpose', dim0, x.ndim);
  const b = normalizeDim('transpose', dim1, x.ndim);
  if (x.ndim === 0) return permute(x, perm);
  [perm[a], perm[b]] = [perm[b]!, perm[a]!];
  return permute(x, perm);
}

/**
 * Broadcasts size-1 dims (and new leading dims) to `sizes`; −1 keeps a dim (torch.Tensor.expand). A view whose
 * broadcast dims have stride 0, so it cannot be written in place; ∂ = g summed back to the input's shape.
 */
export function expand(x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < x.ndim) {
    throw new ShapeError(
      'expand',
      `the number of sizes (${sizes.length}) must be at least the tensor's ${x.ndim} dims (shape ${fmtShape(x.shape)})`,
    );
  }
  const lead = sizes.length - x.ndim;
  const shape = new Array<number>(sizes.length);
  const strides = new Array<number>(sizes.length);
  for (let i = sizes.length - 1; i >= 0; i--) {
    const s = sizes[i]!;
    const own = i >= lead ? x.shape[i - lead]! : undefined;
    if (own === undefined && s === -1)
      throw new ShapeError('expand', `-1 is not allowed for a new leading dim (sizes ${fmtShape(sizes)})`);
    if (!Number.isInteger(s) || s < -1)
      throw new ShapeError('expand', `invalid size ${s} in sizes ${fmtShape(sizes)}`);
    if (own !== undefined && own !== s && own !== 1 && s !== -1) {
      throw new ShapeError(
        'expand',
        `cannot expand shape ${fmtShape(x.shape)} to ${fmtShape(sizes)}: size ${own} must match ${s} at dim ${i} or be 1`,
      );
    }
    const size = s === -1 ? own! : s;
    const next = i + 1 < sizes.length ? shape[i + 1]! * strides[i + 1]! : 1;
    shape[i] = size;
    strides[i] = own === undefined ? (size === 1 ? next : 0) : own === size ? x.strides[i - lead]! : 0;
  }
  if (shapesEqual(shape, x.shape)) return x;
  return record(asView(x, shape, strides, x.offset), 'expand', [x], (g) => [sumTo(g, x.shape)]);
}

/** expand to exactly `shape` (torch.broadcast_to). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return expand(x, shape);
}

/**
 * zeros(shape) plus `g` added through the view (shape → strides, offset) of it: the adjoint of a view that may
 * overlap itself (unfold) or not (diagonal). Recorded as `name`; ∂g = the same view of the incoming gradient.
 */
function addThroughView(
  g: Tensor,
  shape: readonly number[],
  layout: StridedLayout,
  name: string,
  again: (gg: Tensor) => Tensor,
): Tensor {
  const out = allocate(g.dtype, numel(shape));
  accumulateStrided(g.storage, out, g.shape, layout);
  return record(new Tensor(out, shape, g.dtype), name, [g], (gg) => [again(gg)]);
}

/**
 * The diagonal x[…, i, …, i + offset, …] of dims dim1 and dim2, which are removed; the diagonal becomes the
 * last dim (torch.diagonal). A view. ∂ = g written on the same diagonal of zeros.
 */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  if (!Number.isInteger(offset)) throw new ValueError('diagonal', `offset must be an integer, got ${offset}`);
  if (x.ndim < 2)
    throw new ShapeError('diagonal', `needs a tensor with at least 2 dims, got shape ${fmtShape(x.shape)}`);
  const d1 = normalizeDim('diagonal', dim1, x.ndim);
  const d2 = normalizeDim('diagonal', dim2, x.ndim);
  if (d1 === d2)
    throw new ValueError(
      'diagonal',
      `dim1 and dim2 cannot be the same dim (${dim1} and ${dim2}) of shape ${fmtShape(x.shape)}`,
    );
  const layout = diagonalLayout(x.shape, x.strides, x.offset, offset, d1, d2);
  const rest = x.shape.map((_, k) => k).filter((k) => k !== d1 && k !== d2);
  const shape = [...rest.map((k) => x.shape[k]!), layout.size];
  const again = (g: Tensor): Tensor => diagonal(g, offset, d1, d2);
  return record(
    asView(x, shape, layout.strides, layout.offset),
    'diagonal',
    [x],
    (g) => [
      addThroughView(
        g,
        x.shape,
        diagonalLayout(x.shape, stridesOf(x.shape), 0, offset, d1, d2),
        'diagonalBackward',
        again,
      ),
    ],
    { offset, dim1: d1, dim2: d2 },
  );
}

/** Size, strides and storage offset of diagonal `offset` of dims d1, d2 (PyTorch's rule: empty keeps the offset). */
function diagonalLayout(
  shape: readonly number[],
  strides: readonly number[],
  start: number,
  offset: number,
  d1: number,
  d2: number,
): StridedLayout & { size: number } {
  const size = Math.max(
    offset >= 0 ? Math.min(shape[d1]!, shape[d2]! - offset) : Math.min(shape[d1]! + offset, shape[d2]!),
    0,
  );
  const shift = size === 0 ? 0 : offset >= 0 ? offset * strides[d2]! : -offset * strides[d1]!;
  const rest = strides.filter((_, k) => k !== d1 && k !== d2);
  return { size, strides: [...rest, strides[d1]! + strides[d2]!], offset: start + shift };
}

/**
 * Windows of `size` elements every `step` along `dim` (torch.Tensor.unfold): that dim becomes the window
 * count ⌊(n − size)/step⌋ + 1 and a last dim of `size` is added. A view; ∂ = the windows of g added back at
 * their places (overlaps accumulate).
 */
export function unfold(x: Tensor, dim: number, size: number, step: number): Tensor {
  const d = normalizeDim('unfold', dim, x.ndim);
  const length = x.ndim === 0 ? 1 : x.shape[d]!;
  if (!Number.isInteger(size) || size < 0 || size > length)
    throw new ValueError(
      'unfold',
      `size ${size} must be an integer in [0, ${length}] (dim ${d} of shape ${fmtShape(x.shape)})`,
    );
  if (!Number.isInteger(step) || step <= 0)
    throw new ValueError('unfold', `step must be a positive integer, got ${step}`);
  const layout = (strides: readonly number[], offset: number): StridedLayout =>
    x.ndim === 0
      ? { strides: [1], offset }
      : { strides: [...strides.map((s, k) => (k === d ? s * step : s)), strides[d]!], offset };
  const count = Math.floor((length - size) / step) + 1;
  const shape = x.ndim === 0 ? [size] : [...x.shape.map((n, k) => (k === d ? count : n)), size];
  const own = layout(x.strides, x.offset);
  const again = (g: Tensor): Tensor => unfold(g, d, size, step);
  return record(
    asView(x, shape, own.strides, own.offset),
    'unfold',
    [x],
    (g) => [addThroughView(g, x.shape, layout(stridesOf(x.shape), 0), 'unfoldBackward', again)],
    { dim: d, size, step },
  );
}

/** The slices along `dim`, each without that dim (torch.unbind); views. */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  if (x.ndim === 0) throw new ShapeError('unbind', 'cannot unbind a zero-dimensional tensor');
  const d = normalizeDim('unbind', dim, x.ndim);
  return Array.from({ length: x.shape[d]! }, (_, i) => selectView(x, d, i, 'unbind'));
}
