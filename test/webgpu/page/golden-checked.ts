// @file Golden families whose replays are whole procedures (nn layers and models, optimizers) rather than op runners, run in the page.
import attentionFixture from '../../fixtures/attention.json' with { type: 'json' };
import type { GoldenCase } from '../../helpers/golden.js';
import nnFixture from '../../fixtures/nn.json' with { type: 'json' };
import optimFixture from '../../fixtures/optim.json' with { type: 'json' };
import recurrentFixture from '../../fixtures/recurrent.json' with { type: 'json' };
import {
  ATTENTION_RUNNERS,
  MODULE_TOLERANCE,
  runAttentionCase,
  type AttentionModuleCase,
} from '../../nn/runners/attention.js';
import type { CaseChecks, Comparison } from '../../nn/runners/checks.js';
import { runRecurrentCase, type RecurrentCase } from '../../nn/runners/recurrent.js';
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

/**
 * Replays cases whose runner returns its comparisons, each read with `await t.data()` and compared within its
 * tolerance; float64 computes in f32 on the GPU, so float64 tensors get `float64Tolerance` instead.
 */
function replayComparisons<C>(
  cases: readonly C[],
  nameOf: (c: C) => string,
  run: (c: C, checks: CaseChecks) => Comparison[],
  float64Tolerance: { rtol: number; atol: number },
): Promise<CaseResult[]> {
  return replayChecked(cases, nameOf, async (c, _close, fail) => {
    const problems: string[] = [];
    for (const { actual, expected, what, tol } of run(c, { decode, fail })) {
      const bound = expected.dtype === 'float64' ? float64Tolerance : tol;
      problems.push(...(await compare(actual, expected, what, bound)));
    }
    problems.forEach(fail);
  });
}

/** The attention fixture's module cases of the given kinds (float64 at the float32 module tolerance). */
function attentionModules(kinds: readonly AttentionModuleCase['kind'][]): Promise<CaseResult[]> {
  const modules = (attentionFixture.modules as unknown as AttentionModuleCase[]).filter((c) =>
    kinds.includes(c.kind),
  );
  return replayComparisons(modules, (c) => `${c.kind}/${c.name}`, runAttentionCase, MODULE_TOLERANCE);
}

/** Every recurrent case (RNN, LSTM, GRU and their cells): outputs, final states and every gradient. */
function recurrentFamily(): Promise<CaseResult[]> {
  return replayComparisons(
    recurrentFixture.cases as unknown as RecurrentCase[],
    (c) => c.name,
    runRecurrentCase,
    { rtol: 1e-4, atol: 1e-5 },
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
  recurrent: recurrentFamily,
};
