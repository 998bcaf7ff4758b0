// @file Shape ops: flatten, cat, stack, split, chunk, flip, repeat, pad (views in views.ts and window.ts, re-exported here).
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { zeros } from '../tensor/create.js';
import { allocate, promoteTypes } from '../tensor/dtype.js';
import { normalizeDim, normalizeDims, numel, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { clone } from './elementwise.js';
import { indexSelect } from './indexing.js';
import {
  asView,
  broadcastTo,
  contiguous,
  diagonal,
  expand,
  permute,
  reshape,
  squeeze,
  transpose,
  unbind,
  unfold,
  unsqueeze,
  view,
} from './views.js';
import { embed, narrow, stridedSlice } from './window.js';

export {
  asView,
  broadcastTo,
  contiguous,
  diagonal,
  expand,
  narrow,
  permute,
  reshape,
  squeeze,
  stridedSlice,
  transpose,
  unbind,
  unfold,
  unsqueeze,
  view,
};

/** Merges dims startDim…endDim into one (torch.flatten): a view when the strides allow, as reshape. */
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

function isNonNegativeInteger(v: number): boolean {
  return Number.isInteger(v) && v >= 0;
}

// ---- joining and splitting ----------------------------------------------------------------------------

/** cat and stack share this; `op` names the caller in errors and in the graph. */
function concat(op: string, tensors: readonly Tensor[], dim: number): Tensor {
  if (tensors.length === 0) throw new ValueError(op, 'expected a non-empty list of tensors');
  // Like PyTorch, 1-D empty tensors are skipped (legacy behaviour), unless every tensor is one.
  const isLegacyEmpty = (t: Tensor): boolean => t.ndim === 1 && t.shape[0] === 0;
  const kept = tensors.filter((t) => !isLegacyEmpty(t));
  const parts = kept.length > 0 ? kept : [tensors[0]!];
  const first = parts[0]!;
  if (first.ndim === 0) throw new ShapeError(op, 'zero-dimensional tensors cannot be concatenated');
  const d = normalizeDim(op, dim, first.ndim);
  const dtype = tensors.reduce((acc, t) => promoteTypes(acc, t.dtype), tensors[0]!.dtype);
  let total = 0;
  for (const t of parts) {
    const joinable = `shapes ${fmtShape(first.shape)} and ${fmtShape(t.shape)} cannot be joined along dim ${d}`;
    if (t.ndim !== first.ndim)
      throw new ShapeError(op, `${joinable}: they have ${first.ndim} and ${t.ndim} dims`);
    const k = t.shape.findIndex((n, i) => i !== d && n !== first.shape[i]);
    if (k !== -1) {
      throw new ShapeError(
        op,
        `${joinable}: sizes must match except in dim ${d} (tensor ${tensors.indexOf(t)} has size ${t.shape[k]} at dim ${k}, expected ${first.shape[k]})`,
      );
    }
    total += t.shape[d]!;
  }
  const shape = [...first.shape];
  shape[d] = total;
  const inputs = tensors.map((t) => (t.dtype === dtype ? t : t.to(dtype)));
  const out = allocate(dtype, numel(shape));
  const ones = shape.map(() => 1);
  const offsets: number[] = [];
  let offset = 0;
  for (const t of inputs) {
    offsets.push(offset);
    if (isLegacyEmpty(t) && kept.length > 0) continue;
    const starts = shape.map((_, k) => (k === d ? offset : 0));
    backend().sliceAssign(t.storage, t.shape, out, shape, starts, ones);
    offset += t.shape[d]!;
  }
  return record(
    new Tensor(out, shape, dtype),
    op,
    inputs,
    (g) =>
      inputs.map((t, i) => {
        if (!t.requiresGrad) return null;
        if (isLegacyEmpty(t) && kept.length > 0) return zeros(t.shape, { dtype: g.dtype });
        const starts = shape.map((_, k) => (k === d ? offsets[i]! : 0));
        return stridedSlice(g, starts, ones, t.shape, 'narrow');
      }),
    { dim: d },
  );
}

/**
 * Concatenates along `dim`; all other dims must match (torch.cat). Mixed dtypes promote; 1-D empty tensors are
 * skipped, as in PyTorch. ∂ for each input = its piece of g (a narrow).
 * @throws ShapeError naming both shapes when a dim other than `dim` differs.
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return concat('cat', tensors, dim);
}

/**
 * Stacks equal-shaped tensors along a new dim `dim` (which may be ndim, or negative counting from ndim + 1)
 * (torch.stack). ∂ for each input = its slice of g.
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('stack', 'expected a non-empty list of tensors');
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    if (!shapesEqual(t.shape, first.shape)) {
      throw new ShapeError(
        'stack',
        `expects tensors of equal shape, got ${fmtShape(first.shape)} at entry 0 and ${fmtShape(t.shape)} at entry ${i}`,
      );
    }
  });
  const d = normalizeDim('stack', dim, first.ndim + 1);
  const withDim = [...first.shape.slice(0, d), 1, ...first.shape.slice(d)];
  return concat(
    'stack',
    tensors.map((t) => reshape(t, withDim)),
    d,
  );
}

/**
 * Splits into pieces along `dim` (torch.split): a number gives pieces of that size (the last may be smaller), a
 * list gives pieces of those sizes, which must add up to the dim's size. ∂ = each piece's g put back in place.
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  if (x.ndim === 0) throw new ShapeError('split', 'cannot split a zero-dimensional tensor');
  const d = normalizeDim('split', dim, x.ndim);
  const size = x.shape[d]!;
  let sizes: number[];
  if (typeof splitSizeOrSections === 'number') {
    const step = splitSizeOrSections;
    if (!isNonNegativeInteger(step) || (step === 0 && size > 0)) {
      throw new ValueError(
        'split',
        `split size must be a positive integer (0 only for an empty dim), got ${step} for dim ${d} of size ${size}`,
      );
    }
    const count = step === 0 ? 1 : Math.max(Math.ceil(size / step), 1);
    sizes = Array.from({ length: count }, (_, i) => Math.min(step, size - i * step));
  } else {
    sizes = [...splitSizeOrSections];
    const sum = sizes.reduce((p, s) => p + s, 0);
    if (!sizes.every(isNonNegativeInteger) || sum !== size) {
      throw new ValueError(
        'split',
        `split sizes [${sizes.join(', ')}] must be non-negative integers adding up to ${size}, the size of dim ${d} of shape ${fmtShape(x.shape)}`,
      );
    }
  }
  const steps = x.shape.map(() => 1);
  let offset = 0;
  return sizes.map((length) => {
    const starts = x.shape.map((_, k) => (k === d ? offset : 0));
    const window = x.shape.map((n, k) => (k === d ? length : n));
    offset += length;
    return stridedSlice(x, starts, steps, window, 'split');
  });
}

/**
 * Splits into `chunks` pieces along `dim` with torch.chunk's rule: each piece has ⌈size/chunks⌉ elements but
 * the last, so fewer than `chunks` pieces may come back.
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0)
    throw new ValueError('chunk', `chunks must be a positive integer, got ${chunks}`);
  if (x.ndim === 0) throw new ShapeError('chunk', 'cannot chunk a zero-dimensional tensor');
  const d = normalizeDim('chunk', dim, x.ndim);
  const size = x.shape[d]!;
  if (size === 0) return split(x, new Array<number>(chunks).fill(0), d);
  return split(x, Math.ceil(size / chunks), d);
}

// ---- reordering and tiling ------------------------------------------------------------------------------

/** Reverses the order of elements along `dims` (torch.flip). ∂ = g flipped the same way. */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  const axes = normalizeDims('flip', dims, x.ndim);
  const starts = x.shape.map((n, k) => (axes.includes(k) ? Math.max(n - 1, 0) : 0));
  const steps = x.shape.map((_, k) => (axes.includes(k) ? -1 : 1));
  const out = allocate(x.dtype, x.numel());
  backend().slice(x.storage, x.shape, starts, steps, out, x.shape);
  return record(new Tensor(out, x.shape, x.dtype), 'flip', [x], (g) => [flip(g, axes)]);
}

