// @file Vite build of the playground: web/ is the root, the bundle goes to web/dist (ignored by git); `neurite` is the
// package's public entry, src/index.ts, so the playground uses only what users can import (no build needed).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [{ find: /^neurite$/, replacement: fileURLToPath(new URL('../src/index.ts', import.meta.url)) }],
  },
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        diagnostics: fileURLToPath(new URL('diagnostics.html', import.meta.url)),
        sequence: fileURLToPath(new URL('sequence.html', import.meta.url)),
      },
    },
  },
  worker: { format: 'es' },
  // Cross-origin isolation (as scripts/playground.mjs serves it): SharedArrayBuffer, so worker threads.
  server: { host: '127.0.0.1', headers: CROSS_ORIGIN_ISOLATION },
  preview: { headers: CROSS_ORIGIN_ISOLATION },
});
