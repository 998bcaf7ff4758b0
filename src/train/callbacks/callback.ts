// @file The callback protocol of fit(): hooks at train, epoch and batch boundaries, and the shared context.
import type { AnyModule } from '../../nn/module.js';

/** Numbers logged by fit(): `loss`, metric names, and `valLoss`, `valAccuracy`… for the validation set, plus `lr`. */
export type Logs = Record<string, number>;

/** What callbacks can see and change during fit(). */
export interface TrainContext {
  model: AnyModule;
  epochs: number;
  /** Batches per training epoch. */
  steps: number;
  /** Set to true to end training after the current epoch (EarlyStopping does). */
  stopTraining: boolean;
}

/**
 * A fit() callback (as in Keras / Lightning). Every hook is optional; epochs and batches count from 0.
 */
export interface Callback {
  onTrainBegin?(context: TrainContext): void;
  onEpochBegin?(epoch: number, context: TrainContext): void;
  onBatchEnd?(batch: number, logs: Logs, context: TrainContext): void;
  onEpochEnd?(epoch: number, logs: Logs, context: TrainContext): void;
  onTrainEnd?(context: TrainContext): void;
}
