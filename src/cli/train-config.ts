// @file `neurite train` flags → the run's RunConfig, with per-dataset defaults (learning rate, validation share, text settings).
import { ValueError } from '../errors.js';
import { TOY_SETS } from './datasets.js';
import type { RunConfig } from './run.js';
import { isTextDataset } from './text-data.js';
import { DEFAULT_TEXT_CLIP_NORM } from './text-session.js';

/** The flags of `neurite train` as commander parses them. */
export interface TrainFlags {
  model?: string;
  activation: RunConfig['activation'];
  optimizer: RunConfig['optimizer'];
  lr?: number;
  batchSize: number;
  epochs: number;
  dropout: number;
  weightDecay: number;
  valSplit?: number;
  earlyStopping?: number;
  scheduler: RunConfig['scheduler'];
  seed: number;
  out: string;
  n?: number;
  noise?: number;
  data?: string;
  target?: string;
  task?: 'classification' | 'regression';
  limit?: number;
  seqLen?: number;
  clipNorm?: number;
  quiet?: boolean;
}

const DEFAULT_LR: Record<RunConfig['optimizer'], number> = {
  sgd: 0.05,
  momentum: 0.01,
  nesterov: 0.01,
  adam: 1e-3,
  adamw: 1e-3,
  adagrad: 1e-2,
  adadelta: 1,
  rmsprop: 1e-3,
};

/** Learning rates of text runs where they differ from DEFAULT_LR (character models take Adam's 2e-3 well). */
const TEXT_LR: Partial<Record<RunConfig['optimizer'], number>> = { adam: 2e-3, adamw: 2e-3, rmsprop: 2e-3 };

/**
 * The RunConfig of `neurite train DATASET`: flags not given take their defaults, which depend on the dataset
 * (toy sets: Adam at 0.01; text: Adam at 2e-3, 10% validation, lstm:128,1, clipping at norm 1).
 */
export function configFrom(dataset: string, flags: TrainFlags): RunConfig {
  const toy = (TOY_SETS as readonly string[]).includes(dataset);
  const text = isTextDataset(dataset);
  if (flags.seqLen !== undefined && !text)
    throw new ValueError('--seq-len', `applies only to text:PATH datasets, not '${dataset}'`);
  const clipNorm = flags.clipNorm ?? (text ? DEFAULT_TEXT_CLIP_NORM : 0);
  return {
    dataset,
    model: flags.model ?? (text ? 'lstm:128,1' : 'mlp:64'),
    activation: flags.activation,
    optimizer: flags.optimizer,
    lr:
      flags.lr ??
      (toy && flags.optimizer === 'adam'
        ? 0.01
        : ((text ? TEXT_LR[flags.optimizer] : undefined) ?? DEFAULT_LR[flags.optimizer])),
    batchSize: flags.batchSize,
    epochs: flags.epochs,
    dropout: flags.dropout,
    weightDecay: flags.weightDecay,
    valSplit: flags.valSplit ?? (dataset === 'fashion-mnist' || text ? 0.1 : 0.2),
    earlyStopping: flags.earlyStopping ?? null,
    scheduler: flags.scheduler,
    seed: flags.seed,
    ...(flags.n !== undefined ? { n: flags.n } : {}),
    ...(flags.noise !== undefined ? { noise: flags.noise } : {}),
    ...(flags.data !== undefined ? { dataDir: flags.data } : {}),
    ...(flags.target !== undefined ? { target: flags.target } : {}),
    ...(flags.task !== undefined ? { task: flags.task } : {}),
    ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
    ...(flags.seqLen !== undefined ? { seqLen: flags.seqLen } : {}),
    ...(clipNorm > 0 ? { clipNorm } : {}),
  };
}
