// @file Messages between the page and the training worker.
import type { BackendChoice, BackendStatus } from './backend-choice.js';
import type { ProblemType, Settings } from './settings.js';
import type { DescentOptimizer, SurfaceRequest, Trajectory } from './surface.js';

/**
 * Losses and accuracies after one epoch (validation values are null when there is no validation set). For a
 * regression problem the accuracies are NaN / null and `mae` / `valMae` hold the mean absolute errors.
 */
export interface EpochLog {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  mae?: number;
  valMae?: number | null;
}

/** A hyper-parameter change applied to the running optimizer, at the epoch it took effect. */
export interface HyperChange {
  epoch: number;
  label: string;
}

/** The settings that change the running optimizer or loss without restarting training. */
export type HyperSettings = Pick<
  Settings,
  'lr' | 'momentum' | 'batchSize' | 'weightDecay' | 'regularization' | 'regRate'
>;

/** One Linear layer: weight [out, in] row-major (PyTorch layout) and bias [out]. */
export interface LayerWeights {
  inFeatures: number;
  outFeatures: number;
  weight: Float32Array;
  bias: Float32Array;
}

/** What the page draws: posted by the worker once the page has drawn the previous one. */
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
  task: ProblemType;
  /** Classes (1 for regression). */
  classes: number;
  /**
   * Class probabilities on the grid: [gridSize², classes], rows from the top of the plot; for regression
   * (classes 1) the predicted value.
   */
  output: Float32Array;
  /** Per hidden layer, every neuron's activation on the grid: [units, gridSize²]. */
  neurons: Float32Array[];
  weights: LayerWeights[];
  /** Hyper-parameter changes of this run so far (markers on the curves). */
  changes: HyperChange[];
  /** counts[true][predicted] on the validation set (the training set when there is none); empty for regression. */
  confusion: number[][];
  confusionOf: 'validation' | 'training';
  /** Epoch at which early stopping ended training, and the best epoch whose weights were restored. */
  stoppedEpoch: number | null;
  bestEpoch: number | null;
  trainCount: number;
  validationCount: number;
}

/** One edited parameter: `from` is the input index of a weight, null for the bias. */
export interface ParameterEdit {
  layer: number;
  to: number;
  from: number | null;
  value: number;
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
  /**
   * Play, pause and step carry a count the page increases with each (`control`); snapshots echo the last one
   * received, so the page can tell a snapshot posted before its latest click from one posted after it.
   */
  | { type: 'play'; control?: number }
  | { type: 'pause'; control?: number }
  /** Change the running optimizer / loss (learning rate, batch size, weight decay, regularization). */
  | { type: 'hyper'; hyper: HyperSettings }
  | { type: 'step'; control?: number }
  | { type: 'addPoint'; point: { x: number; y: number; label: number } }
  | { type: 'export'; format?: 'safetensors' | 'onnx' }
  | { type: 'import'; bytes: Uint8Array }
  /** The page drew snapshot `seq` (or dropped it): while training, the next one is posted only after this. */
  | { type: 'drawn'; seq: number }
  /** Sets one parameter of the network: weight[to][from] or bias[to] of Linear layer `layer` (0 = first). */
  | { type: 'setParameter'; edit: ParameterEdit }
  /** Build a loss surface (the network slice takes the weights as they are now) and post its grid. */
  | { type: 'surface'; requestId: number; request: SurfaceRequest }
  /** Run these optimizers on the current surface from `start` and post their paths. */
  | { type: 'descend'; requestId: number; start: [number, number]; runs: DescentRun[] }
  /** Train on this backend (webgpu falls back to wasm, with a note, where the browser has no adapter). */
  | { type: 'backend'; backend: BackendChoice };

export type FromWorker =
  /** `seq` counts snapshots up across runs; the page answers each with `drawn`. */
  | { type: 'snapshot'; snapshot: Snapshot; seq: number; control: number }
  | { type: 'exported'; bytes: Uint8Array; format: 'safetensors' | 'onnx' }
  | { type: 'imported'; message: string }
  /** Something the page should tell the user; training goes on. */
  | { type: 'notice'; message: string }
  | { type: 'surface'; grid: SurfaceGrid }
  | { type: 'trajectories'; requestId: number; start: [number, number]; trajectories: Trajectory[] }
  /** The backend in use; `restart`: the run was on another one, and the page starts it again (`reset`). */
  | { type: 'backend'; status: BackendStatus; restart: boolean }
  | { type: 'error'; message: string };
