// @file Messages between the page and the training worker.
import type { Settings } from './settings.js';
import type { DescentOptimizer, SurfaceRequest, Trajectory } from './surface.js';

/** Losses and accuracies after one epoch (validation values are null when there is no validation set). */
export interface EpochLog {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
}

/** One Linear layer: weight [out, in] row-major (PyTorch layout) and bias [out]. */
export interface LayerWeights {
  inFeatures: number;
  outFeatures: number;
  weight: Float32Array;
  bias: Float32Array;
}

/** What the page draws: posted by the worker at a bounded rate. */
export interface Snapshot {
  /** Increases with every reset, so the page can drop snapshots of an older run. */
  runId: number;
  epoch: number;
  running: boolean;
  /** Epoch logs since the previous snapshot of this run. */
  logs: EpochLog[];
  /** Losses and accuracies of the model as it is now (also at epoch 0, and after an import). */
  metrics: EpochLog;
  gridSize: number;
  classes: number;
  /** Class probabilities on the grid: [gridSize², classes], rows from the top of the plot. */
  output: Float32Array;
  /** Per hidden layer, every neuron's activation on the grid: [units, gridSize²]. */
  neurons: Float32Array[];
  weights: LayerWeights[];
  /** counts[true][predicted] on the validation set (the training set when there is none). */
  confusion: number[][];
  confusionOf: 'validation' | 'training';
  /** Epoch at which early stopping ended training, and the best epoch whose weights were restored. */
  stoppedEpoch: number | null;
  bestEpoch: number | null;
  trainCount: number;
  validationCount: number;
}

/** A loss surface on a grid, computed once per problem. */
export interface SurfaceGrid {
  /** Echoes the request, so the page can drop the answer to an older one. */
  requestId: number;
  title: string;
  axisNames: [string, string];
  xRange: [number, number];
  yRange: [number, number];
  /** Cells per side. */
  size: number;
  /** f at the cell centres: [size²], row-major, row 0 at the top (largest y). */
  values: Float32Array;
  /** The default start (the test function's, or the network's current weights). */
  start: [number, number];
  minima: [number, number][];
}

/** One ball to roll: an optimizer and its learning rate. */
export interface DescentRun {
  optimizer: DescentOptimizer;
  lr: number;
}

export type ToWorker =
  | { type: 'reset'; settings: Settings; runId: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'addPoint'; point: { x: number; y: number; label: number } }
  | { type: 'export'; format?: 'safetensors' | 'onnx' }
  | { type: 'import'; bytes: Uint8Array }
  /** Build a loss surface (the network slice takes the weights as they are now) and post its grid. */
  | { type: 'surface'; requestId: number; request: SurfaceRequest }
  /** Run these optimizers on the current surface from `start` and post their paths. */
  | { type: 'descend'; requestId: number; start: [number, number]; runs: DescentRun[] };

export type FromWorker =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'exported'; bytes: Uint8Array; format: 'safetensors' | 'onnx' }
  | { type: 'imported'; message: string }
  | { type: 'surface'; grid: SurfaceGrid }
  | { type: 'trajectories'; requestId: number; start: [number, number]; trajectories: Trajectory[] }
  | { type: 'error'; message: string };
