// @file run.json and training-state.json read safely: bounded JSON, every field's type and range checked, FormatError naming file and field.
import { FormatError } from '../errors.js';
import type { Fail } from '../io/header.js';
import { parseJson } from '../io/json.js';
import type { OptimizerStateDictJSON, TensorJSON } from '../optim/optimizer.js';
import type { GeneratorState } from '../random/generator.js';
import type { Logs } from '../train/callbacks/callback.js';
import { validateEncoding } from './encoding.js';
import { ACTIVATIONS } from './models.js';
import { OPTIMIZERS, SCHEDULERS, type RunConfig, type RunRecord } from './run.js';

/** The training state saved next to the model, so `resume` continues exactly. */
export interface TrainingState {
  optimizer: OptimizerStateDictJSON;
  scheduler: Record<string, unknown> | null;
  loader: { generator: GeneratorState | null };
  generator: GeneratorState;
}

/** The largest JSON nesting a run file needs (run.json: record → final → split → value is 4 levels). */
const MAX_RUN_FILE_DEPTH = 16;

/** A check of one field: returns the value (possibly normalized) or fails naming the field. */
type Rule<T> = (value: unknown, field: string, fail: Fail) => T;
/** Rules for every key of T; optional keys must be marked, so adding a field to T without a rule fails to compile. */
type Rules<T> = {
  [K in keyof T]-?: undefined extends T[K] ? { optional: true; rule: Rule<T[K]> } : { rule: Rule<T[K]> };
};

/** The rules of run.json's config (a function: run.ts imports this module, so its constants load later). */
const configRules = (): Rules<RunConfig> => ({
  dataset: { rule: nonEmptyString },
  model: { rule: nonEmptyString },
  activation: { rule: oneOf(ACTIVATIONS) },
  optimizer: { rule: oneOf(OPTIMIZERS) },
  lr: { rule: number((v) => v > 0, 'a positive number') },
  batchSize: { rule: integer((v) => v > 0, 'a positive integer') },
  epochs: { rule: integer((v) => v >= 0, 'a non-negative integer') },
  dropout: { rule: number((v) => v >= 0 && v < 1, 'in [0, 1)') },
  weightDecay: { rule: number((v) => v >= 0, 'a non-negative number') },
  valSplit: { rule: number((v) => v >= 0 && v < 1, 'in [0, 1)') },
  earlyStopping: { rule: nullable(integer((v) => v >= 0, 'a non-negative integer')) },
  scheduler: { rule: oneOf(SCHEDULERS) },
  seed: { rule: integer((v) => v >= 0, 'a non-negative integer') },
  n: { optional: true, rule: integer((v) => v > 0, 'a positive integer') },
  noise: { optional: true, rule: number((v) => v >= 0, 'a non-negative number') },
  dataDir: { optional: true, rule: nonEmptyString },
  target: { optional: true, rule: nonEmptyString },
  task: { optional: true, rule: oneOf(['classification', 'regression'] as const) },
  limit: { optional: true, rule: integer((v) => v > 0, 'a positive integer') },
  seqLen: { optional: true, rule: integer((v) => v > 0, 'a positive integer') },
  clipNorm: { optional: true, rule: number((v) => v > 0, 'a positive number') },
});

/**
 * Parses and validates run.json (`path` names it in errors): a JSON object whose every field has the type
 * and range the writer gives it, with no unknown fields. Log values written as null (NaN in JSON) read as NaN.
 *
 * @throws FormatError naming the file and the field.
 */
