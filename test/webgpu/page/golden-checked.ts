// @file Golden families whose replays are whole procedures (nn layers and models, optimizers) rather than op runners, run in the page.
import nnFixture from '../../fixtures/nn.json' with { type: 'json' };
import { replayModel, replayModuleCase, type ModelEntry, type ModuleCase } from '../../nn/runners/nn.js';
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

/** Families replayed by procedures, by name (the e2e test lists them beside the op families). */
export const CHECKED_FAMILIES: Record<string, () => Promise<CaseResult[]>> = {
  nn: nnFamily,
};
