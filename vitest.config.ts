// @file Vitest configuration: tests live in test/ and mirror src/; in CI a JSON report feeds .ci/run's summary line.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: process.env.CI ? { json: 'test-artifacts/vitest.json' } : {},
  },
});
