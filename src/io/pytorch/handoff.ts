// @file The files of the PyTorch hand-off: handoff.json (what train_ddp.py reads) and result.json (what it writes back), read with every field checked.
import { FormatError } from '../../errors.js';
import type { Fail } from '../header.js';
import { parseJson } from '../json.js';

/** Where train_ddp.py finds the run's data: the same IDX files or CSV, or (generated sets) a tensor file. */
export type HandoffDataset =
  | { kind: 'fashion-mnist'; dir: string; limit: number | null }
  | { kind: 'csv'; path: string; target: string }
  | { kind: 'tensors'; file: string };

/**
 * handoff.json, written by `neurite export --format pytorch` next to model.py and train_ddp.py: the source run's
 * record (config, encoding with feature names, standardization and classes, history), the dataset, the rows of
 * the training file held out for validation (as the run held them out), and the optimizer to continue with.
 */
export interface Handoff {
  format: 'neurite-pytorch-handoff';
  version: 1;
  /** The run directory it was exported from (absolute). */
  source: string;
  /** The source run's run.json. */
  record: unknown;
  dataset: HandoffDataset;
  /** Row indices of the training data held out for validation, in the run's order, or null. */
  validation: number[] | null;
  /** The optimizer to continue with; `state` names the safetensors file of its per-parameter state, if any. */
  optimizer: { name: string; lr: number; weightDecay: number; state: string | null };
  /** The run's batch size (train_ddp.py divides it among the processes). */
  batchSize: number;
}

/** One epoch's logs as train_ddp.py writes them (loss, accuracy or mae, valLoss, valAccuracy or valMae). */
export type EpochLogs = Record<string, number>;

/** result.json, written by rank 0 of train_ddp.py next to the trained model.safetensors. */
export interface HandoffResult {
  format: 'neurite-pytorch-result';
  version: 1;
  /** The source run's run.json, passed through unchanged (checked by the importer). */
  record: unknown;
  epochs: number;
  history: EpochLogs[];
  final: Record<string, EpochLogs>;
  worldSize: number;
  backend: string;
  lr: number;
  torch: string;
  /** The safetensors file of the optimizer's state after training (see optimizerStateTensors), or null. */
  optimizerState: string | null;
}

/** The largest nesting result.json needs (record → final → split → value, as run.json). */
const MAX_DEPTH = 16;

/**
 * Parses result.json (`path` names it in errors): the fields train_ddp.py writes, with the types it gives them;
 * `record` is left to the run.json checks of the importer.
 *
 * @throws FormatError naming the file and the field.
 */
export function parseHandoffResult(bytes: Uint8Array, path: string): HandoffResult {
  const fail: Fail = (message) => {
    throw new FormatError(path, message);
  };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('is not valid UTF-8');
  }
  const value = parseJson(text, fail, { subject: 'the file', maxDepth: MAX_DEPTH });
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('must be a JSON object');
  const r = value as Record<string, unknown>;
  if (r.format !== 'neurite-pytorch-result')
    fail(
      `format must be "neurite-pytorch-result" (a directory written by train_ddp.py), got ${JSON.stringify(r.format)}`,
    );
  if (r.version !== 1) fail(`version must be 1, got ${JSON.stringify(r.version)}`);
  const count = (field: string, min: number): number => {
    const v = r[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
      fail(`${field} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const epochs = count('epochs', 0);
  const worldSize = count('worldSize', 1);
  const logs = (v: unknown, field: string): EpochLogs => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      fail(`${field} must be an object of numbers`);
    for (const [key, item] of Object.entries(v as object))
      if (typeof item !== 'number') fail(`${field}.${key} must be a number, got ${JSON.stringify(item)}`);
    return v as EpochLogs;
  };
  if (!Array.isArray(r.history) || r.history.length !== epochs)
    fail(`history must be an array of ${epochs} epochs' logs`);
  const history = (r.history as unknown[]).map((h, i) => logs(h, `history[${i}]`));
  if (typeof r.final !== 'object' || r.final === null || Array.isArray(r.final))
    fail('final must be an object');
  const finalLogs: Record<string, EpochLogs> = {};
  for (const [split, item] of Object.entries(r.final as object))
    finalLogs[split] = logs(item, `final.${split}`);
  if (typeof r.lr !== 'number' || !(r.lr > 0))
    fail(`lr must be a positive number, got ${JSON.stringify(r.lr)}`);
  for (const field of ['backend', 'torch'] as const)
    if (typeof r[field] !== 'string') fail(`${field} must be a string, got ${JSON.stringify(r[field])}`);
  if (!('record' in r)) fail('record is missing');
  const optimizerState = r.optimizerState ?? null;
  if (optimizerState !== null && (typeof optimizerState !== 'string' || !/^[\w.-]+$/.test(optimizerState)))
    fail(
      `optimizerState must be a file name in the directory or null, got ${JSON.stringify(optimizerState)}`,
    );
  return {
    format: 'neurite-pytorch-result',
    version: 1,
    record: r.record,
    epochs,
    history,
    final: finalLogs,
    worldSize,
    backend: r.backend as string,
    lr: r.lr as number,
    torch: r.torch as string,
    optimizerState: optimizerState as string | null,
  };
}
