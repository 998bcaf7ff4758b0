// @file The sequence page's toy tasks: a sequence of tokens in, the transformed sequence out (same length), and
// seeded batches of examples. Pure TypeScript: runs in the worker and in Node tests.
import { Generator } from 'neurite';

export type TaskName = 'reverse' | 'sort' | 'rotate' | 'swapPairs';
export type VocabularyName = 'digits' | 'letters';

export interface Task {
  label: string;
  /** One sentence for the page: what the output is. */
  description: string;
  /** The output sequence for an input (token indices); same length. */
  target(tokens: readonly number[]): number[];
}

/** How far `rotate` shifts: output position i holds input position (i + 2) mod n. */
export const ROTATE_BY = 2;

export const TASKS: Record<TaskName, Task> = {
  reverse: {
    label: 'Reverse',
    description: 'Output position i holds input position n − 1 − i: each query looks at one mirrored key.',
    target: (tokens) => [...tokens].reverse(),
  },
  sort: {
    label: 'Sort',
    description:
      'The tokens in ascending order: a position must find the k-th smallest token, which depends on the contents, not just on where it is.',
    target: (tokens) => [...tokens].sort((a, b) => a - b),
  },
  rotate: {
    label: 'Rotate by 2',
    description: `Output position i holds input position (i + ${ROTATE_BY}) mod n: every query looks ${ROTATE_BY} steps ahead, wrapping around.`,
    target: (tokens) => tokens.map((_, i) => tokens[(i + ROTATE_BY) % tokens.length]!),
  },
  swapPairs: {
    label: 'Swap pairs',
    description:
      'Neighbours trade places (positions 0↔1, 2↔3, …; an odd last token stays): each query looks one step left or right.',
    target: (tokens) =>
      tokens.map((_, i) => {
        const partner = i % 2 === 0 ? i + 1 : i - 1;
        return tokens[partner < tokens.length ? partner : i]!;
      }),
  },
};

export const TASK_NAMES = Object.keys(TASKS) as TaskName[];

/** The symbols of each vocabulary; token index k is symbol k. */
export const VOCABULARIES: Record<VocabularyName, { label: string; symbols: string }> = {
  digits: { label: 'Digits 0–9', symbols: '0123456789' },
  letters: { label: 'Letters a–z', symbols: 'abcdefghijklmnopqrstuvwxyz' },
};

export const VOCABULARY_NAMES = Object.keys(VOCABULARIES) as VocabularyName[];

export function vocabularySize(name: VocabularyName): number {
  return VOCABULARIES[name].symbols.length;
}

/** Token indices → text, one symbol per token. */
export function tokensToText(tokens: readonly number[], vocabulary: VocabularyName): string {
  const { symbols } = VOCABULARIES[vocabulary];
  return tokens.map((t) => symbols[t] ?? '?').join('');
}

/** A batch of examples: inputs and targets as row-major token indices [count, length]. */
export interface SequenceBatch {
  count: number;
  length: number;
  inputs: Int32Array;
  targets: Int32Array;
}

/** `count` random inputs of `length` tokens drawn uniformly from the vocabulary, and the task's outputs. */
export function makeBatch(
  task: TaskName,
  vocabulary: VocabularyName,
  length: number,
  count: number,
  generator: Generator,
): SequenceBatch {
  const size = vocabularySize(vocabulary);
  const inputs = new Int32Array(count * length);
  const targets = new Int32Array(count * length);
  const row: number[] = new Array<number>(length);
  for (let example = 0; example < count; example++) {
    for (let i = 0; i < length; i++) row[i] = generator.randint(0, size);
    inputs.set(row, example * length);
    targets.set(TASKS[task].target(row), example * length);
  }
  return { count, length, inputs, targets };
}

/** Row `example` of a [count, length] token array. */
export function exampleRow(tokens: Int32Array, length: number, example: number): number[] {
  return Array.from(tokens.subarray(example * length, (example + 1) * length));
}

/**
 * Which input position output position i copies when the task moves tokens by position alone (reverse, rotate,
 * swapPairs): the attention pattern a perfect one-layer model shows. Null for sort, whose source depends on
 * the contents.
 */
export function sourcePositions(task: TaskName, length: number): number[] | null {
  if (task === 'sort') return null;
  const positions = Array.from({ length }, (_, i) => i);
  return TASKS[task].target(positions);
}
