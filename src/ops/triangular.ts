// @file Triangular masks of matrices (tril, triu) over the last two dims, like torch.tril and torch.triu.
import { record } from '../autograd/node.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { allocate } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/** Copies x, zeroing entries (i, j) of each trailing matrix where `keep(j − i)` is false. */
function triangle(op: string, x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (x.ndim < 2) {
    throw new ShapeError(op, `expects a tensor with at least 2 dims, got shape ${fmtShape(x.shape)}`);
  }
  if (!Number.isInteger(diagonal)) throw new ValueError(op, `diagonal must be an integer, got ${diagonal}`);
  const rows = x.shape[x.ndim - 2]!;
  const cols = x.shape[x.ndim - 1]!;
  const src = x.storage;
  const out = allocate(x.dtype, src.length);
  for (let base = 0; base < src.length; base += rows * cols) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const k = base + i * cols + j;
        if (lower ? j - i <= diagonal : j - i >= diagonal) out[k] = src[k]!;
      }
    }
  }
  return new Tensor(out, x.shape, x.dtype);
}

/**
 * The lower triangle of each matrix in the last two dims: out[…, i, j] = x[…, i, j] when j − i ≤ `diagonal`,
 * else 0 (diagonal 0: the main diagonal and below; > 0 keeps more, < 0 less). ∂ = tril(g, diagonal).
 * @throws ShapeError when x has fewer than 2 dims.
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return record(triangle('tril', x, diagonal, true), 'tril', [x], (g) => [tril(g, diagonal)]);
}

/**
 * The upper triangle of each matrix in the last two dims: out[…, i, j] = x[…, i, j] when j − i ≥ `diagonal`,
 * else 0. ∂ = triu(g, diagonal).
 * @throws ShapeError when x has fewer than 2 dims.
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return record(triangle('triu', x, diagonal, false), 'triu', [x], (g) => [triu(g, diagonal)]);
}
