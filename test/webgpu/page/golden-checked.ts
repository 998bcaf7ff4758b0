// @file Golden families whose replays are whole procedures (nn layers and models, optimizers) rather than op runners, run in the page.
import nnFixture from '../../fixtures/nn.json' with { type: 'json' };
import optimFixture from '../../fixtures/optim.json' with { type: 'json' };
import { replayModel, replayModuleCase, type ModelEntry, type ModuleCase } from '../../nn/runners/nn.js';
import { replayOptimizerRun, type OptimModel, type OptimizerRun } from '../../optim/runners/optim.js';
import { decode, replayChecked, type CaseResult } from './replay.js';

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

/** Families replayed by procedures, by name (the e2e test lists them beside the op families). */
export const CHECKED_FAMILIES: Record<string, () => Promise<CaseResult[]>> = {
  nn: nnFamily,
  optim: optimFamily,
};
