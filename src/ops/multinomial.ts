// @file multinomial (torch.multinomial): category indices drawn from rows of probabilities by the seeded generator.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { checkOptions, optionKeys } from '../options.js';
import { sampleWithReplacement, sampleWithoutReplacement } from '../random/categorical.js';
import { defaultGenerator, type Generator } from '../random/generator.js';
import { isFloat } from '../tensor/dtype.js';
import { hostValues } from '../tensor/host-gate.js';
import { Tensor } from '../tensor/tensor.js';

/** Options of multinomial. */
export interface MultinomialOptions {
  /** Draw with replacement (default false: the samples of a row are distinct categories). */
  replacement?: boolean;
  /** The generator to draw from (default: the global one that manualSeed seeds). */
  generator?: Generator;
}
const MULTINOMIAL_KEYS = optionKeys<MultinomialOptions>({ replacement: true, generator: true });

/** Checks a row of weights: each finite and ≥ 0 (NaN fails too), with a positive sum. */
function checkRow(
  weights: ArrayLike<number>,
  offset: number,
  size: number,
  row: number,
  shape: string,
): void {
  let total = 0;
  for (let i = 0; i < size; i++) {
    const w = weights[offset + i]!;
    if (!(w >= 0) || w === Infinity) {
      throw new ValueError(
        'multinomial',
        `probabilities must be finite and non-negative, got ${w} at row ${row}, column ${i} (shape ${shape})`,
      );
    }
    total += w;
  }
  if (!(total > 0)) {
    throw new ValueError(
      'multinomial',
      `invalid distribution: the probabilities of row ${row} sum to ${total} (shape ${shape}); they must sum to more than 0`,
    );
  }
}

/**
 * Draws `numSamples` category indices from each row of `probs` (torch.multinomial): a 1-D tensor [C] gives
 * [numSamples], a 2-D [N, C] gives [N, numSamples], int32. Category i of a row is drawn with probability
 * pᵢ/Σp (rows need not sum to 1). Without replacement (the default) the samples of a row are distinct, each
 * drawn from the categories left (so numSamples ≤ C); zero-probability categories are never drawn, except after
 * every other category of the row has been. The streams come from neurite's seeded generator, so the same seed
 * gives the same draws in neurite, not PyTorch's. Not differentiable.
 * @throws ValueError for negative, NaN or infinite probabilities, a row summing to 0, numSamples ≤ 0, or
 * numSamples > C without replacement; ShapeError for inputs that are not 1-D or 2-D; DTypeError for non-float input.
 */
export function multinomial(probs: Tensor, numSamples: number, options: MultinomialOptions = {}): Tensor {
  checkOptions('multinomial', options, MULTINOMIAL_KEYS);
  const { replacement = false, generator = defaultGenerator } = options;
  if (typeof replacement !== 'boolean')
    throw new ValueError('multinomial', `replacement must be a boolean, got ${String(replacement)}`);
  if (!isFloat(probs.dtype))
    throw new DTypeError('multinomial', `expected floating-point probabilities, got dtype ${probs.dtype}`);
  if (probs.ndim !== 1 && probs.ndim !== 2) {
    throw new ShapeError(
      'multinomial',
      `probabilities must be 1-D [categories] or 2-D [rows, categories], got shape ${fmtShape(probs.shape)}`,
    );
  }
  if (!Number.isInteger(numSamples) || numSamples <= 0)
    throw new ValueError('multinomial', `numSamples must be a positive integer, got ${numSamples}`);
  const rows = probs.ndim === 2 ? probs.shape[0]! : 1;
  const categories = probs.shape[probs.ndim - 1]!;
  const shape = fmtShape(probs.shape);
  if (!replacement && numSamples > categories) {
    throw new ValueError(
      'multinomial',
      `cannot draw ${numSamples} samples without replacement from ${categories} categories (shape ${shape})`,
    );
  }
  const weights = hostValues(probs.storage, 'multinomial');
  for (let r = 0; r < rows; r++) checkRow(weights, r * categories, categories, r, shape);
  const out = new Int32Array(rows * numSamples);
  // One draw per row has the same distribution either way; inverse-CDF is the cheaper sampler.
  const sample = replacement || numSamples === 1 ? sampleWithReplacement : sampleWithoutReplacement;
  for (let r = 0; r < rows; r++)
    sample(generator, weights, r * categories, categories, numSamples, out, r * numSamples);
  return new Tensor(out, probs.ndim === 2 ? [rows, numSamples] : [numSamples], 'int32');
}
