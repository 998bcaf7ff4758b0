// @file Saving and loading a run's files (model, training state, run.json, plots) through one verified run directory.
import { isAbsolute, join, resolve } from 'node:path';
import { FormatError, NeuriteError } from '../errors.js';
import { deserialize, serialize } from '../io/safetensors.js';
import type { AnyModule, StateDict } from '../nn/module.js';
import { Parameter } from '../nn/parameter.js';
import * as optim from '../optim/index.js';
import { defaultGenerator } from '../random/generator.js';
import { zeros } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import type { Callback } from '../train/callbacks/callback.js';
import {
  readRunDirectory,
  RunDirectoryWriter,
  type CommitStep,
  type RunFile,
  type RunManifest,
} from './run-directory.js';
import {
  checkOptimizerStateKeys,
  checkSameShape,
  parseRunRecord,
  parseTrainingState,
  type TrainingState,
} from './run-files.js';
import { makeOptimizer, type RunConfig, type RunRecord, type Session } from './run.js';

export const MODEL_FILE = 'model.safetensors';
export const STATE_FILE = 'training-state.json';
export const RECORD_FILE = 'run.json';
export const PLOT_FILES = ['loss.svg', 'confusion-matrix.svg', 'decision-boundary.svg'] as const;
/** Every file a run directory may hold besides manifest.json. */
export const RUN_FILES: readonly string[] = [MODEL_FILE, STATE_FILE, RECORD_FILE, ...PLOT_FILES];

/**
 * Validates and locks the output run directory before any training (see RunDirectoryWriter.open): `--out`
 * naming a file, a directory of other files, an unwritable place or a directory another neurite process is
 * writing is refused here, with one line.
 */
export function openRunOutput(
  out: string,
  options: { option?: string; mustExist?: boolean; afterStep?: (step: CommitStep) => void } = {},
): RunDirectoryWriter {
  return RunDirectoryWriter.open(out, { ...options, runFiles: RUN_FILES });
}

/** The config as stored: `csv:` and `text:` paths and the data directory made absolute, so the run works from anywhere. */
export function withAbsolutePaths(config: RunConfig): RunConfig {
  const out = { ...config };
  for (const prefix of ['csv:', 'text:']) {
    if (!out.dataset.startsWith(prefix)) continue;
    const path = out.dataset.slice(prefix.length);
    if (!isAbsolute(path)) out.dataset = `${prefix}${resolve(path)}`;
  }
  if (out.dataDir !== undefined && !isAbsolute(out.dataDir)) out.dataDir = resolve(out.dataDir);
  return out;
}

/** The training state of a live session: optimizer, scheduler, shuffle and global generators. */
export function trainingStateOf(session: Session): TrainingState {
  return {
    optimizer: optim.stateDictToJSON(session.optimizer.stateDict()),
    scheduler: session.scheduler ? session.scheduler.stateDict() : null,
    loader: session.loader.getState(),
    generator: defaultGenerator.getState(),
  };
}

/**
 * Writes the whole run (model, training state, plots, run.json; the manifest last) and swaps it in for the
 * run directory in one step.
 */
export function commitRun(
  writer: RunDirectoryWriter,
  session: Session,
  record: RunRecord,
  plots: readonly RunFile[],
  metadata: Record<string, string>,
): RunManifest {
  const files: RunFile[] = [
    { name: MODEL_FILE, contents: serialize(session.model.stateDict(), metadata) },
    { name: STATE_FILE, contents: JSON.stringify(trainingStateOf(session)) },
    ...plots,
    { name: RECORD_FILE, contents: JSON.stringify(record, null, 2) + '\n' },
  ];
  return writer.commit(files);
}

/** A run directory as read and checked: its path, run.json, the model's tensors and (for resume) the training state. */
export interface SavedRun {
  path: string;
  record: RunRecord;
  tensors: StateDict;
  state: TrainingState | null;
}

/**
 * Reads a run directory for eval, predict (`training` false) or resume (`training` true): every file used is
 * verified against manifest.json, run.json and training-state.json are validated field by field, and the model
 * file is decoded, all before any data is loaded or any training starts.
 *
 * @throws FormatError naming the file (and the field) for anything missing, mixed or malformed.
 */
export function readRun(dir: string, options: { training?: boolean } = {}): SavedRun {
  const names = options.training ? [RECORD_FILE, MODEL_FILE, STATE_FILE] : [RECORD_FILE, MODEL_FILE];
  const { path, files } = readRunDirectory(dir, names);
  const record = parseRunRecord(files.get(RECORD_FILE)!, join(path, RECORD_FILE));
  const state = options.training ? parseTrainingState(files.get(STATE_FILE)!, join(path, STATE_FILE)) : null;
  let tensors: StateDict;
  try {
    tensors = deserialize(files.get(MODEL_FILE)!).tensors;
  } catch (error) {
    if (error instanceof FormatError) throw new FormatError(join(path, MODEL_FILE), withoutOp(error));
    throw error;
  }
  return { path, record, tensors, state };
}

