// @file Indexing ops: select, index, gather, scatter, scatterAdd, indexSelect, maskedFill, oneHot.
import { Tensor } from '../tensor/tensor.js';

/** A slice of one dim, like Python's start:end:step (end exclusive; negatives count from the end). */
export interface Slice {
  start?: number;
  end?: number;
  step?: number;
}

/** One entry of `index(...)`: a number picks (and drops the dim), null keeps the dim whole, a Slice cuts, an int tensor gathers. */
export type IndexSpec = number | null | Slice | Tensor;

// The functions below are filled in by the indexing work; each keeps this signature.

/** The slice at `index` along `dim`, with that dim removed. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  (void x, dim, index);
  throw new Error('select: not implemented yet');
}

/** NumPy-style indexing (x[0], x[:, 1:3], x[idx]). */
export function index(x: Tensor, ...indices: IndexSpec[]): Tensor {
  (void x, indices);
  throw new Error('index: not implemented yet');
}

/** out[i][j] = x[index[i][j]][j] for dim 0 (torch.gather). */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  (void x, dim, index);
  throw new Error('gather: not implemented yet');
}

/** A copy of x with src written at `index` along `dim` (torch.scatter). */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  (void x, dim, index, src);
  throw new Error('scatter: not implemented yet');
}

/** A copy of x with src added at `index` along `dim` (torch.scatter_add). */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  (void x, dim, index, src);
  throw new Error('scatterAdd: not implemented yet');
}

/** The entries `index` (1-D int) along `dim` (torch.index_select). */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  (void x, dim, index);
  throw new Error('indexSelect: not implemented yet');
}

/** x with `value` where `mask` (bool, broadcast) is true. */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  (void x, mask, value);
  throw new Error('maskedFill: not implemented yet');
}

/** One-hot encoding of int class indices: shape [...x.shape, numClasses], int32. */
export function oneHot(x: Tensor, numClasses = -1): Tensor {
  (void x, numClasses);
  throw new Error('oneHot: not implemented yet');
}