export function parseRunRecord(bytes: Uint8Array, path: string): RunRecord {
  const fail: Fail = failureIn(path);
  const value = parseRunFile(bytes, fail);
  const record = fields<RunRecord>(value, '', fail, {
    neurite: { rule: nonEmptyString },
    config: { rule: (v, field) => fields<RunConfig>(v, field, fail, configRules()) },
    encoding: {
      rule: (v) => {
        try {
          return validateEncoding(v, path);
        } catch (error) {
          if (error instanceof FormatError) fail(error.message.replace(/^run\.json: /, ''));
          throw error;
        }
      },
    },
    epochsDone: { rule: integer((v) => v >= 0, 'a non-negative integer') },
    history: { rule: arrayOf(logs) },
    stoppedEpoch: { rule: nullable(integer((v) => v >= 0, 'a non-negative integer')) },
    bestEpoch: { rule: nullable(integer((v) => v >= 0, 'a non-negative integer')) },
    final: { rule: recordOf(logs) },
    files: { rule: arrayOf(nonEmptyString) },
  });
  if (record.history.length !== record.epochsDone) {
    fail(`history has ${record.history.length} epochs but epochsDone is ${record.epochsDone}`);
  }
  return record;
}

/**
 * Parses and validates training-state.json's structure (`path` names it in errors): optimizer state tensors
 * with shape, dtype and as many values as the shape holds, parameter groups with integer indices, scheduler
 * state of plain values, generator states of four 32-bit words. Whether they fit the rebuilt model and
 * optimizer is checked by `checkTrainingStateFits` once the session exists (before training).
 *
 * @throws FormatError naming the file and the field.
 */
export function parseTrainingState(bytes: Uint8Array, path: string): TrainingState {
  const fail: Fail = failureIn(path);
  return fields<TrainingState>(parseRunFile(bytes, fail), '', fail, {
    optimizer: { rule: optimizerState },
    scheduler: { rule: nullable(plainObject) },
    loader: {
      rule: (v, field) =>
        fields<TrainingState['loader']>(v, field, fail, { generator: { rule: nullable(generatorState) } }),
    },
    generator: { rule: generatorState },
  });
}

/**
 * Checks saved state against the live session's objects before loading it: `saved` must have the structure of
 * `fresh` (the same keys, values of the same kinds, arrays of the same lengths; a number saved as null stands
 * for a non-finite one, which JSON cannot hold).
 *
 * @throws FormatError naming the file and the field.
 */
export function checkSameShape(saved: unknown, fresh: unknown, field: string, path: string): void {
  const fail: Fail = failureIn(path);
  const walk = (a: unknown, b: unknown, at: string): void => {
    if (typeof b === 'number') {
      if (typeof a === 'number' || (a === null && !Number.isFinite(b))) return;
      fail(`${at} must be a number, got ${describe(a)}`);
    }
    if (b === null) {
      if (a === null || typeof a === 'number') return;
      fail(`${at} must be a number or null, got ${describe(a)}`);
    }
    if (Array.isArray(b)) {
      if (!Array.isArray(a) || a.length !== b.length)
        fail(`${at} must be an array of length ${b.length}, got ${describe(a)}`);
      b.forEach((item, i) => walk(a[i], item, `${at}[${i}]`));
      return;
    }
    if (typeof b === 'object' && b !== undefined) {
      if (typeof a !== 'object' || a === null || Array.isArray(a))
        fail(`${at} must be an object, got ${describe(a)}`);
      const fresh = b as Record<string, unknown>;
      const got = a as Record<string, unknown>;
      for (const key of Object.keys(fresh)) {
        if (!Object.hasOwn(got, key)) fail(`${at}.${key} is missing`);
        walk(got[key], fresh[key], `${at}.${key}`);
      }
      for (const key of Object.keys(got)) if (!Object.hasOwn(fresh, key)) fail(`${at}.${key} is unknown`);
      return;
    }
    if (typeof a !== typeof b) fail(`${at} must be a ${typeof b}, got ${describe(a)}`);
  };
  walk(saved, fresh, field);
}

/**
 * Checks that each saved optimizer state entry holds exactly `template`'s keys (the state the optimizer makes
 * for a parameter after one step), each a tensor or a number as there, for a parameter index that exists.
 *
 * @throws FormatError naming the file and the field.
 */
