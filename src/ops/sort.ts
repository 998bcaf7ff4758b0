// @file Sorting along a dim: sort, argsort and topk (torch.sort, torch.argsort, torch.topk), gradients through the indices.
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import { ValueError, fmtShape } from '../errors.js';
import { checkOptions, optionKeys } from '../options.js';
import { zeros } from '../tensor/create.js';
import { allocate } from '../tensor/dtype.js';
import { normalizeDim, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { scatterAddTrusted } from './indexing.js';
import type { ValuesIndices } from './reduce.js';
import { narrow } from './shape.js';

/** Options of sort and argsort. */
export interface SortOptions {
  /** The dim to sort along (default −1, the last). */
  dim?: number;
  /** Largest first (default false). */
  descending?: boolean;
  /** Keep equal elements in their original order; neurite's sort is always stable, so this only documents intent. */
  stable?: boolean;
}
const SORT_KEYS = optionKeys<SortOptions>({ dim: true, descending: true, stable: true });

/** Options of topk. */
export interface TopkOptions {
  /** The dim to select along (default −1, the last). */
  dim?: number;
  /** The k largest (default true) or the k smallest. */
  largest?: boolean;
  /** Return them in sorted order (default true); neurite always does. */
  sorted?: boolean;
}
const TOPK_KEYS = optionKeys<TopkOptions>({ dim: true, largest: true, sorted: true });

/** The [outer, size, inner] view of `shape` around `axis` (a 0-d tensor is one line of one element). */
function aroundAxis(shape: Shape, axis: number): [number, number, number] {
  if (shape.length === 0) return [1, 1, 1];
  let outer = 1;
  let inner = 1;
  for (let k = 0; k < axis; k++) outer *= shape[k]!;
  for (let k = axis + 1; k < shape.length; k++) inner *= shape[k]!;
  return [outer, shape[axis]!, inner];
}

/** Runs the sort kernel: the sorted values (no graph yet) and their int32 source indices. */
function sortKernel(x: Tensor, axis: number, descending: boolean): [Tensor, Tensor] {
  const values = allocate(x.dtype, x.numel());
  const indices = new Int32Array(x.numel());
  backend().sort(x.storage, ...aroundAxis(x.shape, axis), descending, values, indices);
  return [new Tensor(values, x.shape, x.dtype), new Tensor(indices, x.shape, 'int32')];
}

/** ∂x of a selection along `axis`: g added back at the positions `indices` came from, zeros elsewhere. */
function scatterBack(g: Tensor, shape: Shape, axis: number, indices: Tensor): Tensor {
  if (shape.length === 0) return g;
  return scatterAddTrusted(zeros(shape, { dtype: g.dtype }), axis, indices, g);
}

function checkFlag(op: string, name: string, value: unknown): boolean {
  if (value !== undefined && typeof value !== 'boolean')
    throw new ValueError(op, `${name} must be a boolean, got ${String(value)}`);
  return value === true;
}

/**
 * The elements of x sorted along `dim` (torch.sort), with `indices` (int32) such that
 * values[…, i, …] = x[…, indices[…, i, …], …]. The sort is stable (equal elements keep their order, as PyTorch's
 * `stable=True`), and NaN sorts as the largest value: last ascending, first descending.
 * ∂x = g scattered back through the indices (a permutation, so each element gets exactly its own gradient).
 * @throws ValueError when `dim` is out of range.
 */
export function sort(x: Tensor, options: SortOptions = {}): ValuesIndices {
  checkOptions('sort', options, SORT_KEYS);
  const axis = normalizeDim('sort', options.dim ?? -1, x.ndim);
  const descending = checkFlag('sort', 'descending', options.descending);
  checkFlag('sort', 'stable', options.stable);
  const [values, indices] = sortKernel(x, axis, descending);
  record(values, 'sort', [x], (g) => [scatterBack(g, x.shape, axis, indices)], {
    dim: axis,
    descending: Number(descending),
  });
  return { values, indices };
}

/**
 * The int32 indices that sort x along `dim` (torch.argsort): sort(x, options).indices. Stable, NaN largest.
 * Not differentiable.
 */
export function argsort(x: Tensor, options: SortOptions = {}): Tensor {
  checkOptions('argsort', options, SORT_KEYS);
  const axis = normalizeDim('argsort', options.dim ?? -1, x.ndim);
  const descending = checkFlag('argsort', 'descending', options.descending);
  checkFlag('argsort', 'stable', options.stable);
  return sortKernel(x, axis, descending)[1];
}

/**
 * The k largest (or smallest) elements along `dim` and their int32 indices (torch.topk), in sorted order
 * (largest first when `largest`); equal elements keep their order and NaN counts as the largest value.
 * ∂x = g scattered back to the selected positions, zeros elsewhere.
 * @throws ValueError `topk: k (5) is out of range for dim 1 of size 4 (shape [3, 4])`, or for a bad dim.
 */
export function topk(x: Tensor, k: number, options: TopkOptions = {}): ValuesIndices {
  checkOptions('topk', options, TOPK_KEYS);
  const axis = normalizeDim('topk', options.dim ?? -1, x.ndim);
  const largest = options.largest === undefined ? true : checkFlag('topk', 'largest', options.largest);
  checkFlag('topk', 'sorted', options.sorted);
  const size = x.ndim === 0 ? 1 : x.shape[axis]!;
  if (!Number.isInteger(k) || k < 0 || k > size) {
    throw new ValueError(
      'topk',
      `k (${k}) is out of range for dim ${axis} of size ${size} (shape ${fmtShape(x.shape)})`,
    );
  }
  const [sorted, order] = sortKernel(x, axis, largest);
  const values = x.ndim === 0 ? sorted : narrow(sorted, axis, 0, k);
  const indices = x.ndim === 0 ? order : narrow(order, axis, 0, k);
  record(values, 'topk', [x], (g) => [scatterBack(g, x.shape, axis, indices)], {
    dim: axis,
    k,
    largest: Number(largest),
  });
  return { values, indices };
}
