// @file Vitest configuration of the playground's browser tests (`npm run test:e2e`), kept apart from the
// fast unit suite: they build the app, serve it on 127.0.0.1 and drive Debian's chromium.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    // test/webgpu/: the webgpu backend's suites in the same chromium, with WebGPU on (SwiftShader without a GPU).
    include: ['test/web/**/*.e2e.ts', 'test/webgpu/**/*.e2e.ts'],
    // One build of the playground for every file that uses test/web/e2e-harness.ts.
    globalSetup: ['test/web/e2e-global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: 'test-artifacts/vitest-e2e.json' } : {},
  },
});
