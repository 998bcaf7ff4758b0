// @file The Fashion-MNIST route of the playground's servers (web/fashion-mnist-route.mjs) in Node: it serves the
// four IDX names (gzipped or not) from its folder byte for byte, refuses any other name or method, never leaves the
// folder, says how to install the package when a file is missing, and leaves other paths to the caller.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_ROUTE, serveFashionMnist } from '../../web/fashion-mnist-route.mjs';

let dir = '';
let server: Server;
let base = '';
const LABELS = Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'neurite-fashion-route-'));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), LABELS);
  writeFileSync(join(dir, 'secret.txt'), 'not for the page');
  server = createServer((request, response) => {
    if (!serveFashionMnist(request, response, dir)) response.writeHead(299).end('passed on');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Fashion-MNIST route', () => {
  it('serves an IDX file byte for byte, and HEAD its size', async () => {
    const response = await fetch(`${base}${FASHION_MNIST_ROUTE}t10k-labels-idx1-ubyte.gz`);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(LABELS);
    const head = await fetch(`${base}${FASHION_MNIST_ROUTE}t10k-labels-idx1-ubyte.gz`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(LABELS.length));
  });

  it('says how to install the package when a file is missing', async () => {
    const response = await fetch(`${base}${FASHION_MNIST_ROUTE}train-images-idx3-ubyte.gz`);
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(/apt-get install dataset-fashion-mnist/);
  });

  it('refuses other names, escapes from the folder and writes', async () => {
    for (const name of ['secret.txt', '..%2Fsecret.txt', 'sub/t10k-labels-idx1-ubyte.gz', '']) {
      const response = await fetch(`${base}${FASHION_MNIST_ROUTE}${name}`);
      expect(response.status, name).toBe(404);
      expect(await response.text()).toMatch(/not a Fashion-MNIST file/);
    }
    const put = await fetch(`${base}${FASHION_MNIST_ROUTE}t10k-labels-idx1-ubyte.gz`, {
      method: 'PUT',
      body: 'x',
    });
    expect(put.status).toBe(405);
  });

  it('leaves every other path to the caller', async () => {
    const response = await fetch(`${base}/index.html`);
    expect(response.status).toBe(299);
  });
});
