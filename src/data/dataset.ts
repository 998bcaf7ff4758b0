// @file Dataset: the abstract indexed collection that Subset, randomSplit and DataLoader work on.
import { ValueError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { Collated } from './collate.js';

/**
 * A map-style dataset: `length` samples, sample i read by `get(i)` (torch.utils.data.Dataset with
 * `__len__` and `__getitem__`). Subclass it, or pass any object with the same members.
 *
 * A dataset may also offer `getBatch(indices)`, which returns the collated batch of those samples at once
 * (what `defaultCollate(indices.map(get))` would give, without building one object per sample).
 * DataLoader uses it when no custom `collate` is given; TensorDataset implements it with typed-array copies.
 */
export abstract class Dataset<T> {
  /** Number of samples. */
  abstract readonly length: number;

  /** Sample `index`, for 0 ≤ index < length. */
  abstract get(index: number): T;

  /** Optional fast path: the samples at `indices`, already collated into one batch. */
  getBatch?(indices: ArrayLike<number>): Collated<T>;
}

/**
 * Checks that `index` is an integer in [−length, length) and returns it in [0, length) (negative indices
 * count from the end, as in Python).
 */
export function normalizeIndex(op: string, index: number, length: number): number {
  if (!Number.isInteger(index) || index < -length || index >= length) {
    throw new ValueError(
      op,
      `index ${String(index)} is out of range for a dataset of length ${length} (expected an integer in [${-length}, ${length}))`,
    );
  }
  return index < 0 ? index + length : index;
}

/**
 * Throws a ValueError naming `op` when `options` holds a key it does not know (e.g. `batch_size`), suggesting
 * the closest known one; the check every options object in neurite goes through (src/options.ts).
 */
export function checkOptionKeys(op: string, options: object, known: readonly string[]): void {
  checkOptions(op, options, known);
}
