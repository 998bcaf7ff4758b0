// @file randomSplit: splits a dataset into non-overlapping random subsets of given lengths or fractions.
import { ValueError } from '../errors.js';
import { defaultGenerator, type Generator } from '../random/generator.js';
import { Dataset } from './dataset.js';
import { Subset } from './subset.js';

export interface RandomSplitOptions {
  /** Draws the permutation from this generator; default: the global one seeded by manualSeed. */
  generator?: Generator;
}

/**
 * Splits `dataset` into disjoint random subsets (torch.utils.data.random_split).
 *
 * `lengths` are either sample counts summing to `dataset.length`, or fractions summing to 1. Fractions
 * give ⌊n·fᵢ⌋ samples each, then the r = n − Σ⌊n·fᵢ⌋ samples left over are handed out one at a time,
 * round-robin from the first split (PyTorch's rule), so `[0.8, 0.2]` of 401 samples gives 321 and 80.
 * The samples are a random permutation of 0…n−1 cut into consecutive pieces.
 *
 * @example const [train, val] = data.randomSplit(ds, [0.8, 0.2], { generator: new Generator(42) });
 */
export function randomSplit<T>(
  dataset: Dataset<T>,
  lengths: readonly number[],
  options: RandomSplitOptions = {},
): Subset<T>[] {
  const n = dataset.length;
  if (!Array.isArray(lengths) || lengths.length === 0) {
    throw new ValueError('randomSplit', 'expected a non-empty array of lengths or fractions');
  }
  if (lengths.some((v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
    throw new ValueError(
      'randomSplit',
      `lengths must be non-negative finite numbers, got [${lengths.join(', ')}]`,
    );
  }
  const total = lengths.reduce((a, b) => a + b, 0);
  let counts = [...lengths];
  if (Math.abs(total - 1) <= 1e-9 && total <= 1) {
    if (lengths.some((f) => f > 1)) {
      throw new ValueError('randomSplit', `fractions must lie in [0, 1], got [${lengths.join(', ')}]`);
    }
    counts = lengths.map((f) => Math.floor(n * f));
    const remainder = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) counts[i % counts.length]! += 1;
  } else if (counts.some((c) => !Number.isInteger(c))) {
    throw new ValueError(
      'randomSplit',
      `lengths must be integers, or fractions summing to 1; got [${lengths.join(', ')}] (sum ${total})`,
    );
  }
  const sum = counts.reduce((a, b) => a + b, 0);
  if (sum !== n) {
    throw new ValueError(
      'randomSplit',
      `the lengths [${counts.join(', ')}] sum to ${sum}, not to the dataset's length ${n}`,
    );
  }
  const order = (options.generator ?? defaultGenerator).permutation(n);
  const subsets: Subset<T>[] = [];
  let offset = 0;
  for (const count of counts) {
    subsets.push(new Subset(dataset, order.subarray(offset, offset + count)));
    offset += count;
  }
  return subsets;
}
