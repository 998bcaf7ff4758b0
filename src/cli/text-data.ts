// @file The `text:PATH` dataset of the command line: a UTF-8 file as next-character windows, split contiguously.
import { ValueError } from '../errors.js';
import { readTextFile } from '../data/datasets/text-file.js';
import { buildVocabulary, encodeCharacters, sequenceWindows, splitTokens } from '../data/datasets/text.js';
import { Tensor } from '../tensor/tensor.js';
import type { PreparedData, Split } from './datasets.js';
import type { Encoding } from './encoding.js';

/** The dataset spec prefix of text files. */
export const TEXT_PREFIX = 'text:';
/** Characters per training window unless `--seq-len` says otherwise. */
export const DEFAULT_SEQ_LEN = 64;
/** Longest window: the Transformer's attention holds seqLen² scores per head. */
export const MAX_SEQ_LEN = 4096;

export function isTextDataset(spec: string): boolean {
  return spec.startsWith(TEXT_PREFIX);
}

/** Whether an encoding is a text run's (it has a vocabulary). */
export function isTextEncoding(encoding: Encoding): encoding is Encoding & { vocabulary: number[] } {
  return encoding.vocabulary !== undefined;
}

/** The encoding of a text run: token ids over `vocabulary`, windows of `seqLen`. */
export function textEncoding(vocabulary: number[], seqLen: number): Encoding {
  return {
    task: 'classification',
    inputShape: [seqLen],
    featureNames: [],
    featureMean: [0],
    featureStd: [1],
    targetName: null,
    classNames: [],
    targetMean: 0,
    targetStd: 1,
    vocabulary,
  };
}

function windowsSplit(ids: Int32Array, seqLen: number, what: string): Split {
  const w = sequenceWindows(ids, seqLen, what);
  return {
    x: new Tensor(w.x, [w.count, seqLen], 'int32'),
    y: new Tensor(w.y, [w.count, seqLen], 'int32'),
  };
}

/**
 * Reads `text:PATH` for a character language model: the vocabulary is the file's distinct code points, sorted
 * (or a saved run's `encoding`, whose vocabulary must cover the file); the last `valSplit` share of the characters
 * validates (contiguous, so validation text is unseen), and each part is cut into non-overlapping windows of
 * `seqLen` characters whose targets are the following characters.
 */
export function prepareTextData(
  spec: string,
  options: { valSplit: number; seqLen?: number; encoding?: Encoding },
): PreparedData {
  const path = spec.slice(TEXT_PREFIX.length);
  if (path === '') throw new ValueError('dataset', "text: needs a file path, e.g. 'text:corpus.txt'");
  const seqLen = options.encoding?.inputShape[0] ?? options.seqLen ?? DEFAULT_SEQ_LEN;
  if (!Number.isInteger(seqLen) || seqLen < 1 || seqLen > MAX_SEQ_LEN)
    throw new ValueError('--seq-len', `must be an integer from 1 to ${MAX_SEQ_LEN}, got ${seqLen}`);
  const text = readTextFile(path);
  const vocabulary = options.encoding?.vocabulary ?? buildVocabulary(text);
  const ids = encodeCharacters(text, vocabulary, path);
  const parts = splitTokens(ids, options.valSplit);
  const train = windowsSplit(parts.train, seqLen, `training text of ${path}`);
  let val: Split | null = null;
  if (parts.val) {
    if (parts.val.length <= seqLen) {
      throw new ValueError(
        '--val-split',
        `the validation share ${options.valSplit} of ${path} is ${parts.val.length} characters, shorter than one sequence of ${seqLen} plus one: use a larger --val-split, a smaller --seq-len, or --val-split 0`,
      );
    }
    val = windowsSplit(parts.val, seqLen, `validation text of ${path}`);
  }
  const encoding = textEncoding([...vocabulary], seqLen);
  return {
    name: spec,
    task: 'classification',
    outputs: vocabulary.length,
    inputShape: [seqLen],
    featureNames: [],
    classNames: [],
    train,
    val,
    test: null,
    encoding,
  };
}

/** Refuses a text run in a command made for tabular and image runs (predict, export), pointing to generate. */
export function refuseTextRun(encoding: Encoding, command: string, dir: string): void {
  if (isTextEncoding(encoding)) {
    throw new ValueError(
      command,
      `${dir} is a character language model (a text: run); use 'neurite generate ${dir} --prompt …' to sample from it`,
    );
  }
}
