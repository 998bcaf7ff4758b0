// @file Indexing ops: select, index, gather, scatter, scatterAdd, indexSelect, oneHot (maskedFill is in masked.ts).
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { zeros } from '../tensor/create.js';
import { allocate } from '../tensor/dtype.js';
import { hostValues } from '../tensor/host-gate.js';
import { broadcastShapes, normalizeDim, numel, stridesOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { expand, pad, permute, reshape, stridedSlice } from './shape.js';
import { selectView } from './window.js';

/** A slice of one dim, like Python's start:end:step (end exclusive; negatives count from the end). */
export interface Slice {
  start?: number;
  end?: number;
  step?: number;
}

/** One entry of `index(...)`: a number picks (and drops the dim), null keeps the dim whole, a Slice cuts, an int tensor gathers. */
export type IndexSpec = number | null | Slice | Tensor;

// ---- validation ---------------------------------------------------------------------------------------

function checkIndexDType(op: string, index: Tensor): Int32Array {
  if (index.dtype !== 'int32')
    throw new DTypeError(op, `index must be an int32 tensor, got dtype ${index.dtype}`);
  return index.storage as Int32Array;
}

function outOfBounds(op: string, value: number, dim: number, size: number): ValueError {
  return new ValueError(op, `index ${value} is out of bounds for dim ${dim} with size ${size}`);
}

/** Checks every index against [0, size), or [−size, size) when `allowNegative`. */
function checkRange(op: string, index: Int32Array, dim: number, size: number, allowNegative = false): void {
  hostValues(index, op);
  const low = allowNegative ? -size : 0;
  for (let i = 0; i < index.length; i++) {
    const v = index[i]!;
    if (v < low || v >= size) throw outOfBounds(op, v, dim, size);
  }
}

/** The dims of x around `dim` as [outer, size, inner], the view that indexSelect/indexAdd kernels take. */
function aroundDim(shape: readonly number[], dim: number): [number, number, number] {
  return [numel(shape.slice(0, dim)), shape[dim] ?? 1, numel(shape.slice(dim + 1))];
}

// ---- select and index ---------------------------------------------------------------------------------

/**
 * The slice at `index` along `dim`, with that dim removed; a negative index counts from the end
 * (torch.select, x[:, i]). A view sharing x's storage; ∂ = g put back at `index`, zeros elsewhere.
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.ndim === 0) throw new ShapeError('select', 'cannot select from a zero-dimensional tensor');
  const d = normalizeDim('select', dim, x.ndim);
  const size = x.shape[d]!;
  if (!Number.isInteger(index) || index < -size || index >= size) throw outOfBounds('select', index, d, size);
  return selectView(x, d, index < 0 ? index + size : index, 'select');
}

/** The row-major coordinates of the true elements of a bool mask, one int32 index tensor per mask dim. */
function nonzero(mask: Tensor): Tensor[] {
  const data = hostValues(mask.storage, 'index');
  let count = 0;
  for (let i = 0; i < data.length; i++) if (data[i]) count++;
  const strides = stridesOf(mask.shape);
  const coords = mask.shape.map(() => new Int32Array(count));
  for (let i = 0, found = 0; i < data.length; i++) {
    if (!data[i]) continue;
    let rest = i;
    mask.shape.forEach((_, d) => {
      coords[d]![found] = Math.floor(rest / strides[d]!);
      rest %= strides[d]!;
    });
    found++;
  }
  return coords.map((c) => new Tensor(c, [count], 'int32'));
}

/** Resolves a Python-style slice of a dim of `size` to start, step and length (step must be positive). */
function resolveSlice(s: Slice, size: number): [number, number, number] {
  const step = s.step ?? 1;
  if (!Number.isInteger(step) || step <= 0)
    throw new ValueError('index', `slice step must be a positive integer, got ${step}`);
  const clampBound = (v: number): number => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const start = clampBound(s.start ?? 0);
  const end = clampBound(s.end ?? size);
  return [start, step, Math.max(Math.ceil((end - start) / step), 0)];
}

/**
 * NumPy-style indexing with PyTorch's rules (torch.Tensor.__getitem__: x[0], x[:, 1:3], x[idx], x[mask]).
 * Each spec consumes one dim, left to right; dims without a spec stay whole. A 0-d int32 tensor acts as a number.
 * - a number picks one entry and drops the dim (negative counts from the end);
 * - null keeps the dim whole (Python's `:`);
 * - a Slice { start, end, step } cuts like Python (negative bounds count from the end, out-of-range bounds
 *   clamp, step > 0);
 * - an int32 tensor gathers along the dim (negative entries count from the end); several index tensors
 *   broadcast together, and their result dims replace the indexed dims where those are adjacent, else go first
 *   (NumPy's placement rule, applied after numbers have dropped their dims, as PyTorch does);
 * - a bool tensor is a mask over as many dims as it has, standing for the int32 coordinates of its true entries.
 * Numbers, nulls and slices alone give a view sharing x's storage (PyTorch's basic indexing); tensor indices
 * gather a copy. ∂ = g added back at the picked positions (repeated indices accumulate), zeros elsewhere.
 */
export function index(x: Tensor, ...indices: IndexSpec[]): Tensor {
  const specs = indices.map((spec) =>
    spec instanceof Tensor && spec.dtype === 'int32' && spec.ndim === 0
      ? hostValues(spec.storage, 'index')[0]!
      : spec,
  );
  const consumed = specs.reduce<number>(
    (n, spec) => n + (spec instanceof Tensor && spec.dtype === 'bool' ? spec.ndim : 1),
    0,
  );
  if (consumed > x.ndim) {
    throw new ValueError(
      'index',
      `too many indices (${consumed}) for a tensor of ${x.ndim} dims (shape ${fmtShape(x.shape)})`,
    );
  }
  const starts = x.shape.map(() => 0);
  const steps = x.shape.map(() => 1);
  const window = [...x.shape];
  const kept: number[] = [];
  const advanced: { at: number; dim: number; index: Tensor }[] = [];
  let dim = 0;
  for (const spec of specs) {
    const size = x.shape[dim]!;
    if (typeof spec === 'number') {
      if (!Number.isInteger(spec) || spec < -size || spec >= size)
        throw outOfBounds('index', spec, dim, size);
      starts[dim] = spec < 0 ? spec + size : spec;
      window[dim] = 1;
      dim++;
    } else if (spec === null || spec === undefined) {
      kept.push(dim++);
    } else if (spec instanceof Tensor) {
      if (spec.dtype === 'bool') {
        if (spec.ndim === 0) throw new ShapeError('index', 'a zero-dimensional bool index is not supported');
        const covered = x.shape.slice(dim, dim + spec.ndim);
        if (covered.some((n, k) => n !== spec.shape[k])) {
          throw new ShapeError(
            'index',
            `mask of shape ${fmtShape(spec.shape)} does not match the indexed tensor's shape ${fmtShape(x.shape)} at dims ${dim}…${dim + spec.ndim - 1}`,
          );
        }
        for (const coords of nonzero(spec)) {
          advanced.push({ at: kept.length, dim, index: coords });
          kept.push(dim++);
        }
      } else {
        if (spec.dtype !== 'int32')
          throw new DTypeError(
            'index',
            `index tensors must be int32 (or bool masks), got dtype ${spec.dtype}`,
          );
        checkRange('index', spec.storage as Int32Array, dim, size, true);
        advanced.push({ at: kept.length, dim, index: spec });
        kept.push(dim++);
      }
    } else {
      const [start, step, length] = resolveSlice(spec, size);
      starts[dim] = start;
      steps[dim] = step;
      window[dim] = length;
      kept.push(dim++);
    }
  }
  while (dim < x.ndim) kept.push(dim++);
  const basic = stridedSlice(x, starts, steps, window, 'index', kept);
  return advanced.length === 0 ? basic : advancedIndex(basic, advanced);
}

/**
 * Gathers `basic` at the broadcast index tensors, which sit at result dims `at` (NumPy advanced indexing):
 * the indexed dims are merged into one and read with a single indexSelect of flat offsets.
 */
function advancedIndex(
  basic: Tensor,
  advanced: readonly { at: number; dim: number; index: Tensor }[],
): Tensor {
  const broadcast = advanced.reduce<number[]>(
    (shape, a) => broadcastShapes('index', shape, a.index.shape),
    [],
  );
  const adjacent = advanced.every((a, k) => a.at === advanced[0]!.at + k);
  const positions = advanced.map((a) => a.at);
  let source = basic;
  if (!adjacent) {
    const rest = basic.shape.map((_, d) => d).filter((d) => !positions.includes(d));
    source = permute(basic, [...positions, ...rest]);
  }
  const first = adjacent ? positions[0]! : 0;
  const sizes = source.shape.slice(first, first + advanced.length);
  const strides = stridesOf(sizes);
  const flat = new Int32Array(numel(broadcast));
  advanced.forEach((a, k) => {
    const size = sizes[k]!;
    const stride = strides[k]!;
    const values = hostValues(expand(a.index, broadcast).storage, 'index');
    for (let i = 0; i < flat.length; i++) {
      const v = values[i]!;
      flat[i] = flat[i]! + (v < 0 ? v + size : v) * stride;
    }
  });
  const before = source.shape.slice(0, first);
  const after = source.shape.slice(first + advanced.length);
  const merged = reshape(source, [...before, numel(sizes), ...after]);
  const picked = indexSelectUnchecked(merged, first, new Tensor(flat, [flat.length], 'int32'), 'index');
  return reshape(picked, [...before, ...broadcast, ...after]);
}

// ---- indexSelect --------------------------------------------------------------------------------------

function indexSelectUnchecked(x: Tensor, dim: number, index: Tensor, name: string): Tensor {
  const [outer, size, inner] = aroundDim(x.shape, dim);
  const ids = index.storage as Int32Array;
  const shape = x.shape.map((n, k) => (k === dim ? ids.length : n));
  const out = allocate(x.dtype, numel(shape));
  backend().indexSelect(x.storage, outer, size, inner, ids, out);
  return record(new Tensor(out, shape, x.dtype), name, [x], (g) => [indexAddToZeros(g, x.shape, dim, index)]);
}

/** zeros(shape) with src added at `index` along `dim` (torch.index_add); ∂src = indexSelect of g. */
function indexAddToZeros(src: Tensor, shape: readonly number[], dim: number, index: Tensor): Tensor {
  const [outer, size, inner] = aroundDim(shape, dim);
  const out = allocate(src.dtype, numel(shape));
  backend().indexAdd(src.storage, outer, size, inner, index.storage as Int32Array, out);
  return record(new Tensor(out, shape, src.dtype), 'indexAdd', [src], (g) => [
    indexSelectUnchecked(g, dim, index, 'indexSelect'),
  ]);
}

/**
 * The entries `index` (a 0-d or 1-D int32 tensor, values in [0, size)) along `dim` (torch.index_select);
 * the dim keeps its place with size index.numel(). ∂ = g added back at `index` (repeats accumulate).
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  const ids = checkIndexDType('indexSelect', index);
  if (index.ndim > 1)
    throw new ShapeError('indexSelect', `index must be 0-d or 1-D, got shape ${fmtShape(index.shape)}`);
  if (x.ndim === 0) throw new ShapeError('indexSelect', 'cannot index a zero-dimensional tensor');
  const d = normalizeDim('indexSelect', dim, x.ndim);
  checkRange('indexSelect', ids, d, x.shape[d]!);
  return indexSelectUnchecked(x, d, index.ndim === 0 ? reshape(index, [1]) : index, 'indexSelect');
}

// ---- gather and scatter -------------------------------------------------------------------------------

/**
 * Checks torch.gather/scatter's shape rules: index has x's number of dims, and each of its dims is ≤ x's
 * (except `dim`) and ≤ src's.
 */
function checkScatterShapes(op: string, x: Tensor, d: number, index: Tensor, src: Tensor | null): void {
  if (index.ndim !== x.ndim) {
    throw new ShapeError(
      op,
      `index shape ${fmtShape(index.shape)} must have as many dims as the input shape ${fmtShape(x.shape)}`,
    );
  }
  const k = index.shape.findIndex((n, i) => i !== d && n > x.shape[i]!);
  if (k !== -1) {
    throw new ShapeError(
      op,
      `index shape ${fmtShape(index.shape)} must not exceed the input shape ${fmtShape(x.shape)} except at dim ${d} (dim ${k}: ${index.shape[k]} > ${x.shape[k]})`,
    );
  }
  if (src === null) return;
  const j = src.ndim !== index.ndim ? 0 : index.shape.findIndex((n, i) => n > src.shape[i]!);
  if (src.ndim !== index.ndim || j !== -1) {
    throw new ShapeError(
      op,
      `index shape ${fmtShape(index.shape)} must not exceed the src shape ${fmtShape(src.shape)} in any dim`,
    );
  }
}

/**
 * out[i][j][k] = x[index[i][j][k]][j][k] for dim 0, and likewise for other dims (torch.gather). `index` is
 * int32 with x's number of dims, each ≤ x's except `dim`; out has index's shape.
 * ∂x = g added at `index` (scatterAdd into zeros).
 * @throws ValueError `gather: index 7 is out of bounds for dim 1 with size 5`.
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const ids = checkIndexDType('gather', index);
  const d = normalizeDim('gather', dim, x.ndim);
  checkScatterShapes('gather', x, d, index, null);
  checkRange('gather', ids, d, x.shape[d] ?? 1);
  const out = allocate(x.dtype, index.numel());
  backend().gather(x.storage, x.shape, d, ids, index.shape, out);
  return record(new Tensor(out, index.shape, x.dtype), 'gather', [x], (g) => [
    scatterAdd(zeros(x.shape, { dtype: g.dtype }), d, index, g),
  ]);
}

/** ∂src of scatter/scatterAdd: g read at `index`, padded with zeros where src is larger than index. */
function gatherToSource(g: Tensor, d: number, index: Tensor, sourceShape: readonly number[]): Tensor {
  const picked = gather(g, d, index);
  const extra = sourceShape.map((n, k) => n - index.shape[k]!).reverse();
  return extra.every((e) => e === 0)
    ? picked
    : pad(
        picked,
        extra.flatMap((e) => [0, e]),
      );
}

function scatterImpl(
  op: 'scatter' | 'scatterAdd',
  x: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor | number,
  checkIndices = true,
): Tensor {
  const ids = checkIndexDType(op, index);
  const d = normalizeDim(op, dim, x.ndim);
  if (src instanceof Tensor && src.dtype !== x.dtype)
    throw new DTypeError(op, `src dtype ${src.dtype} must match the input dtype ${x.dtype}`);
  checkScatterShapes(op, x, d, index, src instanceof Tensor ? src : null);
  if (checkIndices) checkRange(op, ids, d, x.shape[d] ?? 1);
  const source = src instanceof Tensor ? src : null;
  let values: Tensor;
  if (source) values = source;
  else {
    const filled = allocate(x.dtype, index.numel());
    filled.fill(src as number);
    values = new Tensor(filled, index.shape, x.dtype);
  }
  const out = allocate(x.dtype, x.numel());
  backend().unary('copy', x.storage, out);
  backend().scatter(values.storage, values.shape, d, ids, index.shape, out, x.shape, op === 'scatterAdd');
  const inputs = source ? [x, source] : [x];
  return record(new Tensor(out, x.shape, x.dtype), op, inputs, (g) => [
    x.requiresGrad ? (op === 'scatter' ? scatter(g, d, index, 0) : g) : null,
    source?.requiresGrad ? gatherToSource(g, d, index, source.shape) : null,
  ]);
}

/**
 * A copy of x with src written at `index` along `dim`: out[index[i][j]][j] = src[i][j] for dim 0 (torch.scatter).
 * `src` is a tensor (each dim ≥ index's) or a number. Duplicate indices leave one of the written values.
 * ∂x = g with zeros at the overwritten positions; ∂src = g gathered at `index`.
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  return scatterImpl('scatter', x, dim, index, src);
}

/**
 * A copy of x with src added at `index` along `dim`: out[index[i][j]][j] += src[i][j] for dim 0
 * (torch.scatter_add); repeated indices accumulate. ∂x = g; ∂src = g gathered at `index`.
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return scatterImpl('scatterAdd', x, dim, index, src);
}

/**
 * @internal scatterAdd for indices neurite made itself (the backward of sort and topk): valid by construction,
 * so no host range check, and they may live on a device (webgpu) without a read.
 */
export function scatterAddTrusted(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return scatterImpl('scatterAdd', x, dim, index, src, false);
}

// ---- encodings ------------------------------------------------------------------------------

/**
 * One-hot encoding of int32 class indices (F.one_hot): shape [...x.shape, numClasses], int32, with a 1 at
 * each class. numClasses = −1 means max(x) + 1. Not differentiable.
 */
export function oneHot(x: Tensor, numClasses = -1): Tensor {
  const classes = checkIndexDType('oneHot', x);
  let count = numClasses;
  if (count === -1) {
    if (classes.length === 0)
      throw new ValueError('oneHot', 'cannot infer the number of classes from an empty tensor');
    count = classes.reduce((m, v) => Math.max(m, v), 0) + 1;
  } else if (!Number.isInteger(count) || count < 0) {
    throw new ValueError('oneHot', `numClasses must be a non-negative integer or -1, got ${numClasses}`);
  }
  for (const v of classes) {
    if (v < 0) throw new ValueError('oneHot', `class values must be non-negative, got ${v}`);
    if (v >= count)
      throw new ValueError('oneHot', `class value ${v} is out of range for numClasses ${count}`);
  }
  const shape = [...x.shape, count];
  const out = new Int32Array(numel(shape));
  const indexShape = [...x.shape, 1];
  const ones = new Int32Array(classes.length).fill(1);
  backend().scatter(ones, indexShape, x.ndim, classes, indexShape, out, shape, false);
  return new Tensor(out, shape, 'int32');
}
