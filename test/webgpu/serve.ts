// @file Opens the WebGPU test page: esbuild bundles page/main.ts (src/ and the golden fixtures), a server on
// 127.0.0.1 (WebGPU needs a secure origin) serves it, and Debian's chromium runs it with WebGPU on.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium; CHROMIUM_PATH points elsewhere (never a browser downloaded by playwright). */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
const HERE = dirname(fileURLToPath(import.meta.url));

export interface SuitePage {
  readonly page: Page;
  /** The adapter the page got (`Google / swiftshader` on machines without a GPU). */
  readonly adapter: string;
  /** Console lines and page errors so far, for failure messages. */
  readonly logs: string[];
  close(): Promise<void>;
}

/** Bundles and opens the page; resolves once `window.webgpuSuite` is ready (it has awaited setBackend('webgpu')). */
export async function openSuitePage(): Promise<SuitePage> {
  const dir = mkdtempSync(join(tmpdir(), 'neurite-webgpu-'));
  await build({
    entryPoints: [join(HERE, 'page', 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    outfile: join(dir, 'page.js'),
    logLevel: 'error',
  });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>loading</title><script type="module" src="page.js"></script>',
  );
  const server = await serve(dir);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let browser: Browser | null = null;
  const cleanup = async (): Promise<void> => {
    await browser?.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu'],
    });
    const page = await browser.newPage();
    const logs: string[] = [];
    page.on('console', (message) => logs.push(message.text()));
    page.on('pageerror', (error) => logs.push(String(error)));
    await page.goto(`http://127.0.0.1:${port}/index.html`);
    await page.waitForFunction(() => document.title !== 'loading', null, { timeout: 60_000 });
    const title = await page.title();
    if (title !== 'ready') throw new Error(`${title}\n${logs.join('\n')}`);
    const adapter = await page.evaluate(() => window.webgpuSuite.adapter);
    return { page, adapter, logs, close: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function serve(dir: string): Promise<Server> {
  const server = createServer((request, response) => {
    const name = (request.url ?? '/').split('?')[0]!.replace(/^\/+/, '') || 'index.html';
    const path = join(dir, name);
    if (!/^[\w.-]+$/.test(name) || !existsSync(path)) {
      response.writeHead(404).end();
      return;
    }
    const type = name.endsWith('.js') ? 'text/javascript' : 'text/html';
    response.writeHead(200, { 'content-type': type }).end(readFileSync(path));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