export function checkOptimizerStateKeys(
  state: OptimizerStateDictJSON['state'],
  template: Record<string, 'tensor' | 'number'>,
  parameters: number,
  path: string,
): void {
  const fail: Fail = failureIn(path);
  for (const [index, entry] of Object.entries(state)) {
    const at = `optimizer.state.${index}`;
    if (Number(index) >= parameters) fail(`${at}: the model has only ${parameters} parameters`);
    for (const [key, kind] of Object.entries(template)) {
      if (!Object.hasOwn(entry, key)) fail(`${at}.${key} is missing`);
      const got = typeof entry[key] === 'number' ? 'number' : 'tensor';
      if (got !== kind) fail(`${at}.${key} must be a ${kind}, got a ${got}`);
    }
    for (const key of Object.keys(entry)) if (!Object.hasOwn(template, key)) fail(`${at}.${key} is unknown`);
  }
}

// ---- the rules -----------------------------------------------------------------------------------------------

function failureIn(path: string): Fail {
  return (message) => {
    throw new FormatError(path, message);
  };
}

function parseRunFile(bytes: Uint8Array, fail: Fail): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail('is not valid UTF-8');
  }
  if (text.trim() === '') fail('is empty (an interrupted write or a truncated copy)');
  return parseJson(text, fail, { subject: 'the file', maxDepth: MAX_RUN_FILE_DEPTH });
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function name(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object with exactly the keys of `rules` (optional ones may be absent), each checked. */
function fields<T>(value: unknown, field: string, fail: Fail, rules: Rules<T>): T {
  if (!isObject(value))
    fail(`${field === '' ? 'the file' : field} must be a JSON object, got ${describe(value)}`);
  const table = rules as Record<string, { optional?: true; rule: Rule<unknown> }>;
  const out: Record<string, unknown> = {};
  for (const [key, { optional, rule }] of Object.entries(table)) {
    if (!Object.hasOwn(value, key)) {
      if (optional) continue;
      fail(`${name(field, key)} is missing`);
    }
    out[key] = rule(value[key], name(field, key), fail);
  }
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(table, key)) fail(`${name(field, key)} is an unknown field`);
  }
  return out as T;
}

function nonEmptyString(value: unknown, field: string, fail: Fail): string {
  if (typeof value !== 'string' || value === '')
    fail(`${field} must be a non-empty string, got ${describe(value)}`);
  return value;
}

function number(check: (v: number) => boolean, rule: string): Rule<number> {
  return (value: unknown, field: string, fail: Fail) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || !check(value))
      fail(`${field} must be ${rule}, got ${describe(value)}`);
    return value;
  };
}

function integer(check: (v: number) => boolean, rule: string): Rule<number> {
  return number((v) => Number.isSafeInteger(v) && check(v), rule);
}

function oneOf<T extends string>(choices: readonly T[]): Rule<T> {
  return (value: unknown, field: string, fail: Fail) => {
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value))
      fail(`${field} must be one of ${choices.join(', ')}, got ${describe(value)}`);
    return value as T;
  };
}

function nullable<T>(rule: Rule<T>): Rule<T | null> {
  return (value, field, fail) => (value === null ? null : rule(value, field, fail));
}

function arrayOf<T>(rule: Rule<T>): Rule<T[]> {
  return (value: unknown, field: string, fail: Fail) => {
    if (!Array.isArray(value)) fail(`${field} must be an array, got ${describe(value)}`);
    return value.map((item, i) => rule(item, `${field}[${i}]`, fail));
  };
}

function recordOf<T>(rule: Rule<T>): Rule<Record<string, T>> {
  return (value: unknown, field: string, fail: Fail) => {
    if (!isObject(value)) fail(`${field} must be an object, got ${describe(value)}`);
    const out: Record<string, T> = {};
    for (const [key, item] of Object.entries(value)) out[key] = rule(item, `${field}.${key}`, fail);
    return out;
  };
}

