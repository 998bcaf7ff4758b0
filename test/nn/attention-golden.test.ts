// @file scaledDotProductAttention and MultiheadAttention against PyTorch (test/fixtures/attention.json), on js and wasm.
import { describe, expect, it } from 'vitest';
import { goldenOnBothBackends, BACKENDS, withBackend } from '../ops/on-both-backends.js';
import { loadAttentionModules, replayModuleCase } from './attention-fixture.js';
import { ATTENTION_RUNNERS } from './runners/attention.js';

goldenOnBothBackends('attention', ATTENTION_RUNNERS, (name) => name.startsWith('sdpa/'));

describe('MultiheadAttention against PyTorch 1.13 (state dict loaded, every input and parameter gradient)', () => {
  const cases = loadAttentionModules().filter((c) => c.kind === 'MultiheadAttention');
  it('has cases', () => expect(cases.length).toBeGreaterThan(5));
  for (const backend of BACKENDS) {
    for (const c of cases)
      it(`${c.name} (${backend})`, () => withBackend(backend, () => replayModuleCase(c)));
  }
});
