// @file The WebGPU test page: selects the webgpu backend, then answers the Node side's requests (golden families, scenarios).
import * as neurite from '../../../src/index.js';
import { setBackend } from '../../../src/index.js';
import { backend } from '../../../src/backend/index.js';
import type { WebGpuBackend } from '../../../src/backend/webgpu/index.js';
import type { GoldenCase, Runner } from '../../helpers/golden.js';
import einsum from '../../fixtures/einsum.json' with { type: 'json' };
import elementwise from '../../fixtures/elementwise.json' with { type: 'json' };
import reduce from '../../fixtures/reduce.json' with { type: 'json' };
import reduceLogical from '../../fixtures/reduce_logical.json' with { type: 'json' };
import scan from '../../fixtures/scan.json' with { type: 'json' };
import shape from '../../fixtures/shape.json' with { type: 'json' };
import special from '../../fixtures/special.json' with { type: 'json' };
import triangular from '../../fixtures/triangular.json' with { type: 'json' };
import views from '../../fixtures/views.json' with { type: 'json' };
import { EINSUM_RUNNERS } from '../../ops/runners/einsum.js';
import { ELEMENTWISE_RUNNERS } from '../../ops/runners/elementwise.js';
import { REDUCE_LOGICAL_RUNNERS } from '../../ops/runners/reduce-logical.js';
import { REDUCE_RUNNERS } from '../../ops/runners/reduce.js';
import { SCAN_RUNNERS } from '../../ops/runners/scan.js';
import { SHAPE_RUNNERS } from '../../ops/runners/shape.js';
import { SPECIAL_RUNNERS } from '../../ops/runners/special.js';
import { TRIANGULAR_RUNNERS } from '../../ops/runners/triangular.js';
import { VIEWS_RUNNERS } from '../../ops/runners/views.js';
import { CHECKED_FAMILIES } from './golden-checked.js';
import { replayFixture, type CaseResult } from './replay.js';
import { SCENARIOS, type ScenarioResult } from './scenarios.js';

const FAMILIES: Record<string, { cases: unknown; runners: Record<string, Runner> }> = {
  elementwise: { cases: elementwise.cases, runners: ELEMENTWISE_RUNNERS },
  reduce: { cases: reduce.cases, runners: REDUCE_RUNNERS },
  scan: { cases: scan.cases, runners: SCAN_RUNNERS },
  shape: { cases: shape.cases, runners: SHAPE_RUNNERS },
  special: { cases: special.cases, runners: SPECIAL_RUNNERS },
  triangular: { cases: triangular.cases, runners: TRIANGULAR_RUNNERS },
  views: { cases: views.cases, runners: VIEWS_RUNNERS },
  einsum: { cases: einsum.cases, runners: EINSUM_RUNNERS },
  reduce_logical: { cases: reduceLogical.cases, runners: REDUCE_LOGICAL_RUNNERS },
};

export interface WebGpuSuite {
  adapter: string;
  /** The library itself, for measurements and debugging from the Node side (page.evaluate). */
  neurite: typeof neurite;
  gpuKernels: string[];
  families: string[];
  golden(family: string): Promise<CaseResult[]>;
  scenarios: string[];
  scenario(name: string): Promise<ScenarioResult>;
}

declare global {
  interface Window {
    webgpuSuite: WebGpuSuite;
  }
}

async function start(): Promise<void> {
  await setBackend('webgpu');
  const gpu = backend() as WebGpuBackend;
  const { vendor, architecture, description } = gpu.adapter;
  window.webgpuSuite = {
    neurite,
    adapter: [vendor, architecture, description].filter(Boolean).join(' / ') || 'unknown adapter',
    gpuKernels: [...gpu.gpuKernelNames],
    families: [...Object.keys(FAMILIES), ...Object.keys(CHECKED_FAMILIES)],
    async golden(family) {
      await setBackend('webgpu');
      const checked = CHECKED_FAMILIES[family];
      if (checked) return checked();
      const { cases, runners } = FAMILIES[family]!;
      return replayFixture(cases as GoldenCase[], runners);
    },
    scenarios: Object.keys(SCENARIOS),
    async scenario(name) {
      await setBackend('webgpu');
      try {
        return await SCENARIOS[name]!();
      } catch (error) {
        return {
          ok: false,
          detail: `threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        };
      }
    },
  };
  document.title = 'ready';
}

start().catch((error: unknown) => {
  document.title = `failed: ${error instanceof Error ? error.message : String(error)}`;
});