/** Loads saved weights into a rebuilt model; a mismatch (keys, shapes) is a FormatError naming the file. */
export function loadWeights(model: AnyModule, saved: SavedRun): void {
  try {
    model.loadStateDict(saved.tensors);
  } catch (error) {
    if (error instanceof NeuriteError) throw new FormatError(join(saved.path, MODEL_FILE), oneLine(error));
    throw error;
  }
}

/**
 * Restores the optimizer, scheduler, shuffle and global generator of a rebuilt session from saved training
 * state, after checking that the state fits them: parameter groups of the same structure, each parameter's
 * optimizer state with the keys this optimizer keeps (found by one step on a probe parameter), tensors of the
 * parameters' shapes, scheduler state with the fields this scheduler has.
 *
 * @throws FormatError naming training-state.json and the field.
 */
export function restoreTrainingState(session: Session, saved: SavedRun): void {
  const state = saved.state;
  if (!state) return;
  const path = join(saved.path, STATE_FILE);
  const fresh = session.optimizer.stateDict();
  checkSameShape(state.optimizer.param_groups, fresh.param_groups, 'optimizer.param_groups', path);
  checkOptimizerStateKeys(
    state.optimizer.state,
    optimizerStateTemplate(session),
    session.optimizer.paramGroups.reduce((n, g) => n + g.params.length, 0),
    path,
  );
  if (session.scheduler) {
    if (state.scheduler === null) {
      throw new FormatError(
        path,
        `scheduler is null but the run uses the '${session.config.scheduler}' schedule`,
      );
    }
    checkSameShape(state.scheduler, session.scheduler.stateDict(), 'scheduler', path);
  } else if (state.scheduler !== null) {
    throw new FormatError(path, 'scheduler must be null: the run uses no learning-rate schedule');
  }
  if (state.loader.generator === null) {
    throw new FormatError(path, 'loader.generator is null but the run shuffles its training data');
  }
  try {
    session.optimizer.loadStateDict(optim.stateDictFromJSON(state.optimizer));
    if (session.scheduler && state.scheduler) session.scheduler.loadStateDict(state.scheduler);
    session.loader.setState(state.loader);
    defaultGenerator.setState(state.generator);
  } catch (error) {
    if (error instanceof NeuriteError) throw new FormatError(path, oneLine(error));
    throw error;
  }
}

/**
 * Which state entries (tensor or number) the session's kind of optimizer keeps per parameter: an optimizer of
 * the same kind and options takes one step on a probe parameter with a zero gradient.
 */
function optimizerStateTemplate(session: Session): Record<string, 'tensor' | 'number'> {
  const probe = new Parameter(zeros([1]));
  const optimizer = makeOptimizer(session.config, { parameters: () => [probe] });
  probe.grad = zeros([1]);
  optimizer.step();
  const entry = optimizer.stateDict().state[0] ?? {};
  return Object.fromEntries(
    Object.entries(entry).map(([key, value]) => [key, value instanceof Tensor ? 'tensor' : 'number']),
  );
}

/**
 * A callback that keeps, at the end of each good epoch (all logs finite), what saving the run would need
 * (weights, optimizer, scheduler, shuffle and global generators), so a run whose loss turns NaN later can be
 * saved as of its last good epoch. `restore` puts that snapshot back and says which epoch it is from (null:
 * none).
 */
export function lastGoodEpoch(session: Session): { callback: Callback; restore: () => number | null } {
  let saved: {
    epoch: number;
    weights: StateDict;
    optimizer: optim.OptimizerStateDict;
    scheduler: Record<string, unknown> | null;
    loader: ReturnType<Session['loader']['getState']>;
    generator: ReturnType<typeof defaultGenerator.getState>;
  } | null = null;
  return {
    callback: {
      onEpochEnd: (epoch, logs) => {
        // A good epoch has finite logs: a finite training loss with a NaN validation loss is not one.
        if (!Object.values(logs).every(Number.isFinite)) return;
        const weights: StateDict = {};
        for (const [key, value] of Object.entries(session.model.stateDict())) weights[key] = value.clone();
        saved = {
          epoch,
          weights,
          optimizer: session.optimizer.stateDict(),
          scheduler: session.scheduler ? session.scheduler.stateDict() : null,
          loader: session.loader.getState(),
          generator: defaultGenerator.getState(),
        };
      },
    },
    restore: () => {
      if (!saved) return null;
      session.model.loadStateDict(saved.weights);
      session.optimizer.loadStateDict(saved.optimizer);
      if (session.scheduler && saved.scheduler) session.scheduler.loadStateDict(saved.scheduler);
      session.loader.setState(saved.loader);
      defaultGenerator.setState(saved.generator);
      return saved.epoch;
    },
  };
}

function withoutOp(error: NeuriteError): string {
  return oneLine(error).startsWith(`${error.op}: `)
    ? oneLine(error).slice(error.op.length + 2)
    : oneLine(error);
}

/** A NeuriteError's message on one line (loadStateDict lists its problems on several). */
function oneLine(error: Error): string {
  return error.message.replace(/\s*\n\s*/g, ' ');
}