/** Logs: names → numbers; null (how JSON writes NaN) reads as NaN. */
function logs(value: unknown, field: string, fail: Fail): Logs {
  return recordOf<number>((v, at) => {
    if (v === null) return NaN;
    if (typeof v !== 'number') fail(`${at} must be a number, got ${describe(v)}`);
    return v;
  })(value, field, fail);
}

/** Any JSON object (its structure is compared with the live object's by checkSameShape). */
function plainObject(value: unknown, field: string, fail: Fail): Record<string, unknown> {
  if (!isObject(value)) fail(`${field} must be an object, got ${describe(value)}`);
  return value;
}

function generatorState(value: unknown, field: string, fail: Fail): GeneratorState {
  return fields<GeneratorState>(value, field, fail, {
    s: {
      rule: (v, at) => {
        // 32-bit words, stored signed or unsigned (setState reads them with >>> 0).
        const words = arrayOf(integer((w) => w >= -(2 ** 31) && w < 2 ** 32, 'a 32-bit integer'))(
          v,
          at,
          fail,
        );
        if (words.length !== 4) fail(`${at} must be 4 words, got ${words.length}`);
        if (words.every((w) => w === 0)) fail(`${at} is all zeros, which the generator never reaches`);
        return words as unknown as GeneratorState['s'];
      },
    },
    spareNormal: { rule: nullable(number(() => true, 'a finite number')) },
  });
}

const DTYPES = ['float32', 'float64', 'int32', 'bool'] as const;
/** The most elements one saved state tensor may claim (the model's parameters are far smaller). */
const MAX_STATE_ELEMENTS = 2 ** 31 - 1;

function tensorJSON(value: unknown, field: string, fail: Fail): TensorJSON {
  const tensor = fields<TensorJSON>(value, field, fail, {
    shape: { rule: arrayOf(integer((v) => v >= 0, 'a non-negative integer')) },
    dtype: { rule: oneOf(DTYPES) },
    data: { rule: tensorData },
  });
  const numel = tensor.shape.reduce((p, d) => p * d, 1);
  if (numel > MAX_STATE_ELEMENTS) fail(`${field}.shape [${tensor.shape.join(', ')}] is too large`);
  if (tensor.data.length !== numel)
    fail(
      `${field}.data has ${tensor.data.length} values but shape [${tensor.shape.join(', ')}] needs ${numel}`,
    );
  return tensor;
}

/** A state tensor's values: numbers, or "nan", "inf", "-inf" (a plain loop: Adam's state has millions). */
function tensorData(value: unknown, field: string, fail: Fail): TensorJSON['data'] {
  if (!Array.isArray(value)) fail(`${field} must be an array, got ${describe(value)}`);
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'number' && v !== 'nan' && v !== 'inf' && v !== '-inf')
      fail(`${field}[${i}] must be a number, "nan", "inf" or "-inf", got ${describe(v)}`);
  }
  return value as TensorJSON['data'];
}

function optimizerState(value: unknown, field: string, fail: Fail): OptimizerStateDictJSON {
  return fields<OptimizerStateDictJSON>(value, field, fail, {
    state: {
      rule: (v, at) => {
        const state = recordOf((entry, entryAt) =>
          recordOf<TensorJSON | number>((item, itemAt) =>
            typeof item === 'number'
              ? number(() => true, 'a finite number')(item, itemAt, fail)
              : tensorJSON(item, itemAt, fail),
          )(entry, entryAt, fail),
        )(v, at, fail);
        for (const key of Object.keys(state))
          if (!/^(0|[1-9]\d{0,8})$/.test(key)) fail(`${at}: "${key}" is not a parameter index`);
        return state;
      },
    },
    param_groups: {
      rule: arrayOf((group, at) => {
        const g = plainObject(group, at, fail);
        if (!Object.hasOwn(g, 'params')) fail(`${at}.params is missing`);
        arrayOf(integer((v) => v >= 0, 'a non-negative integer'))(g.params, `${at}.params`, fail);
        return g as OptimizerStateDictJSON['param_groups'][number];
      }),
    },
  });
}
