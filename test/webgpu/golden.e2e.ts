// @file The golden PyTorch fixtures replayed on the webgpu backend in headless Chromium, one test per family.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openSuitePage, type SuitePage } from './serve.js';

const FAMILIES = ['elementwise', 'reduce', 'shape', 'special', 'triangular'];

describe.skipIf(!hasChromium)('golden fixtures on webgpu', () => {
  let suite: SuitePage;
  let gpuKernels: string[] = [];
  beforeAll(async () => {
    suite = await openSuitePage();
    gpuKernels = await suite.page.evaluate(() => window.webgpuSuite.gpuKernels);
    console.log(`webgpu golden suites on adapter: ${suite.adapter}`);
  });
  afterAll(async () => {
    await suite?.close();
  });

  for (const family of FAMILIES) {
    it(family, async () => {
      const results = await suite.page.evaluate((name) => window.webgpuSuite.golden(name), family);
      expect(results.length, 'cases replayed').toBeGreaterThan(0);
      const failures = results.filter((r) => r.status === 'fail').map((r) => `${r.name}: ${r.detail}`);
      // A case may only be refused for a kernel that has no GPU version (it then names that kernel).
      const refused = results.filter((r) => r.status === 'no-gpu-kernel');
      const wrongRefusals = refused
        .filter((r) => gpuKernels.includes(r.detail))
        .map((r) => `${r.name}: ${r.detail}`);
      const missing = [...new Set(refused.map((r) => r.detail))].sort();
      const passed = results.filter((r) => r.status === 'pass').length;
      console.log(
        `${family}: ${passed}/${results.length} pass` +
          (refused.length ? `, ${refused.length} refused (no GPU kernel yet: ${missing.join(', ')})` : ''),
      );
      expect(failures).toEqual([]);
      expect(wrongRefusals).toEqual([]);
    });
  }
});
