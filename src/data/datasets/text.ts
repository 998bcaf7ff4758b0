// @file Character-level text (browser-safe): strict UTF-8 decoding, a code-point vocabulary, contiguous splits and next-character windows.
import { FormatError, ValueError } from '../../errors.js';

/** Most distinct characters a vocabulary may hold (every embedding row and output logit is one). */
export const MAX_VOCABULARY = 65_536;

/**
 * Byte offset of the first byte that does not start or continue a valid UTF-8 sequence (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or −1 when all of `bytes` is valid UTF-8.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let more: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) more = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      more = 2;
      if (b === 0xe0) low = 0xa0; // overlong
      if (b === 0xed) high = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      more = 3;
      if (b === 0xf0) low = 0x90; // overlong
      if (b === 0xf4) high = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= more; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (k === 1 ? c < low || c > high : c < 0x80 || c > 0xbf) return i;
    }
    i += more + 1;
  }
  return -1;
}

/**
 * The text of UTF-8 `bytes` (a leading byte-order mark is dropped). Empty input and invalid UTF-8 are
 * FormatErrors naming `source`, the latter with the byte offset and line of the first bad byte.
 */
export function decodeText(bytes: Uint8Array, source: string): string {
  if (bytes.length === 0) throw new FormatError(source, 'is empty: a text needs at least a few characters');
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    let line = 1;
    for (let i = 0; i < bad; i++) if (bytes[i] === 0x0a) line++;
    const hex = bytes[bad]!.toString(16).padStart(2, '0');
    throw new FormatError(
      source,
      `is not UTF-8 text: byte 0x${hex} at offset ${bad} (line ${line}) does not form a valid UTF-8 sequence`,
    );
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  if (text === '') throw new FormatError(source, 'holds only a byte-order mark: it has no characters');
  return text;
}

/** How a character shows in messages: itself when printable, else its U+XXXX code. */
export function describeCharacter(codePoint: number): string {
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  const ch = String.fromCodePoint(codePoint);
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch) ? `'${ch}' (${hex})` : hex;
}

/** The distinct code points of `text`, sorted ascending: index i of the vocabulary is token i. */
export function buildVocabulary(text: string): number[] {
  const seen = new Set<number>();
  for (const ch of text) seen.add(ch.codePointAt(0)!);
  const vocabulary = [...seen].sort((a, b) => a - b);
  if (vocabulary.length > MAX_VOCABULARY) {
    throw new ValueError(
      'text',
      `the text has ${vocabulary.length} distinct characters; at most ${MAX_VOCABULARY} are supported`,
    );
  }
  return vocabulary;
}

/**
 * The token ids of `text` under `vocabulary` (sorted code points), as int32. Characters outside the vocabulary
 * are a ValueError from `op` listing them (up to 10).
 */
export function encodeCharacters(text: string, vocabulary: readonly number[], op: string): Int32Array {
  const index = new Map<number, number>();
  vocabulary.forEach((cp, i) => index.set(cp, i));
  const ids: number[] = [];
  const unknown = new Set<number>();
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const id = index.get(cp);
    if (id === undefined) unknown.add(cp);
    else ids.push(id);
  }
  if (unknown.size > 0) {
    const listed = [...unknown].slice(0, 10).map(describeCharacter);
    throw new ValueError(
      op,
      `${unknown.size} character(s) are not in the model's vocabulary of ${vocabulary.length}: ${listed.join(', ')}${unknown.size > 10 ? ', …' : ''}`,
    );
  }
  return Int32Array.from(ids);
}

/** Token ids back to text. */
export function decodeCharacters(ids: Iterable<number>, vocabulary: readonly number[]): string {
  let out = '';
  for (const id of ids) out += String.fromCodePoint(vocabulary[id]!);
  return out;
}

/**
 * A contiguous split: the first n − round(n · valShare) tokens train, the last round(n · valShare) validate
 * (no shuffling, so no validation window overlaps a training one). A share of 0 gives no validation part.
 */
export function splitTokens(
  ids: Int32Array,
  valShare: number,
): { train: Int32Array; val: Int32Array | null } {
  if (!(valShare >= 0 && valShare < 1))
    throw new ValueError('--val-split', `must be in [0, 1), got ${valShare}`);
  if (valShare === 0) return { train: ids, val: null };
  const valCount = Math.round(ids.length * valShare);
  return { train: ids.subarray(0, ids.length - valCount), val: ids.subarray(ids.length - valCount) };
}

/** Next-character windows: inputs and targets [count, seqLen], row-major int32. */
export interface Windows {
  x: Int32Array;
  y: Int32Array;
  count: number;
  seqLen: number;
}

/**
 * Cuts tokens into count = ⌊(n − 1)/seqLen⌋ non-overlapping windows: input row i is tokens[i·T, (i+1)·T) and its
 * target row the same span shifted by one, tokens[i·T + 1, (i+1)·T + 1), so position t predicts the token that
 * follows it. `what` names the part ('training text') in the error when it is shorter than one window.
 */
export function sequenceWindows(ids: Int32Array, seqLen: number, what: string): Windows {
  if (!Number.isInteger(seqLen) || seqLen <= 0)
    throw new ValueError('--seq-len', `must be a positive integer, got ${seqLen}`);
  const count = Math.floor((ids.length - 1) / seqLen);
  if (count < 1) {
    throw new ValueError(
      '--seq-len',
      `the ${what} has ${ids.length} characters, shorter than one sequence of ${seqLen} plus the character that follows it: use a longer text or a smaller --seq-len`,
    );
  }
  const x = new Int32Array(count * seqLen);
  const y = new Int32Array(count * seqLen);
  for (let i = 0; i < count; i++) {
    x.set(ids.subarray(i * seqLen, (i + 1) * seqLen), i * seqLen);
    y.set(ids.subarray(i * seqLen + 1, (i + 1) * seqLen + 1), i * seqLen);
  }
  return { x, y, count, seqLen };
}
