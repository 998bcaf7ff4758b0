// @file Vitest configuration: tests live in test/ and mirror src/; in CI a JSON report feeds .ci/run's summary line.
// `vitest run --mode js` runs the same suite (less the package tests) with the js backend as the default one
// (NEURITE_BACKEND=js), as `npm test` does after the default (wasm) run, so that every test passes on both CPU
// backends.
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig(({ mode }) => {
  const jsBackend = mode === 'js';
  const report = jsBackend ? 'test-artifacts/vitest-js.json' : 'test-artifacts/vitest.json';
  const env: Record<string, string> = jsBackend ? { NEURITE_BACKEND: 'js' } : {};
  const outputFile: Record<string, string> = process.env.CI ? { json: report } : {};
  return {
    // `neurite` (as the playground and the examples import it) is the public entry in src/, as in tsconfig.json's paths.
    resolve: {
      alias: [
        { find: /^neurite$/, replacement: fileURLToPath(new URL('src/index.ts', import.meta.url)) },
        {
          find: /^neurite\/node$/,
          replacement: fileURLToPath(new URL('src/node/index.ts', import.meta.url)),
        },
      ],
    },
    test: {
      include: ['test/**/*.test.ts'],
      // The package tests pack and install the library: nothing in them depends on the default backend.
      exclude: jsBackend ? [...configDefaults.exclude, 'test/package/**'] : configDefaults.exclude,
      testTimeout: 120_000,
      env,
      reporters: process.env.CI ? ['default', 'json'] : ['default'],
      outputFile,
    },
  };
});
