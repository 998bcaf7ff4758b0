// @file scaledDotProductAttention and MultiheadAttention against PyTorch (test/fixtures/attention.json), on js and wasm.
import { describe, expect, it } from 'vitest';
import { nn } from '../../src/index.js';
import { goldenOnBothBackends, BACKENDS, withBackend } from '../ops/on-both-backends.js';
import { loadAttentionModules, replayModuleCase } from './attention-fixture.js';

const F = nn.functional;

goldenOnBothBackends(
  'attention',
  {
    sdpa: ([query, key, value, mask], params) =>
      F.scaledDotProductAttention(query!, key!, value!, {
        attnMask: mask ?? null,
        isCausal: (params['isCausal'] as boolean | undefined) ?? false,
        scale: (params['scale'] as number | undefined) ?? null,
      }),
  },
  (name) => name.startsWith('sdpa/'),
);

describe('MultiheadAttention against PyTorch 1.13 (state dict loaded, every input and parameter gradient)', () => {
  const cases = loadAttentionModules().filter((c) => c.kind === 'MultiheadAttention');
  it('has cases', () => expect(cases.length).toBeGreaterThan(5));
  for (const backend of BACKENDS) {
    for (const c of cases)
      it(`${c.name} (${backend})`, () => withBackend(backend, () => replayModuleCase(c)));
  }
});
