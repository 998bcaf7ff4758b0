// @file `npm run bench:web`'s page in chromium, small sizes and the smallest budget: one warm-up call and one timed call of
// every workload for every contender (neurite webgpu and wasm, TensorFlow.js webgpu, jax-js webgpu), none failing;
// a contender without WebGPU must say so ("not available"), and the table names the adapter.
import type { Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBenchPage, removeBuild, runInChromium, serveDirectory } from '../../bench/web/harness.js';
import { formatReport } from '../../bench/web/report.js';
import { CONTENDERS, WORKLOAD_IDS } from '../../bench/web/workload.js';
import { hasChromium } from './e2e-harness.js';

let dir = '';
let server: Server | null = null;

describe.skipIf(!hasChromium)('bench:web page', () => {
  afterAll(() => {
    server?.close();
    if (dir) removeBuild(dir);
  });

  it('runs one tiny iteration of every row without error', async () => {
    dir = await buildBenchPage();
    const served = await serveDirectory(dir);
    server = served.server;
    const report = await runInChromium({
      url: `${served.url}?small=1&budget=1&warmup=1&rounds=1`,
      timeoutMs: 110_000,
    });
    const table = formatReport(report);
    console.log(table);
    expect(report.error).toBeUndefined();
    expect(report.workloads).toEqual([...WORKLOAD_IDS]);
    expect(table).toContain(`adapter: ${report.adapter ?? 'none'}`);
    for (const id of WORKLOAD_IDS) {
      for (const contender of CONTENDERS) {
        const outcome = report.results[id]?.[contender];
        expect(outcome, `${contender} on ${id}`).toBeDefined();
        expect(outcome, `${contender} on ${id}: ${JSON.stringify(outcome)}`).not.toHaveProperty('error');
        if (outcome && 'ms' in outcome) expect(outcome.ms).toBeGreaterThan(0);
        // Without an adapter only the webgpu rows may be missing, and they say why.
        if (contender === 'neurite-wasm' || report.adapter !== null) {
          if (contender !== 'neurite-webgpu') expect(outcome).toHaveProperty('ms');
        }
      }
    }
  });
});
