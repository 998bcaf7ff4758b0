// @file WebGPU kernels in headless Chromium against the js reference backend: one test per case of page/cases.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCases } from './page/cases.js';
import { hasChromium, openKernelPage, type KernelPage } from './serve-page.js';

describe.skipIf(!hasChromium)('webgpu kernels', () => {
  let opened: KernelPage;
  beforeAll(async () => {
    opened = await openKernelPage();
    console.log(`webgpu kernels on ${await opened.page.evaluate(() => window.kernelTests.adapter)}`);
  });
  afterAll(async () => {
    await opened?.close();
  });

  for (const name of Object.keys(allCases)) {
    it(name, async () => {
      const result = await opened.page.evaluate((caseName) => window.kernelTests.run(caseName), name);
      expect(result.ok, result.detail).toBe(true);
    });
  }
});
