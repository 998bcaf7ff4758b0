// @file The kernel families' golden PyTorch fixtures on the webgpu backend (matmul, bmm, conv and pooling,
// indexing, losses), replayed in the page with the core suite's replayFixture.
import { gpuKernels } from '../../../../src/backend/webgpu/kernels/index.js';
import type { GpuContext } from '../../../../src/backend/webgpu/context.js';
import { setBackend } from '../../../../src/index.js';
import bmm from '../../../fixtures/bmm.json' with { type: 'json' };
import conv from '../../../fixtures/conv.json' with { type: 'json' };
import indexing from '../../../fixtures/indexing.json' with { type: 'json' };
import loss from '../../../fixtures/loss.json' with { type: 'json' };
import matmul from '../../../fixtures/matmul.json' with { type: 'json' };
import sortFixture from '../../../fixtures/sort.json' with { type: 'json' };
import type { GoldenCase, Runner } from '../../../helpers/golden.js';
import { CONV_RUNNERS } from '../../../ops/runners/conv.js';
import { INDEXING_RUNNERS } from '../../../ops/runners/indexing.js';
import { BMM_RUNNERS, MATMUL_RUNNERS } from '../../../ops/runners/matmul.js';
import { SORT_RUNNERS } from '../../../ops/runners/sort.js';
import { replayFixture, type CaseResult } from '../../page/replay.js';
import { LOSS_RUNNERS } from './loss-runners.js';
import { compareTraining, timeLeNetStep } from './training.js';

const FAMILIES: Record<string, { cases: unknown; runners: Record<string, Runner> }> = {
  matmul: { cases: matmul.cases, runners: MATMUL_RUNNERS },
  bmm: { cases: bmm.cases, runners: BMM_RUNNERS },
  conv: { cases: conv.cases, runners: CONV_RUNNERS },
  indexing: { cases: indexing.cases, runners: INDEXING_RUNNERS },
  loss: { cases: loss.cases, runners: LOSS_RUNNERS },
  sort: { cases: sortFixture.cases, runners: SORT_RUNNERS },
};

declare global {
  interface Window {
    kernelGolden: {
      families: string[];
      gpuKernels: string[];
      golden(family: string): Promise<CaseResult[]>;
      training: typeof compareTraining;
      timeLeNetStep: typeof timeLeNetStep;
    };
  }
}

async function start(): Promise<void> {
  await setBackend('webgpu');
  window.kernelGolden = {
    families: Object.keys(FAMILIES),
    // The entries kernels/ binds (listing them calls no context method).
    gpuKernels: Object.keys(gpuKernels({} as GpuContext)),
    async golden(family) {
      const { cases, runners } = FAMILIES[family]!;
      await setBackend('webgpu');
      return replayFixture(cases as GoldenCase[], runners);
    },
    training: compareTraining,
    timeLeNetStep,
  };
}

void start().catch((error: unknown) => {
  document.title = `failed: ${String(error)}`;
});
