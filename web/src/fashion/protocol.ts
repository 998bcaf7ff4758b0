// @file Messages between the Fashion-MNIST page and its training worker.
import type { BackendChoice, BackendStatus } from '../backend-choice.js';

/** How many test images the page shows with their predictions. */
export const SHOWN_IMAGES = 24;

/** Where the worker gets the four IDX files. */
export type DataSource = { kind: 'server'; url: string } | { kind: 'files'; files: File[] };

/** Run limits from the page's URL (`?train=…&test=…&eval=…`), for quick runs and tests. */
export interface RunLimits {
  /** Training images used (the first ones): 1…60000. */
  train: number;
  /** Test images scored at each epoch's end (the first ones): 1…10000. */
  test: number;
  /** Test images scored while training, for the live accuracy (the first ones of the test set). */
  live: number;
  /** Seed of the initial weights, the shuffles and the dropout masks. */
  seed: number;
}

/** The mean training loss of the steps since the previous point. */
export interface LossPoint {
  step: number;
  loss: number;
}

/** The model scored on the first `count` test images. */
export interface Evaluation {
  step: number;
  epoch: number;
  count: number;
  accuracy: number;
  loss: number;
  /** Whether these are the epoch's full test images (`test`) rather than the live subset (`live`). */
  full: boolean;
  /** Predicted classes of the first SHOWN_IMAGES test images. */
  predictions: Int32Array;
}

export interface FashionSnapshot {
  /** Counts runs up: the page clears its curves when it changes. */
  runId: number;
  running: boolean;
  step: number;
  /** Epochs (passes over the training images) completed. */
  epoch: number;
  batchSize: number;
  /** Training points since the previous snapshot. */
  losses: LossPoint[];
  /** Scores since the previous snapshot. */
  evaluations: Evaluation[];
  /** Time spent training (steps and scoring), in ms. */
  trainingMs: number;
  /** Optimizer steps per second over the last training slices. */
  stepsPerSecond: number;
  /** The backend the run trains on. */
  backend: string;
}

/** The data as loaded: sizes and the shown test images (28×28 bytes each) with their labels. */
export interface LoadedData {
  trainCount: number;
  testCount: number;
  shownPixels: Uint8Array;
  shownLabels: Uint8Array;
}

export type ToFashionWorker =
  | { type: 'backend'; backend: BackendChoice }
  | { type: 'load'; source: DataSource; limits: RunLimits }
  /** A new run (new weights from the same seed); snapshots of a new run carry a new runId. */
  | { type: 'reset' }
  | { type: 'play' }
  | { type: 'pause' };

export type FromFashionWorker =
  | { type: 'backend'; status: BackendStatus }
  | { type: 'progress'; message: string }
  | { type: 'loaded'; data: LoadedData }
  | { type: 'snapshot'; snapshot: FashionSnapshot }
  | { type: 'error'; message: string };
