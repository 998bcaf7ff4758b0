// @file embedding: row lookup in a weight table, with an optional padding row that gets no gradient (F.embedding).
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { eq, indexSelect, reshape, where } from '../../ops/index.js';
import { indexExtremes } from '../../ops/index-range.js';
import type { Tensor } from '../../tensor/tensor.js';

/** Maps a possibly negative padding index into [0, numEmbeddings); `op` names the caller in errors. */
export function normalizePaddingIdx(op: string, paddingIdx: number, numEmbeddings: number): number {
  if (!Number.isInteger(paddingIdx) || paddingIdx < -numEmbeddings || paddingIdx >= numEmbeddings) {
    throw new ValueError(
      op,
      `paddingIdx must be an integer in [${-numEmbeddings}, ${numEmbeddings - 1}] (within numEmbeddings ${numEmbeddings}), got ${paddingIdx}`,
    );
  }
  return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
}

/** Checks that `indices` is int32 with every entry in [0, numEmbeddings); `op` names the caller in errors. */
export function checkEmbeddingIndices(op: string, indices: Tensor, numEmbeddings: number): void {
  if (indices.dtype !== 'int32')
    throw new DTypeError(op, `expected int32 indices, got dtype ${indices.dtype}`);
  if (indices.numel() === 0) return;
  // Read on the host like every index check: the smallest index if it is negative, else the largest if too large.
  const [lowest, highest] = indexExtremes(op, indices);
  const outside = lowest < 0 ? lowest : highest >= numEmbeddings ? highest : null;
  if (outside !== null)
    throw new ValueError(op, `index ${outside} is out of range for ${numEmbeddings} embeddings`);
}

/**
 * Looks up rows of `weight` [numEmbeddings, embeddingDim] (torch.nn.functional.embedding): the result has
 * shape [...indices.shape, embeddingDim] and out[i…] = weight[indices[i…]]. Gradients scatter-add back into
 * the rows, except that positions holding `paddingIdx` contribute none (the padding row stays fixed).
 * @throws DTypeError for non-int32 indices; ValueError for an index outside [0, numEmbeddings).
 */
export function embedding(indices: Tensor, weight: Tensor, paddingIdx?: number | null): Tensor {
  if (weight.ndim !== 2) {
    throw new ShapeError(
      'embedding',
      `weight must be 2-D [numEmbeddings, embeddingDim], got shape ${fmtShape(weight.shape)}`,
    );
  }
  const [numEmbeddings, embeddingDim] = weight.shape as [number, number];
  checkEmbeddingIndices('embedding', indices, numEmbeddings);
  const padding = paddingIdx == null ? null : normalizePaddingIdx('embedding', paddingIdx, numEmbeddings);
  const flat = reshape(indices, [-1]);
  let rows = indexSelect(weight, 0, flat);
  if (padding !== null && rows.requiresGrad) {
    // Same values, but padding positions read a detached copy of their row, so no gradient reaches it.
    rows = where(reshape(eq(flat, padding), [-1, 1]), rows.detach(), rows);
  }
  return reshape(rows, [...indices.shape, embeddingDim]);
}
