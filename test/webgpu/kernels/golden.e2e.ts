// @file The golden PyTorch fixtures of the kernel families (matmul, bmm, conv/pooling, indexing, losses) on the
// webgpu backend in headless Chromium, one test per family; float32 tolerances (rtol 1e-4, atol 1e-5).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openKernelPage, type KernelPage } from './serve-page.js';

const FAMILIES = ['matmul', 'bmm', 'conv', 'indexing', 'loss', 'sort'];

/**
 * Cases known to differ on webgpu, with the reason. Each must still fail (one that starts passing fails the
 * test), so the list only shrinks.
 */
const KNOWN_DEVIATIONS: Record<string, string> = {};

describe.skipIf(!hasChromium)('kernel families on webgpu: golden fixtures', () => {
  let opened: KernelPage;
  let bound: string[] = [];
  beforeAll(async () => {
    opened = await openKernelPage('page/golden.ts', 'kernelGolden');
    bound = await opened.page.evaluate(() => window.kernelGolden.gpuKernels);
  });
  afterAll(async () => {
    await opened?.close();
  });

  for (const family of FAMILIES) {
    it(family, async () => {
      // A fresh page (and device) per family, so that a device error in one family cannot fail the next.
      await opened.page.reload();
      await opened.page.waitForFunction(() => 'kernelGolden' in window, null, { timeout: 60_000 });
      const results = await opened.page.evaluate((name) => window.kernelGolden.golden(name), family);
      expect(results.length, 'cases replayed').toBeGreaterThan(0);
      const known = (name: string): boolean => `${family}/${name}` in KNOWN_DEVIATIONS;
      const failures = results
        .filter((r) => r.status === 'fail' && !known(r.name))
        .map((r) => `${r.name}: ${r.detail}`);
      // A case may only be refused for a kernel kernels/ does not bind (the fused losses, for now).
      const refused = results.filter((r) => r.status === 'no-gpu-kernel');
      const wrongRefusals = refused
        .filter((r) => bound.includes(r.detail))
        .map((r) => `${r.name}: ${r.detail}`);
      const nowPassing = results.filter((r) => r.status === 'pass' && known(r.name)).map((r) => r.name);
      const missing = [...new Set(refused.map((r) => r.detail))].sort().join(', ');
      console.log(
        `${family}: ${results.filter((r) => r.status === 'pass').length}/${results.length} pass` +
          (refused.length > 0 ? `, ${refused.length} refused (no GPU kernel bound: ${missing})` : ''),
      );
      expect(failures).toEqual([]);
      expect(wrongRefusals).toEqual([]);
      expect(nowPassing, 'known deviations that now pass: remove them from KNOWN_DEVIATIONS').toEqual([]);
    });
  }

  // Whole training steps through the GPU kernels (forward, backward, optimizer) against the js backend.
  for (const [model, optimizer] of [
    ['cnn', 'sgd'],
    ['cnn', 'adam'],
    ['mlp', 'sgd'],
    ['mlp', 'adam'],
  ] as const) {
    it(`${model} trained by ${optimizer} for 3 steps matches js`, async () => {
      await opened.page.reload();
      await opened.page.waitForFunction(() => 'kernelGolden' in window, null, { timeout: 60_000 });
      const result = await opened.page.evaluate(([m, o]) => window.kernelGolden.training(m, o, 3), [
        model,
        optimizer,
      ] as const);
      console.log(
        `${model}/${optimizer}: loss ${result.loss[0]} (js ${result.loss[1]}), worst ${result.ratio.toFixed(3)} of tolerance`,
      );
      expect(result.ratio, result.where).toBeLessThanOrEqual(1);
    });
  }
});
