// @file A training run of the command line: build data, model, loss, optimizer and scheduler from a config; save and load runs.
import { DataLoader } from '../data/dataloader.js';
import { TensorDataset } from '../data/tensor-dataset.js';
import { ValueError } from '../errors.js';
import { BCEWithLogitsLoss, CrossEntropyLoss, MSELoss } from '../nn/losses.js';
import type { Module } from '../nn/module.js';
import type { Sequential } from '../nn/layers/container.js';
import * as optim from '../optim/index.js';
import { ReduceLROnPlateau } from '../optim/lr-scheduler/plateau.js';
import { Generator, manualSeed } from '../random/generator.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Logs } from '../train/callbacks/callback.js';
import { prepareData, type PreparedData } from './datasets.js';
import type { Encoding } from './encoding.js';
import { buildModel, isConvolutional, type Activation } from './models.js';
import { isTextDataset, isTextEncoding } from './text-data.js';
import { buildTextModel, parseTextModelSpec, SequenceCrossEntropyLoss } from './text-models.js';
import { MANIFEST, type RunDirectoryWriter } from './run-directory.js';
import { renderPlots } from './run-plots.js';
import { EVAL_BATCH, targetsFor, type ScoredOutputs } from './scoring.js';

export { trainSession, type TrainingResult } from './train-session.js';
import {
  commitRun,
  loadWeights,
  MODEL_FILE,
  readRun,
  RECORD_FILE,
  restoreTrainingState,
  STATE_FILE,
  withAbsolutePaths,
} from './run-store.js';

export const OPTIMIZERS = [
  'sgd',
  'momentum',
  'nesterov',
  'adam',
  'adamw',
  'adagrad',
  'adadelta',
  'rmsprop',
] as const;
export const SCHEDULERS = ['none', 'step', 'exponential', 'cosine', 'onecycle', 'plateau'] as const;

/** Everything that defines a run; saved in run.json so eval and resume rebuild the same objects. */
export interface RunConfig {
  dataset: string;
  model: string;
  activation: Activation;
  optimizer: (typeof OPTIMIZERS)[number];
  lr: number;
  batchSize: number;
  epochs: number;
  dropout: number;
  weightDecay: number;
  valSplit: number;
  earlyStopping: number | null;
  scheduler: (typeof SCHEDULERS)[number];
  seed: number;
  n?: number;
  noise?: number;
  dataDir?: string;
  target?: string;
  task?: 'classification' | 'regression';
  limit?: number;
  /** Text runs: characters per training window. */
  seqLen?: number;
  /** Clip the gradients' total L2 norm to this before each step (nn.utils.clipGradNorm_); absent: no clipping. */
  clipNorm?: number;
}

type Scheduler = optim.lrScheduler.LRScheduler | ReduceLROnPlateau;

/** The live objects of a run. */
export interface Session {
  config: RunConfig;
  data: PreparedData;
  model: Sequential;
  binary: boolean;
  loss: Module<[Tensor, Tensor], Tensor>;
  optimizer: optim.Optimizer;
  scheduler: Scheduler | null;
  loader: DataLoader<[Tensor, Tensor]>;
  valLoader: DataLoader<[Tensor, Tensor]> | null;
  /** 'perplexity' (text runs): no per-batch metric; exp of the mean loss is added to the logs. */
  metric: 'accuracy' | 'mae' | 'perplexity';
}

/** The run's optimizer over `model`'s parameters (run-store also builds one over a probe parameter). */
export function makeOptimizer(
  config: RunConfig,
  model: Pick<Module<[Tensor], Tensor>, 'parameters'>,
): optim.Optimizer {
  const { lr, weightDecay } = config;
  const name = config.optimizer;
  if (!(OPTIMIZERS as readonly string[]).includes(name)) {
    throw new ValueError(
      '--optimizer',
      `unknown optimizer '${String(name)}' (expected ${OPTIMIZERS.join(', ')})`,
    );
  }
  // 'momentum' and 'nesterov' are SGD with momentum 0.9 (and Nesterov's look-ahead).
  if (name === 'momentum' || name === 'nesterov') {
    return optim.createOptimizer('sgd', model.parameters(), {
      lr,
      weightDecay,
      momentum: 0.9,
      nesterov: name === 'nesterov',
    });
  }
  return optim.createOptimizer(name, model.parameters(), { lr, weightDecay });
}

