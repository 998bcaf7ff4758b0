// @file Vitest configuration: tests live in test/ and mirror src/; in CI a JSON report feeds .ci/run's summary line.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // `neurite` (as the playground and the examples import it) is the public entry in src/, as in tsconfig.json's paths.
  resolve: {
    alias: [
      { find: /^neurite$/, replacement: fileURLToPath(new URL('src/index.ts', import.meta.url)) },
      { find: /^neurite\/node$/, replacement: fileURLToPath(new URL('src/node/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: 'test-artifacts/vitest.json' } : {},
  },
});
