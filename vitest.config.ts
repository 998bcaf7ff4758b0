// @file Vitest configuration: tests live in test/ and mirror src/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
