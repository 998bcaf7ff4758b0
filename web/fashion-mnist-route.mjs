// @file The Fashion-MNIST route of the playground's servers (scripts/playground.mjs, Vite's dev and preview
// servers): GET /datasets/fashion-mnist/<name> sends one of the four IDX files of Debian's dataset-fashion-mnist
// package as they are on disk (gzipped or not), read-only; any other name is a 404, and so is a missing package,
// with a message that says how to install it.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The URL folder the page fetches the files from. */
export const FASHION_MNIST_ROUTE = '/datasets/fashion-mnist/';

/** Where Debian's dataset-fashion-mnist package installs the files (as in src/data/datasets/fashion-mnist.ts). */
export const DEFAULT_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The only names the route serves: the four IDX files, gzipped (as Debian ships them) or not. */
const STEMS = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
];
const NAMES = new Set(STEMS.flatMap((stem) => [stem, `${stem}.gz`]));

/**
 * Answers `request` if its path is under FASHION_MNIST_ROUTE and returns true; returns false for any other
 * path, which the caller serves as before. Only GET and HEAD are answered; `dir` is where the files are.
 */
export function serveFashionMnist(request, response, dir = DEFAULT_FASHION_MNIST_DIR, extraHeaders = {}) {
  let path;
  try {
    path = decodeURIComponent(new globalThis.URL(request.url ?? '/', 'http://localhost').pathname);
  } catch {
    return false;
  }
  if (!path.startsWith(FASHION_MNIST_ROUTE)) return false;
  const name = path.slice(FASHION_MNIST_ROUTE.length);
  const text = (status, message) =>
    response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...extraHeaders }).end(message);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    text(405, 'the Fashion-MNIST files are read-only: only GET and HEAD are allowed');
    return true;
  }
  if (!NAMES.has(name)) {
    text(
      404,
      `not found: ${name} is not a Fashion-MNIST file (served: ${STEMS.join(', ')}, with or without .gz)`,
    );
    return true;
  }
  const file = join(dir, name);
  if (!existsSync(file) || !statSync(file).isFile()) {
    text(
      404,
      `not found: ${file} is missing. Install the data set with 'apt-get install dataset-fashion-mnist' ` +
        '(Debian), or pick the four IDX files from disk on the page',
    );
    return true;
  }
  response.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(statSync(file).size),
    'cache-control': 'no-cache',
    ...extraHeaders,
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
  return true;
}