/**
 * Tiles the tensor `sizes[i]` times along dim i (torch.Tensor.repeat); extra leading sizes add new dims.
 * Built as reshape → expand → reshape, so ∂ = g summed over the tiles.
 */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < x.ndim) {
    throw new ShapeError(
      'repeat',
      `the number of repeat sizes (${sizes.length}) cannot be smaller than the tensor's ${x.ndim} dims (shape ${fmtShape(x.shape)})`,
    );
  }
  if (!sizes.every(isNonNegativeInteger))
    throw new ValueError('repeat', `sizes must be non-negative integers, got [${sizes.join(', ')}]`);
  const own = [...new Array<number>(sizes.length - x.ndim).fill(1), ...x.shape];
  const spread = own.flatMap((n) => [1, n]);
  const tiled = own.flatMap((n, i) => [sizes[i]!, n]);
  const result = own.map((n, i) => n * sizes[i]!);
  // torch.repeat always copies; with nothing to tile, reshape and expand alone would share x's storage.
  if (sizes.every((r) => r === 1)) return reshape(clone(x), result);
  return reshape(expand(reshape(x, spread), tiled), result);
}

// ---- padding ------------------------------------------------------------------------------------------

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

const PAD_MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/** The source position along one dim for output position j of a non-constant pad of (left, right). */
function padSourceIndex(
  mode: Exclude<PadMode, 'constant'>,
  size: number,
  left: number,
  right: number,
  dim: number,
  shape: readonly number[],
): Int32Array {
  const outSize = size + left + right;
  const where = `padding (${left}, ${right}) of dim ${dim} of shape ${fmtShape(shape)}`;
  const index = new Int32Array(Math.max(outSize, 0));
  if (mode === 'reflect') {
    if (left >= size || right >= size)
      throw new ValueError('pad', `reflect padding must be smaller than the dim's size, got ${where}`);
    for (let j = 0; j < outSize; j++) {
      const i = j - left;
      index[j] = i < 0 ? -i : i >= size ? 2 * (size - 1) - i : i;
    }
  } else if (mode === 'replicate') {
    if (size === 0 && outSize > 0)
      throw new ValueError('pad', `replicate padding needs a non-empty dim, got ${where}`);
    for (let j = 0; j < outSize; j++) index[j] = Math.min(Math.max(j - left, 0), size - 1);
  } else {
    // Circular: negative padding crops first, then the cropped dim wraps around.
    const cropLeft = Math.max(-left, 0);
    const kept = size - cropLeft - Math.max(-right, 0);
    const padLeft = Math.max(left, 0);
    if (padLeft > kept || Math.max(right, 0) > kept)
      throw new ValueError('pad', `circular padding wraps around more than once with ${where}`);
    for (let j = 0; j < outSize; j++) index[j] = cropLeft + ((((j - padLeft) % kept) + kept) % kept);
  }
  return index;
}

