// @file Bundles the kernel test page with esbuild, serves it on 127.0.0.1 (WebGPU needs a secure origin) and
// opens it in Debian's chromium with WebGPU on (SwiftShader where there is no GPU).
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
const HERE = dirname(fileURLToPath(import.meta.url));

/** A page whose entry is ready (it has set `window[ready]`), and how to close everything. */
export interface KernelPage {
  page: Page;
  close(): Promise<void>;
}

/**
 * Builds `entry` (a page script under this folder) and opens it; resolves once the page has set
 * `window[ready]` (or failed, saying so in its title).
 */
export async function openKernelPage(entry = 'page/main.ts', ready = 'kernelTests'): Promise<KernelPage> {
  const dir = mkdtempSync(join(tmpdir(), 'neurite-webgpu-kernels-'));
  await build({
    entryPoints: [join(HERE, entry)],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    outfile: join(dir, 'page.js'),
    logLevel: 'error',
  });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><script type="module" src="page.js"></script>',
  );
  const server = await listen(dir);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan'],
    });
    const page = await browser.newPage();
    const logs: string[] = [];
    page.on('console', (message) => logs.push(message.text()));
    page.on('pageerror', (error) => logs.push(String(error)));
    await page.goto(`http://127.0.0.1:${port}/index.html`);
    await page.waitForFunction((name) => name in window || document.title.startsWith('failed'), ready, {
      timeout: 60_000,
    });
    const title = await page.title();
    if (title.startsWith('failed')) throw new Error(`${title}\n${logs.join('\n')}`);
    const opened = browser;
    return {
      page,
      async close() {
        await opened.close();
        server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function listen(dir: string): Promise<Server> {
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
