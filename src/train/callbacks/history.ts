// @file History: the per-epoch logs of a fit() run.
import type { Callback, Logs } from './callback.js';

/** Records every epoch's logs; `fit()` returns one. `history.history.valLoss[e]` is epoch e's validation loss. */
export class History implements Callback {
  /** Metric name → one value per finished epoch. */
  readonly history: Record<string, number[]> = {};
  /** Epoch indices recorded (0-based). */
  readonly epochs: number[] = [];
  /** Set by EarlyStopping: the epoch (0-based) after which training stopped, or null. */
  stoppedEpoch: number | null = null;
  /** Set by EarlyStopping with restoreBestWeights: the epoch whose weights the model ends with. */
  bestEpoch: number | null = null;

  onEpochEnd(epoch: number, logs: Logs): void {
    this.epochs.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }

  /** The last recorded value of a metric. */
  last(key: string): number | undefined {
    const values = this.history[key];
    return values ? values[values.length - 1] : undefined;
  }

  toJSON(): {
    epochs: number[];
    history: Record<string, number[]>;
    stoppedEpoch: number | null;
    bestEpoch: number | null;
  } {
    return {
      epochs: this.epochs,
      history: this.history,
      stoppedEpoch: this.stoppedEpoch,
      bestEpoch: this.bestEpoch,
    };
  }
}
