// @file Messages between the sequence page and its training worker.
import type { SequenceSettings } from './settings.js';
import type { VocabularyName } from './tasks.js';

/** The loss and token accuracy of one training step, on that step's batch. */
export interface StepLog {
  step: number;
  loss: number;
  accuracy: number;
}

/** The model on the held-out evaluation set, as it is now. */
export interface Evaluation {
  loss: number;
  /** Share of output tokens predicted right. */
  tokenAccuracy: number;
  /** Share of sequences with every token right. */
  sequenceAccuracy: number;
  /** Examples in the evaluation set. */
  count: number;
}

/** One example the page shows: its tokens, the model's prediction and its attention weights. */
export interface ExampleView {
  input: number[];
  target: number[];
  predicted: number[];
  /**
   * Attention weights [numLayers, numHeads, length, length], row-major: entry (layer, head, q, k) is how much
   * query position q draws from key position k; each row sums to 1.
   */
  attention: Float32Array;
}

/** What the page draws: posted by the worker at a bounded rate. */
export interface SequenceSnapshot {
  /** Increases with every reset, so the page can drop snapshots of an older run. */
  runId: number;
  step: number;
  running: boolean;
  /** Milliseconds spent training this run (not counting pauses). */
  trainingMs: number;
  /** Step logs since the previous snapshot of this run. */
  logs: StepLog[];
  evaluation: Evaluation;
  examples: ExampleView[];
  length: number;
  numLayers: number;
  numHeads: number;
  vocabulary: VocabularyName;
  parameterCount: number;
  /** The kernels training runs on ('wasm' or 'js'). */
  backend: string;
}

export type ToSequenceWorker =
  | { type: 'reset'; settings: SequenceSettings; runId: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' };

export type FromSequenceWorker =
  { type: 'snapshot'; snapshot: SequenceSnapshot } | { type: 'error'; message: string };
