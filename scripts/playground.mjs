#!/usr/bin/env node
// @file `npm run playground`: builds the browser playground (web/) with Vite and serves it on localhost.
// Options: --port N (default 5173; 0 picks a free port), --host H (default 127.0.0.1), --no-build,
// --out DIR (build into and serve DIR instead of web/dist, so two test runs do not share a build),
// --data DIR (where the Fashion-MNIST page's IDX files are; default /usr/share/datasets/fashion-mnist).
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FASHION_MNIST_DIR, serveFashionMnist } from '../web/fashion-mnist-route.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const webDir = join(root, 'web');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.safetensors': 'application/octet-stream',
};

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && index + 1 < process.argv.length ? process.argv[index + 1] : fallback;
}

const host = option('host', '127.0.0.1');
const distDir = resolve(root, option('out', join(webDir, 'dist')));
const fashionMnistDir = resolve(option('data', DEFAULT_FASHION_MNIST_DIR));
const requestedPort = Number(option('port', '5173'));
if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
  console.error(`playground: --port must be an integer 0…65535, got ${option('port')}`);
  process.exit(2);
}

if (!process.argv.includes('--no-build') && !existsSync(join(root, 'node_modules', '.bin', 'vite'))) {
  console.log('playground: installing dependencies (npm ci) because vite is missing...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!process.argv.includes('--no-build')) {
  const { build } = await import('vite');
  const started = Date.now();
  await build({
    configFile: join(webDir, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: distDir, emptyOutDir: true },
  });
  console.log(`playground: built ${distDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
if (!existsSync(join(distDir, 'index.html'))) {
  console.error(`playground: ${join(distDir, 'index.html')} is missing; run without --no-build`);
  process.exit(1);
}

/**
 * Cross-origin isolation: pages served with these headers get SharedArrayBuffer, so neurite's training worker
 * can split large kernels across helper workers (see web/diagnostics.html).
 */
const CROSS_ORIGIN_ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/**
 * Request headers up to this size are accepted (Node's default is 16 KiB). The playground keeps long state in
 * the URL's #hash, which browsers never send, but links from older versions carried up to ~40 KB of points in
 * the query; those get the page instead of HTTP 431.
 */
const MAX_HEADER_BYTES = 1024 * 1024;

/** Serves the built app: static files only, no directory listings, nothing outside the folder. */
const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (request, response) => {
  // The Fashion-MNIST page's data: the IDX files, read-only, from outside the build.
  if (serveFashionMnist(request, response, fashionMnistDir, CROSS_ORIGIN_ISOLATION)) return;
  let path;
  try {
    path = decodeURIComponent(new globalThis.URL(request.url ?? '/', 'http://localhost').pathname);
  } catch {
    response.writeHead(400, { 'content-type': 'text/plain' }).end('bad request: malformed path');
    return;
  }
  let file = resolve(distDir, `.${normalize(path)}`);
  if (file !== distDir && !file.startsWith(distDir + sep)) {
    response.writeHead(403).end('forbidden');
    return;
  }
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file)) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  response.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-store',
    ...CROSS_ORIGIN_ISOLATION,
  });
  createReadStream(file).pipe(response);
});

function listen(port) {
  server.once('error', (error) => {
    if (error.code === 'EADDRINUSE' && port !== 0) {
      console.log(`playground: port ${port} is busy, picking a free one`);
      listen(0);
    } else {
      console.error(`playground: ${error.message}`);
      process.exit(1);
    }
  });
  server.listen(port, host, () => {
    const address = server.address();
    const shownHost = host.includes(':') ? `[${host}]` : host;
    console.log(`neurite playground: http://${shownHost}:${address.port}/`);
    console.log('playground: press Ctrl+C to stop');
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
listen(requestedPort);
