// @file Character models of the command line: sampling frequencies at temperatures and top-k, model specs, causality.
import { describe, expect, it } from 'vitest';
import { buildTextModel, parseTextModelSpec, textModelParameters } from '../../src/cli/text-models.js';
import { sampleNext } from '../../src/cli/text-sampling.js';
import { Generator } from '../../src/random/generator.js';
import { Tensor } from '../../src/tensor/tensor.js';

describe('sampling the next character', () => {
  const logits = new Tensor(Float32Array.from([Math.log(1), Math.log(2), Math.log(4), Math.log(1)]), [4]);

  function frequencies(options: { temperature: number; topK?: number }, draws = 20_000): number[] {
    const g = new Generator(3);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < draws; i++) counts[sampleNext(logits, options, g)]!++;
    return counts.map((c) => c / draws);
  }

  it('temperature 1 draws from softmax(logits): 1/8, 2/8, 4/8, 1/8', () => {
    const f = frequencies({ temperature: 1 });
    [1 / 8, 2 / 8, 4 / 8, 1 / 8].forEach((p, i) => expect(Math.abs(f[i]! - p)).toBeLessThan(0.015));
  });

  it('temperature 0.5 squares the odds (1, 4, 16, 1)/22; top-k 2 keeps the two largest (2, 4)/6', () => {
    const f = frequencies({ temperature: 0.5 });
    [1 / 22, 4 / 22, 16 / 22, 1 / 22].forEach((p, i) => expect(Math.abs(f[i]! - p)).toBeLessThan(0.015));
    const k = frequencies({ temperature: 1, topK: 2 });
    [0, 1 / 3, 2 / 3, 0].forEach((p, i) => expect(Math.abs(k[i]! - p)).toBeLessThan(0.015));
  });

  it('temperature 0, a tiny temperature and top-k 1 are greedy; bad values are refused', () => {
    const g = new Generator(0);
    for (const options of [{ temperature: 0 }, { temperature: 1e-30 }, { temperature: 2, topK: 1 }])
      for (let i = 0; i < 20; i++) expect(sampleNext(logits, options, g)).toBe(2);
    expect(() => sampleNext(logits, { temperature: -1 }, g)).toThrow(
      /--temperature: must be a finite number ≥ 0/,
    );
    expect(() => sampleNext(logits, { temperature: 1, topK: 0 }, g)).toThrow(
      /--top-k: must be a positive integer/,
    );
  });
});

describe('text model specs', () => {
  it('parses lstm:H,L and transformer:LxD (D/32 heads) and refuses the rest', () => {
    expect(parseTextModelSpec('lstm:256,2')).toEqual({ kind: 'lstm', hidden: 256, layers: 2 });
    expect(parseTextModelSpec('lstm:64')).toEqual({ kind: 'lstm', hidden: 64, layers: 1 });
    expect(parseTextModelSpec('transformer:4x128')).toEqual({
      kind: 'transformer',
      layers: 4,
      width: 128,
      heads: 4,
    });
    expect(() => parseTextModelSpec('transformer:2x48')).toThrow(/multiple of 32/);
    expect(() => parseTextModelSpec('lstm:0,1')).toThrow(/hidden size/);
    expect(() => parseTextModelSpec('gru:8')).toThrow(/unknown model 'gru:8'/);
  });

  it.each(['lstm:16,2', 'transformer:2x32'])('%s: the counted parameters are the built model’s', (spec) => {
    const model = buildTextModel(spec, { vocabularySize: 11, seqLen: 9, dropout: 0 });
    expect(textModelParameters(parseTextModelSpec(spec), 11, 9)).toBe(model.numParameters());
    const out = model.forward(
      new Tensor(
        Int32Array.from({ length: 18 }, (_, i) => i % 11),
        [2, 9],
        'int32',
      ),
    );
    expect(out.shape).toEqual([2, 9, 11]);
  });

  it('the Transformer is causal: changing a later character leaves earlier logits unchanged', () => {
    const model = buildTextModel('transformer:1x32', { vocabularySize: 5, seqLen: 6, dropout: 0 });
    model.eval();
    const a = model.forward(new Tensor(Int32Array.from([0, 1, 2, 3, 4, 0]), [1, 6], 'int32'));
    const b = model.forward(new Tensor(Int32Array.from([0, 1, 2, 4, 4, 1]), [1, 6], 'int32'));
    expect(Array.from(a.storage.subarray(0, 15))).toEqual(Array.from(b.storage.subarray(0, 15)));
    expect(Array.from(a.storage.subarray(15, 20))).not.toEqual(Array.from(b.storage.subarray(15, 20)));
  });
});
