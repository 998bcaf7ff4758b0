// @file Text data of character models: UTF-8 validation, vocabulary, windows, contiguous split, perplexity, unigram baseline.
import { describe, expect, it } from 'vitest';
import {
  buildVocabulary,
  decodeCharacters,
  decodeText,
  encodeCharacters,
  firstInvalidUtf8,
  sequenceWindows,
  splitTokens,
} from '../../../src/data/datasets/text.js';
import {
  perplexity,
  unigramLogProbabilities,
  unigramPerplexity,
} from '../../../src/data/datasets/text-statistics.js';
import { FormatError, ValueError } from '../../../src/errors.js';
import { Generator } from '../../../src/random/generator.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('UTF-8', () => {
  it('finds the first invalid byte: truncated, overlong, surrogate, above U+10FFFF, stray continuation', () => {
    expect(firstInvalidUtf8(new TextEncoder().encode('héllo €𝄞'))).toBe(-1);
    expect(firstInvalidUtf8(bytes(0x61, 0xc3))).toBe(1); // truncated
    expect(firstInvalidUtf8(bytes(0xc0, 0xaf))).toBe(0); // overlong '/'
    expect(firstInvalidUtf8(bytes(0x61, 0xe0, 0x80, 0xaf))).toBe(1); // overlong 3-byte
    expect(firstInvalidUtf8(bytes(0xed, 0xa0, 0x80))).toBe(0); // U+D800
    expect(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80))).toBe(0); // U+110000
    expect(firstInvalidUtf8(bytes(0x61, 0x62, 0x80))).toBe(2); // continuation without a lead
    expect(firstInvalidUtf8(bytes(0xff))).toBe(0);
  });

  it("agrees with TextDecoder's fatal mode on 3000 random byte strings", () => {
    const g = new Generator(7);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (let trial = 0; trial < 3000; trial++) {
      const n = g.randint(0, 8);
      // Mostly bytes near the interesting boundaries, so that valid multi-byte sequences occur.
      const pool = [
        0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5,
        0xff,
      ];
      const b = Uint8Array.from({ length: n }, () => pool[g.randint(0, pool.length)]!);
      let valid = true;
      try {
        decoder.decode(b);
      } catch {
        valid = false;
      }
      expect(firstInvalidUtf8(b) === -1, `bytes ${Array.from(b, (x) => x.toString(16))}`).toBe(valid);
    }
  });

  it('decodeText names the source, offset and line; refuses empty input; drops a BOM', () => {
    expect(() => decodeText(bytes(0x61, 0x0a, 0x62, 0xfe), 'f.txt')).toThrow(
      /f\.txt: is not UTF-8 text: byte 0xfe at offset 3 \(line 2\)/,
    );
    expect(() => decodeText(bytes(), 'f.txt')).toThrow(FormatError);
    expect(() => decodeText(bytes(), 'f.txt')).toThrow(/is empty/);
    expect(decodeText(bytes(0xef, 0xbb, 0xbf, 0x61), 'f.txt')).toBe('a');
  });
});

describe('vocabulary and windows', () => {
  it('the vocabulary is the sorted distinct code points (astral characters are one token)', () => {
    const text = 'ba𝄞ab\n';
    const vocabulary = buildVocabulary(text);
    expect(vocabulary).toEqual([0x0a, 0x61, 0x62, 0x1d11e]);
    const ids = encodeCharacters(text, vocabulary, 'test');
    expect(Array.from(ids)).toEqual([2, 1, 3, 1, 2, 0]);
    expect(decodeCharacters(ids, vocabulary)).toBe(text);
  });

  it('characters outside the vocabulary are named', () => {
    expect(() => encodeCharacters('abz€', [0x61, 0x62], '--prompt')).toThrow(
      /--prompt: 2 character\(s\) are not in the model's vocabulary of 2: 'z' \(U\+007A\), '€' \(U\+20AC\)/,
    );
  });

  it('windows are non-overlapping and targets are shifted by one', () => {
    const ids = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const w = sequenceWindows(ids, 3, 'text');
    expect(w.count).toBe(2); // ⌊(8 − 1)/3⌋
    expect(Array.from(w.x)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(w.y)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => sequenceWindows(ids.subarray(0, 3), 3, 'training text')).toThrow(
      /training text has 3 characters, shorter than one sequence of 3/,
    );
  });

  it('the split is contiguous: the last round(n·share) tokens validate', () => {
    const ids = Int32Array.from({ length: 10 }, (_, i) => i);
    const { train, val } = splitTokens(ids, 0.2);
    expect(Array.from(train)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(val!)).toEqual([8, 9]);
    expect(splitTokens(ids, 0).val).toBeNull();
    expect(() => splitTokens(ids, 1)).toThrow(ValueError);
  });
});

describe('perplexity and the unigram baseline', () => {
  it('perplexity is exp of the mean cross-entropy: a uniform guess over k characters has perplexity k', () => {
    expect(perplexity(Math.log(7))).toBeCloseTo(7, 12);
    expect(perplexity(0)).toBe(1);
  });

  it('matches hand-computed add-one unigram probabilities', () => {
    // Training tokens 0, 0, 1 over V = 3: counts 2, 1, 0 → (c + 1)/(3 + 3) = 3/6, 2/6, 1/6.
    const logP = unigramLogProbabilities([0, 0, 1], 3);
    expect(Array.from(logP, Math.exp)).toEqual([0.5, 2 / 6, 1 / 6].map((p) => expect.closeTo(p, 12)));
    // Evaluated on [2, 0]: exp(−(ln 1/6 + ln 1/2)/2) = √12.
    expect(unigramPerplexity([0, 0, 1], [2, 0], 3)).toBeCloseTo(Math.sqrt(12), 12);
    // A constant text: p(a) = (4 + 1)/(4 + 2) on V = 2, so the perplexity of 'aaa' is 6/5.
    expect(unigramPerplexity([0, 0, 0, 0], [0, 0, 0], 2)).toBeCloseTo(6 / 5, 12);
    expect(() => unigramPerplexity([0], [3], 3)).toThrow(/outside the vocabulary of 3/);
  });
});
