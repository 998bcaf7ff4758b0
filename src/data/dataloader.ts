// @file DataLoader: iterates a dataset in (optionally shuffled) mini-batches.
import { ValueError } from '../errors.js';
import { Generator, defaultGenerator, type GeneratorState } from '../random/generator.js';
import { defaultCollate, type Collated } from './collate.js';
import { checkOptionKeys, type Dataset } from './dataset.js';

export interface DataLoaderOptions<T, B> {
  /** Samples per batch; default 1. */
  batchSize?: number;
  /** Draw a new random order of the samples at the start of every epoch; default false. */
  shuffle?: boolean;
  /** Skip the last batch when it would be smaller than batchSize; default false. */
  dropLast?: boolean;
  /**
   * The generator the shuffles are drawn from. Default: a private Generator seeded at construction with
   * one draw from the global generator, so `manualSeed(s)` before building the loader fixes every epoch's
   * order, and the loader's shuffles do not disturb the global stream afterwards.
   */
  generator?: Generator;
  /** Merges the samples of one batch; default `defaultCollate` (stacks tensors along a new first dim). */
  collate?: (samples: T[]) => B;
}

/** What `getState()` returns and `setState()` takes: JSON-serialisable. */
export interface DataLoaderState {
  /** The shuffle generator's state (null when the loader does not shuffle and was given no generator). */
  readonly generator: GeneratorState | null;
}

const OPTION_KEYS = ['batchSize', 'shuffle', 'dropLast', 'generator', 'collate'] as const;

/**
 * Iterates `dataset` in mini-batches (torch.utils.data.DataLoader, single process):
 *
 * ```ts
 * const loader = new data.DataLoader(ds, { batchSize: 32, shuffle: true });
 * for (const [x, y] of loader) { … }   // x [32, …], y [32, …]; the last batch may be smaller
 * ```
 *
 * Each `for…of` is one epoch: with `shuffle` it visits a fresh random permutation of 0…n−1 (a new one each
 * epoch), otherwise 0…n−1 in order, cut into ⌈n/batchSize⌉ batches (⌊n/batchSize⌋ with `dropLast`).
 * Without a custom `collate`, a dataset's `getBatch` is used when it has one (TensorDataset and Subset
 * copy rows straight from the typed arrays); otherwise samples are read with `get` and merged by
 * `defaultCollate`.
 *
 * Resuming: the order of an epoch is drawn when its iteration starts. Save `loader.getState()` between
 * epochs (e.g. with a checkpoint) and call `loader.setState(state)` on a new loader built with the same
 * options: the following epochs get the same orders as in the uninterrupted run.
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  /** The generator the shuffles come from (null when not shuffling and none was given). */
  readonly generator: Generator | null;
  private readonly collate: ((samples: T[]) => B) | null;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    if (
      dataset === null ||
      typeof dataset !== 'object' ||
      typeof dataset.get !== 'function' ||
      !Number.isInteger(dataset.length) ||
      dataset.length < 0
    ) {
      throw new ValueError(
        'DataLoader',
        'expected a dataset (an object with an integer length and get(index)), e.g. new TensorDataset(x, y)',
      );
    }
    if (options === null || typeof options !== 'object') {
      throw new ValueError('DataLoader', `options must be an object, got ${String(options)}`);
    }
    checkOptionKeys('DataLoader', options, OPTION_KEYS);
    const { batchSize = 1, shuffle = false, dropLast = false, generator, collate } = options;
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize <= 0) {
      throw new ValueError('DataLoader', `batchSize must be a positive integer, got ${String(batchSize)}`);
    }
    if (typeof shuffle !== 'boolean') {
      throw new ValueError('DataLoader', `shuffle must be a boolean, got ${String(shuffle)}`);
    }
    if (typeof dropLast !== 'boolean') {
      throw new ValueError('DataLoader', `dropLast must be a boolean, got ${String(dropLast)}`);
    }
    if (generator !== undefined && !(generator instanceof Generator)) {
      throw new ValueError('DataLoader', 'generator must be a Generator (new Generator(seed))');
    }
    if (collate !== undefined && typeof collate !== 'function') {
      throw new ValueError('DataLoader', `collate must be a function, got ${typeof collate}`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator ?? (shuffle ? new Generator(defaultGenerator.nextUint32()) : null);
    this.collate = collate ?? null;
  }

  /** Number of batches per epoch: ⌈n/batchSize⌉, or ⌊n/batchSize⌋ with dropLast (len(loader)). */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Starts an epoch: draws its sample order now (when shuffling), then yields its batches lazily. */
  [Symbol.iterator](): Iterator<B> {
    const n = this.dataset.length;
    let order: Int32Array;
    if (this.shuffle) {
      order = this.generator!.permutation(n);
    } else {
      order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
    }
    return this.batches(order, this.length);
  }

  private *batches(order: Int32Array, count: number): IterableIterator<B> {
    for (let b = 0; b < count; b++) {
      const indices = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
      yield this.fetch(indices);
    }
  }

  private fetch(indices: Int32Array): B {
    if (this.collate) return this.collate(Array.from(indices, (i) => this.dataset.get(i)));
    if (this.dataset.getBatch) return this.dataset.getBatch(indices) as B;
    return defaultCollate(Array.from(indices, (i) => this.dataset.get(i))) as B;
  }

  /** The shuffle state, to save between epochs and restore with setState. */
  getState(): DataLoaderState {
    return { generator: this.generator ? this.generator.getState() : null };
  }

  /** Restores a state from getState(): the next epochs draw the orders the saved loader would have drawn. */
  setState(state: DataLoaderState): this {
    if (state === null || typeof state !== 'object' || !('generator' in state)) {
      throw new ValueError('DataLoader.setState', 'expected a state returned by DataLoader.getState()');
    }
    if (state.generator !== null) {
      if (!this.generator) {
        throw new ValueError(
          'DataLoader.setState',
          'the state holds a shuffle generator but this loader neither shuffles nor has a generator',
        );
      }
      this.generator.setState(state.generator);
    }
    return this;
  }
}
