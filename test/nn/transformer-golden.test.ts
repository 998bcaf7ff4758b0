// @file Transformer encoder and decoder layers and stacks against PyTorch (test/fixtures/attention.json), on js and wasm.
import { describe, expect, it } from 'vitest';
import { BACKENDS, withBackend } from '../ops/on-both-backends.js';
import { loadAttentionModules, replayModuleCase } from './attention-fixture.js';

const KINDS = [
  'TransformerEncoderLayer',
  'TransformerEncoder',
  'TransformerDecoderLayer',
  'TransformerDecoder',
  'Transformer',
] as const;

for (const kind of KINDS) {
  describe(`${kind} against PyTorch 1.13 (state dict loaded, every input and parameter gradient)`, () => {
    const cases = loadAttentionModules().filter((c) => c.kind === kind);
    it('has cases', () => expect(cases.length).toBeGreaterThan(0));
    for (const backend of BACKENDS) {
      for (const c of cases)
        it(`${c.name} (${backend})`, () => withBackend(backend, () => replayModuleCase(c)));
    }
  });
}
