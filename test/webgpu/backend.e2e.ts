// @file The webgpu backend's behaviours in headless Chromium (page/scenarios.ts), one test each; device loss runs last.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openSuitePage, type SuitePage } from './serve.js';

const SCENARIOS = [
  'syncReadsRefused',
  'hostReadOfDeviceValues',
  'fallbackRule',
  'dispose',
  'misalignedViews',
  'largeGrid',
  'dtypesRoundTrip',
  'switchAway',
  'trainsLikeJs',
  'fitLikeJs',
  'fusedLossReduction',
  'batchNormRunningStats',
  'lstmTrainsLikeJs',
  'deviceLoss',
];

describe.skipIf(!hasChromium)('webgpu backend behaviours', () => {
  let suite: SuitePage;
  beforeAll(async () => {
    suite = await openSuitePage();
  });
  afterAll(async () => {
    await suite?.close();
  });

  it('the page lists exactly these scenarios', async () => {
    expect(await suite.page.evaluate(() => window.webgpuSuite.scenarios)).toEqual(SCENARIOS);
  });

  for (const name of SCENARIOS) {
    it(name, async () => {
      const result = await suite.page.evaluate((scenario) => window.webgpuSuite.scenario(scenario), name);
      expect(result.detail).toBe('');
      expect(result.ok).toBe(true);
    });
  }
});