function makeScheduler(config: RunConfig, optimizer: optim.Optimizer, steps: number): Scheduler | null {
  const { lrScheduler } = optim;
  switch (config.scheduler) {
    case 'none':
      return null;
    case 'step':
      return new lrScheduler.StepLR(optimizer, {
        stepSize: Math.max(1, Math.floor(config.epochs / 3)),
        gamma: 0.1,
      });
    case 'exponential':
      return new lrScheduler.ExponentialLR(optimizer, { gamma: 0.9 });
    case 'cosine':
      return new lrScheduler.CosineAnnealingLR(optimizer, { tMax: Math.max(1, config.epochs) });
    case 'onecycle':
      return new lrScheduler.OneCycleLR(optimizer, {
        maxLr: config.lr,
        totalSteps: Math.max(1, config.epochs * steps),
      });
    case 'plateau':
      return new ReduceLROnPlateau(optimizer, { patience: 2 });
    default:
      throw new ValueError(
        '--scheduler',
        `unknown scheduler '${String(config.scheduler)}' (expected ${SCHEDULERS.join(', ')})`,
      );
  }
}

/**
 * The network of a run from its config and encoding alone (no data): binary classification has one logit,
 * C classes C outputs, regression one output. Sizes are checked before allocating (see buildModel).
 */
export function networkFor(
  config: RunConfig,
  encoding: Encoding,
  batchSize?: number,
): { model: Sequential; binary: boolean } {
  if (isTextEncoding(encoding)) {
    const model = buildTextModel(config.model, {
      vocabularySize: encoding.vocabulary.length,
      seqLen: encoding.inputShape[0]!,
      dropout: config.dropout,
      ...(batchSize !== undefined ? { batchSize } : {}),
    });
    return { model, binary: false };
  }
  const binary = encoding.task === 'classification' && encoding.classNames.length === 2;
  const outputs = encoding.task === 'regression' ? 1 : binary ? 1 : encoding.classNames.length;
  const model = buildModel({
    spec: config.model,
    activation: config.activation,
    dropout: config.dropout,
    inputShape: encoding.inputShape,
    outputs,
    ...(batchSize !== undefined ? { batchSize } : {}),
  });
  return { model, binary };
}

/**
 * Builds every object of a run from its config; the seed makes data, weights and shuffles reproducible. With a
 * saved `encoding` (eval, resume) the data is encoded as it was in training, not re-derived.
 */
export function createSession(config: RunConfig, options: { encoding?: Encoding } = {}): Session {
  if (!Number.isInteger(config.batchSize) || config.batchSize <= 0)
    throw new ValueError('--batch-size', `must be a positive integer, got ${config.batchSize}`);
  if (!(config.lr > 0)) throw new ValueError('--lr', `must be a positive number, got ${config.lr}`);
  const text = isTextDataset(config.dataset);
  if (text) parseTextModelSpec(config.model); // a bad spec fails before the file is read
  manualSeed(config.seed);
  const data = prepareData(config.dataset, {
    valSplit: config.valSplit,
    seed: config.seed,
    ...(config.n !== undefined ? { n: config.n } : {}),
    ...(config.noise !== undefined ? { noise: config.noise } : {}),
    ...(config.dataDir !== undefined ? { dataDir: config.dataDir } : {}),
    ...(config.target !== undefined ? { target: config.target } : {}),
    ...(config.task !== undefined ? { task: config.task } : {}),
    ...(config.limit !== undefined ? { limit: config.limit } : {}),
    ...(config.seqLen !== undefined ? { seqLen: config.seqLen } : {}),
    ...(options.encoding ? { encoding: options.encoding } : {}),
    layout: !text && isConvolutional(config.model) ? 'image' : 'flat',
  });
  const batch = Math.max(Math.min(config.batchSize, data.train.x.shape[0]!), EVAL_BATCH);
  const { model, binary } = networkFor(config, data.encoding, batch);
  const loss = text
    ? new SequenceCrossEntropyLoss()
    : data.task === 'regression'
      ? new MSELoss()
      : binary
        ? new BCEWithLogitsLoss()
        : new CrossEntropyLoss();
  const loader = new DataLoader(
    new TensorDataset<[Tensor, Tensor]>(data.train.x, targetsFor(data.train, binary)),
    {
      batchSize: config.batchSize,
      shuffle: true,
      generator: new Generator(config.seed + 2),
    },
  );
  const valLoader = data.val
    ? new DataLoader(new TensorDataset<[Tensor, Tensor]>(data.val.x, targetsFor(data.val, binary)), {
        batchSize: EVAL_BATCH,
      })
    : null;
  const optimizer = makeOptimizer(config, model);
  const scheduler = makeScheduler(config, optimizer, loader.length);
  return {
    config,
    data,
    model,
    binary,
    loss,
    optimizer,
    scheduler,
    loader,
    valLoader,
    metric: text ? 'perplexity' : data.task === 'regression' ? 'mae' : 'accuracy',
  };
}

