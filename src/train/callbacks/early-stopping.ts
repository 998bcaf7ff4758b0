// @file EarlyStopping: stop when a monitored metric stops improving, optionally restoring the best weights.
import { ValueError } from '../../errors.js';
import type { StateDict } from '../../nn/module.js';
import type { Callback, Logs, TrainContext } from './callback.js';
import type { History } from './history.js';

export interface EarlyStoppingOptions {
  /** The log to watch (default 'valLoss'; 'loss' when there is no validation set). */
  monitor?: string;
  /** An improvement smaller than this does not count (default 0). */
  minDelta?: number;
  /** Epochs without improvement to wait before stopping (default 0). */
  patience?: number;
  /** 'min' (losses), 'max' (accuracies) or 'auto' (max when the name contains 'acc', else min). */
  mode?: 'min' | 'max' | 'auto';
  /** Stop unless the metric beats this value within `patience` epochs. */
  baseline?: number;
  /** At the end, load the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
  /** History to annotate with the stop and best epochs (fit passes its own). */
  history?: History;
}

/**
 * Regularisation by early stopping (Keras' EarlyStopping semantics): after each epoch, the monitored value
 * improves when it beats the best so far by more than minDelta; after `patience` epochs without improvement
 * training stops. With restoreBestWeights the model ends with a copy of the best epoch's state dict.
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  history: History | undefined;
  best = NaN;
  bestEpoch = -1;
  wait = 0;
  stoppedEpoch: number | null = null;
  private bestWeights: StateDict | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    this.monitor = options.monitor ?? 'valLoss';
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.patience = options.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) {
      throw new ValueError(
        'EarlyStopping',
        `patience must be a non-negative integer, got ${options.patience}`,
      );
    }
    const mode = options.mode ?? 'auto';
    if (!['min', 'max', 'auto'].includes(mode))
      throw new ValueError('EarlyStopping', `mode must be 'min', 'max' or 'auto', got '${mode}'`);
    this.mode = mode === 'auto' ? (/acc|f1|precision|recall/i.test(this.monitor) ? 'max' : 'min') : mode;
    this.baseline = options.baseline;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.history = options.history;
  }

  private improved(value: number, reference: number): boolean {
    return this.mode === 'min' ? value < reference - this.minDelta : value > reference + this.minDelta;
  }

  onTrainBegin(): void {
    this.best = this.baseline ?? (this.mode === 'min' ? Infinity : -Infinity);
    this.bestEpoch = -1;
    this.wait = 0;
    this.stoppedEpoch = null;
    this.bestWeights = null;
  }

  onEpochEnd(epoch: number, logs: Logs, context: TrainContext): void {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new ValueError(
        'EarlyStopping',
        `monitored metric '${this.monitor}' is not in the logs (available: ${Object.keys(logs).join(', ')})`,
      );
    }
    if (
      this.improved(value, this.best) ||
      (this.bestEpoch < 0 && this.baseline === undefined && Number.isFinite(value))
    ) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) this.bestWeights = snapshot(context.model.stateDict());
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      context.stopTraining = true;
    }
  }

  onTrainEnd(context: TrainContext): void {
    if (this.restoreBestWeights && this.bestWeights) context.model.loadStateDict(this.bestWeights);
    if (this.history) {
      this.history.stoppedEpoch = this.stoppedEpoch;
      this.history.bestEpoch = this.bestEpoch >= 0 ? this.bestEpoch : null;
    }
  }
}

function snapshot(state: StateDict): StateDict {
  const copy: StateDict = {};
  for (const [key, value] of Object.entries(state)) copy[key] = value.clone();
  return copy;
}
