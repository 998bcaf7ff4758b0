// @file The golden PyTorch fixtures replayed on the webgpu backend in headless Chromium, one test per family.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openSuitePage, type SuitePage } from './serve.js';

const FAMILIES = [
  'elementwise',
  'reduce',
  'scan',
  'shape',
  'special',
  'triangular',
  'views',
  'nn',
  'optim',
  'attention',
  'transformer',
  'einsum',
  'reduce_logical',
  'recurrent',
];

/**
 * Cases known to differ on webgpu, with the reason. Each must still fail (one that starts passing fails the
 * test), so the list only shrinks.
 */
const KNOWN_DEVIATIONS: Record<string, string> = {
  'reduce/std/float32-overflow':
    'float64 tensors compute in f32 on the GPU: var/std square (x − x̄) in float64 on the CPU, which overflows f32',
  'elementwise/div/overflowing_square':
    "div's gradient passes through a subnormal f32 ((a/b)/b = 7.5e-39), which WGSL lets the GPU flush to zero",
};

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
      const known = (name: string): boolean => `${family}/${name}` in KNOWN_DEVIATIONS;
      const failures = results
        .filter((r) => r.status === 'fail' && !known(r.name))
        .map((r) => `${r.name}: ${r.detail}`);
      const nowPassing = results.filter((r) => r.status === 'pass' && known(r.name)).map((r) => r.name);
      // Every kernel has a GPU version now (the recurrences were the last): any refusal is a failure, and one
      // that names a kernel of gpuKernels says the backend refused a kernel it has.
      const refused = results
        .filter((r) => r.status === 'no-gpu-kernel')
        .map((r) => `${r.name}: ${r.detail}${gpuKernels.includes(r.detail) ? ' (a GPU kernel exists)' : ''}`);
      const passed = results.filter((r) => r.status === 'pass').length;
      console.log(
        `${family}: ${passed}/${results.length} pass` + (refused.length ? `, ${refused.length} refused` : ''),
      );
      expect(failures).toEqual([]);
      expect(nowPassing, 'known deviations that now pass: remove them from KNOWN_DEVIATIONS').toEqual([]);
      expect(refused, 'cases refused for want of a GPU kernel').toEqual([]);
    });
  }
});
