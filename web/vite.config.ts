// @file Vite build of the playground: web/ is the root, the bundle goes to web/dist (ignored by git); `neurite` is the
// package's public entry, src/index.ts, so the playground uses only what users can import (no build needed).
import { fileURLToPath } from 'node:url';
import { defineConfig, type Connect, type Plugin } from 'vite';
import { serveFashionMnist } from './fashion-mnist-route.mjs';

const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The Fashion-MNIST page's IDX files (web/fashion-mnist-route.mjs) on the dev and preview servers. */
function fashionMnistFiles(): Plugin {
  const middleware: Connect.NextHandleFunction = (request, response, next) => {
    if (!serveFashionMnist(request, response, undefined, CROSS_ORIGIN_ISOLATION)) next();
  };
  return {
    name: 'neurite-fashion-mnist-files',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
  };
}

export default defineConfig({
  plugins: [fashionMnistFiles()],
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
        fashion: fileURLToPath(new URL('fashion-mnist.html', import.meta.url)),
      },
    },
  },
  worker: { format: 'es' },
  // Cross-origin isolation (as scripts/playground.mjs serves it): SharedArrayBuffer, so worker threads.
  server: { host: '127.0.0.1', headers: CROSS_ORIGIN_ISOLATION },
  preview: { headers: CROSS_ORIGIN_ISOLATION },
});