/**
 * Pads (or, with negative amounts, crops) the last dims (F.pad): `padding` = [left, right, top, bottom, …]
 * pairs from the last dim backwards. Modes: 'constant' fills with `value`; 'reflect' mirrors without the edge
 * (pad < size); 'replicate' repeats the edge; 'circular' wraps around. Unlike F.pad, the non-constant modes
 * accept any number of padded dims. ∂ = g cropped back; reflect, replicate and circular also add the gradient
 * of every copied element to its source.
 */
export function pad(x: Tensor, padding: readonly number[], mode: PadMode = 'constant', value = 0): Tensor {
  if (!PAD_MODES.includes(mode))
    throw new ValueError('pad', `unknown mode '${String(mode)}' (expected one of ${PAD_MODES.join(', ')})`);
  if (padding.length % 2 !== 0)
    throw new ValueError('pad', `padding length must be even, got [${padding.join(', ')}]`);
  if (padding.length / 2 > x.ndim)
    throw new ShapeError(
      'pad',
      `padding [${padding.join(', ')}] pads ${padding.length / 2} dims but the input of shape ${fmtShape(x.shape)} has ${x.ndim}`,
    );
  if (!padding.every(Number.isInteger))
    throw new ValueError('pad', `padding must be integers, got [${padding.join(', ')}]`);
  if (mode !== 'constant' && value !== 0)
    throw new ValueError('pad', `mode '${mode}' does not take a fill value (got ${value})`);
  const left = x.shape.map(() => 0);
  const right = x.shape.map(() => 0);
  for (let k = 0; k < padding.length / 2; k++) {
    left[x.ndim - 1 - k] = padding[2 * k]!;
    right[x.ndim - 1 - k] = padding[2 * k + 1]!;
  }
  x.shape.forEach((n, d) => {
    if (n + left[d]! + right[d]! < 0)
      throw new ShapeError(
        'pad',
        `padding (${left[d]}, ${right[d]}) of dim ${d} with size ${n} gives a negative size (input shape ${fmtShape(x.shape)})`,
      );
  });
  if (left.every((l) => l === 0) && right.every((r) => r === 0)) return clone(x);
  if (mode !== 'constant') {
    let result = x;
    for (let d = 0; d < x.ndim; d++) {
      if (left[d] === 0 && right[d] === 0) continue;
      const index = padSourceIndex(mode, x.shape[d]!, left[d]!, right[d]!, d, x.shape);
      result = indexSelect(result, d, new Tensor(index, [index.length], 'int32'));
    }
    return result;
  }
  const ones = x.shape.map(() => 1);
  const cropStarts = left.map((l) => Math.max(-l, 0));
  const kept = x.shape.map((n, d) => n - cropStarts[d]! - Math.max(-right[d]!, 0));
  const cropped = shapesEqual(kept, x.shape) ? x : stridedSlice(x, cropStarts, ones, kept, 'pad');
  const outShape = kept.map((n, d) => n + Math.max(left[d]!, 0) + Math.max(right[d]!, 0));
  if (shapesEqual(outShape, kept)) return cropped;
  return embed(
    cropped,
    outShape,
    left.map((l) => Math.max(l, 0)),
    ones,
    value,
    'pad',
  );
}
