// @file Options objects: every constructor that takes one refuses keys it does not know, naming the closest known key.
import { ValueError } from './errors.js';

/**
 * The keys of an options interface, written once as an object so that the compiler checks the list:
 * `optionKeys<AdamOptions>({ lr: true, betas: true, … })` fails to compile when a key is missing or unknown.
 */
export function optionKeys<T extends object>(keys: {
  readonly [K in keyof Required<T>]: true;
}): readonly string[] {
  return Object.freeze(Object.keys(keys));
}

/**
 * Checks that `options` is a plain object whose keys are all in `known`, and returns it; undefined passes
 * unless `required`. A misspelt or snake_case key would otherwise be ignored without a word
 * (`{ weight_decay: 0.1 }` training with no decay).
 * @throws ValueError naming `op` and the key, e.g. `Adam: unknown option 'weight_decay' (did you mean 'weightDecay'?)`.
 */
export function checkOptions<T>(op: string, options: T, known: readonly string[], required = false): T {
  if (options === undefined) {
    if (required) throw new ValueError(op, `an options object is required (with keys ${known.join(', ')})`);
    return options;
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    const shown = Array.isArray(options)
      ? 'an array'
      : options === null
        ? 'null'
        : `${typeof options} ${String(options)}`;
    throw new ValueError(op, `options must be an object, got ${shown}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new ValueError(op, unknownOptionMessage(key, known));
  }
  return options;
}

/** `unknown option 'key' (did you mean 'closest'?)`, or the list of known keys when none is close. */
export function unknownOptionMessage(key: string, known: readonly string[]): string {
  if (known.length === 0) return `unknown option '${key}' (it takes no options)`;
  const closest = closestKey(key, known);
  return closest === null
    ? `unknown option '${key}' (expected one of ${known.join(', ')})`
    : `unknown option '${key}' (did you mean '${closest}'?)`;
}

/** Lower case without '_' and '-', so that `weight_decay` and `WeightDecay` both match `weightDecay`. */
function normalize(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/**
 * The known key nearest to `key` by edit distance (insertions, deletions, substitutions and swaps of two
 * neighbours) between their normalized forms, if at most a third of its length away (at least 1, at most 3);
 * two keys that agree in all but at most the last letter of the shorter one (three letters or more) are close
 * too (`reduce` → `reduction`).
 */
export function closestKey(key: string, known: readonly string[]): string | null {
  const wanted = normalize(key);
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const other = normalize(candidate);
    const shorter = Math.min(wanted.length, other.length);
    const prefix = shorter >= 3 && commonPrefixLength(wanted, other) >= shorter - 1;
    const distance = Math.min(editDistance(wanted, other), prefix ? limit : Infinity);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function commonPrefixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** Optimal-string-alignment distance: Levenshtein plus the swap of two adjacent characters. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        d[(i - 1) * cols + j]! + 1,
        d[i * cols + j - 1]! + 1,
        d[(i - 1) * cols + j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * `defaults` with the values `options` gives (undefined and null keep the default), after checking that
 * `options` names no key outside `defaults`: the one place an optimizer turns its options into its defaults.
 */
export function withDefaults<T extends object>(op: string, options: Partial<T> | undefined, defaults: T): T {
  const keys = Object.keys(defaults) as (keyof T & string)[];
  checkOptions(op, options, keys);
  const out = { ...defaults };
  if (options) {
    for (const key of keys) {
      const value = options[key];
      if (value !== undefined && value !== null) out[key] = value as T[keyof T & string];
    }
  }
  return out;
}
