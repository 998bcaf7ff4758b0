// @file Perplexity of a character model and the unigram baseline it should beat.
import { ValueError } from '../../errors.js';

/**
 * Perplexity from the mean cross-entropy per character in nats: PPL = exp(H), with
 * H = −(1/N) Σᵢ ln p(cᵢ | c₁…cᵢ₋₁). A model that spreads its belief evenly over k characters has perplexity k.
 */
export function perplexity(meanCrossEntropy: number): number {
  return Math.exp(meanCrossEntropy);
}

/**
 * Add-one (Laplace) smoothed unigram log-probabilities ln p(c) = ln((count(c) + 1) / (N + V)) of the V tokens,
 * counted over the N tokens of `ids` (so a character absent from the training text keeps a small probability).
 */
export function unigramLogProbabilities(ids: ArrayLike<number>, vocabularySize: number): Float64Array {
  if (!Number.isInteger(vocabularySize) || vocabularySize < 1)
    throw new ValueError('unigram', `the vocabulary size must be a positive integer, got ${vocabularySize}`);
  const counts = new Float64Array(vocabularySize);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < vocabularySize))
      throw new ValueError(
        'unigram',
        `token ${id} at position ${i} is outside the vocabulary of ${vocabularySize}`,
      );
    counts[id]!++;
  }
  const total = ids.length + vocabularySize;
  return counts.map((c) => Math.log((c + 1) / total));
}

/**
 * The perplexity of a unigram model fitted on `trainIds` (add-one smoothed, see unigramLogProbabilities) on
 * `evalIds`: exp(−(1/M) Σⱼ ln p(evalIdsⱼ)). It ignores all context, so a model that learned anything about
 * which character follows which scores below it.
 */
export function unigramPerplexity(
  trainIds: ArrayLike<number>,
  evalIds: ArrayLike<number>,
  vocabularySize: number,
): number {
  if (evalIds.length === 0) throw new ValueError('unigram', 'no tokens to evaluate on');
  const logP = unigramLogProbabilities(trainIds, vocabularySize);
  let sum = 0;
  for (let j = 0; j < evalIds.length; j++) {
    const lp = logP[evalIds[j]!];
    if (lp === undefined)
      throw new ValueError(
        'unigram',
        `token ${evalIds[j]} at position ${j} is outside the vocabulary of ${vocabularySize}`,
      );
    sum += lp;
  }
  return perplexity(-sum / evalIds.length);
}
