// @file Triangular masks of matrices (tril, triu) over the last two dims, like torch.tril and torch.triu.
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { allocate } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/** Copies x, zeroing entries (i, j) of each trailing matrix outside the triangle j − i ≤ (or ≥) `diagonal`. */
function triangle(op: string, x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (x.ndim < 2) {
    throw new ShapeError(op, `expects a tensor with at least 2 dims, got shape ${fmtShape(x.shape)}`);
  }
  if (!Number.isInteger(diagonal)) throw new ValueError(op, `diagonal must be an integer, got ${diagonal}`);
  const out = allocate(x.dtype, x.numel());
  backend().triangle(x.storage, x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!, diagonal, lower, out);
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
