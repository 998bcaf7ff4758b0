// @file Golden families whose replays are whole procedures (nn layers and models, optimizers) rather than op runners, run in the page.
import attentionFixture from '../../fixtures/attention.json' with { type: 'json' };
import type { GoldenCase } from '../../helpers/golden.js';
import nnFixture from '../../fixtures/nn.json' with { type: 'json' };
import optimFixture from '../../fixtures/optim.json' with { type: 'json' };
import {
  ATTENTION_RUNNERS,
  MODULE_TOLERANCE,
  runAttentionCase,
  type AttentionModuleCase,
} from '../../nn/runners/attention.js';
import { replayModel, replayModuleCase, type ModelEntry, type ModuleCase } from '../../nn/runners/nn.js';
import { replayOptimizerRun, type OptimModel, type OptimizerRun } from '../../optim/runners/optim.js';
import { compare, decode, replayChecked, replayFixture, type CaseResult } from './replay.js';

/** The nn fixture: every layer case (forward, gradients, running statistics over steps), then every model. */
async function nnFamily(): Promise<CaseResult[]> {
  const layers = await replayChecked(
    nnFixture.cases as unknown as ModuleCase[],
    (c) => c.name,
    (c, close, fail) => replayModuleCase(c, { decode, close, fail }),
  );
  const models = await replayChecked(
    nnFixture.models as unknown as ModelEntry[],
    (m) => `model/${m.name}`,
    (m, close, fail) => replayModel(m, { decode, close, fail }),
  );
  return [...layers, ...models];
}

/**
 * Every optimizer run of the optim fixture: 50 steps on the MLP, losses, parameters and state against torch.optim.
 * The replay's tolerance is the page's float32 one (rtol 1e-4, atol 1e-5), the same as the Node suite's.
 */
async function optimFamily(): Promise<CaseResult[]> {
  const model = optimFixture.model as unknown as OptimModel;
  return replayChecked(
    optimFixture.optimizers as unknown as OptimizerRun[],
    (run) => run.name,
    (run, close, fail) =>
      replayOptimizerRun(model, optimFixture.steps, run, {
        decode,
        close: (actual, expected, what) => close(actual, expected, what),
        read: (t) => t.data(),
        fail,
      }),
  );
}

/** The attention fixture's module cases of the given kinds, each compared within its module tolerance (float32's for float64). */
function attentionModules(kinds: readonly AttentionModuleCase['kind'][]): Promise<CaseResult[]> {
  const modules = (attentionFixture.modules as unknown as AttentionModuleCase[]).filter((c) =>
    kinds.includes(c.kind),
  );
  return replayChecked(
    modules,
    (c) => `${c.kind}/${c.name}`,
    async (c, _close, fail) => {
      const problems: string[] = [];
      for (const { actual, expected, what, tol } of runAttentionCase(c, { decode, fail })) {
        // Float64 computes in f32 on the GPU: it gets the float32 module tolerance (as the op families do).
        const bound = expected.dtype === 'float64' ? MODULE_TOLERANCE : tol;
        problems.push(...(await compare(actual, expected, what, bound)));
      }
      problems.forEach(fail);
    },
  );
}

/** scaledDotProductAttention's op cases, then MultiheadAttention's module cases. */
async function attentionFamily(): Promise<CaseResult[]> {
  const sdpa = (attentionFixture.cases as unknown as GoldenCase[]).filter((c) => c.name.startsWith('sdpa/'));
  return [
    ...(await replayFixture(sdpa, ATTENTION_RUNNERS)),
    ...(await attentionModules(['MultiheadAttention'])),
  ];
}

/** Transformer encoder and decoder layers, their stacks and the whole Transformer. */
function transformerFamily(): Promise<CaseResult[]> {
  return attentionModules([
    'TransformerEncoderLayer',
    'TransformerEncoder',
    'TransformerDecoderLayer',
    'TransformerDecoder',
    'Transformer',
  ]);
}

/** Families replayed by procedures, by name (the e2e test lists them beside the op families). */
export const CHECKED_FAMILIES: Record<string, () => Promise<CaseResult[]>> = {
  nn: nnFamily,
  optim: optimFamily,
  attention: attentionFamily,
  transformer: transformerFamily,
};