// ---- the run directory ----------------------------------------------------------------------------------

/** What run.json holds. */
export interface RunRecord {
  neurite: string;
  config: RunConfig;
  /** How raw inputs are encoded and outputs decoded (feature names, standardization, classes). */
  encoding: Encoding;
  epochsDone: number;
  history: Logs[];
  stoppedEpoch: number | null;
  bestEpoch: number | null;
  final: Record<string, Logs>;
  files: string[];
}

export const VERSION = '0.1.0';

/**
 * Saves the run as one unit through `writer` (opened with openRunOutput before training): model.safetensors,
 * training-state.json (optimizer, scheduler, shuffle and dropout generators), the plots and run.json go into a
 * staging directory with manifest.json last, which is then swapped in for the run directory (see
 * run-directory.ts). `csv:` paths and the data directory are stored absolute. The plots reuse outputs that
 * `scored` holds for the split they show (the final scores' outputs, for the same weights).
 */
export function saveRun(
  writer: RunDirectoryWriter,
  session: Session,
  record: Omit<RunRecord, 'neurite' | 'config' | 'encoding' | 'files'>,
  scored?: ScoredOutputs,
): RunRecord {
  const plots = renderPlots(session, record, scored);
  const full: RunRecord = {
    neurite: VERSION,
    config: withAbsolutePaths(session.config),
    encoding: session.data.encoding,
    ...record,
    files: [MODEL_FILE, STATE_FILE, RECORD_FILE, ...plots.map((p) => p.name), MANIFEST],
  };
  commitRun(writer, session, full, plots, {
    format: 'pt',
    producer: `neurite ${VERSION}`,
    model: session.config.model,
    dataset: full.config.dataset,
  });
  return full;
}

/**
 * Reads a run directory (every file verified against its manifest, run.json and, with `training`,
 * training-state.json validated field by field, all before any data is loaded) and rebuilds the session with
 * the saved weights and, with `training`, the saved optimizer, scheduler and generator state.
 */
export function loadRun(
  dir: string,
  options: { training?: boolean; dataDir?: string } = {},
): { session: Session; record: RunRecord } {
  const saved = readRun(dir, { training: options.training ?? false });
  const { record } = saved;
  const config = { ...record.config, ...(options.dataDir ? { dataDir: options.dataDir } : {}) };
  const session = createSession(config, { encoding: record.encoding });
  loadWeights(session.model, saved);
  if (options.training) restoreTrainingState(session, saved);
  return { session, record };
}

/**
 * The model of a run and its encoding, without loading any data (for `predict`): the network is rebuilt from
 * run.json's config and encoding and given the saved weights.
 */
export function loadPredictor(dir: string): { model: Sequential; binary: boolean; encoding: Encoding } {
  const saved = readRun(dir);
  const { encoding } = saved.record;
  const { model, binary } = networkFor(saved.record.config, encoding);
  loadWeights(model, saved);
  return { model, binary, encoding };
}

/** Shared across commands: a readable one-line summary of logs. */
export function describeLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(
      ([k, v]) => `${k} ${k.toLowerCase().includes('accuracy') ? `${(v * 100).toFixed(2)}%` : v.toFixed(4)}`,
    )
    .join(', ');
}
