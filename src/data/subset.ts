// @file Subset: a view of a dataset restricted to chosen indices.
import { ValueError } from '../errors.js';
import { defaultCollate, type Collated } from './collate.js';
import { Dataset, normalizeIndex } from './dataset.js';

/**
 * The samples of `dataset` at `indices`, in that order (torch.utils.data.Subset): `subset.get(i)` is
 * `dataset.get(indices[i])`. Indices are checked against the dataset's length here, where they enter;
 * negative ones count from the end. Repeats are allowed.
 */
export class Subset<T> extends Dataset<T> {
  readonly dataset: Dataset<T>;
  /** The chosen indices into `dataset`, normalised to [0, dataset.length). */
  readonly indices: Int32Array;

  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    super();
    if (dataset === null || typeof dataset !== 'object' || typeof dataset.get !== 'function') {
      throw new ValueError('Subset', 'expected a dataset (an object with length and get(index))');
    }
    this.dataset = dataset;
    this.indices = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      this.indices[i] = normalizeIndex('Subset', indices[i]!, dataset.length);
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    return this.dataset.get(this.indices[normalizeIndex('Subset.get', index, this.indices.length)]!);
  }

  /** The batch of the underlying dataset's samples, through its own getBatch when it has one. */
  override getBatch(indices: ArrayLike<number>): Collated<T> {
    const mapped = new Int32Array(indices.length);
    for (let b = 0; b < indices.length; b++) {
      mapped[b] = this.indices[normalizeIndex('Subset.getBatch', indices[b]!, this.indices.length)]!;
    }
    if (this.dataset.getBatch) return this.dataset.getBatch(mapped);
    return defaultCollate(Array.from(mapped, (i) => this.dataset.get(i)));
  }
}
