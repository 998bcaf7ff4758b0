// @file The browser bench's plumbing in Node: bundles page.ts with esbuild, serves it on 127.0.0.1 (with
// cross-origin isolation, as the playground), and runs it in Debian's chromium through playwright-core (WebGPU
// enabled; never a downloaded browser), returning the page's report. Shared by index.ts and the e2e test.
import { build } from 'esbuild';
import { copyFileSync, createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { BenchReport } from './page.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Debian's chromium; CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Bundles the page into a new temporary folder and returns it (the caller removes it). */
export async function buildBenchPage(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'neurite-bench-web-'));
  await build({
    entryPoints: [join(HERE, 'page.ts')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: dir,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  copyFileSync(join(HERE, 'page.html'), join(dir, 'index.html'));
  return dir;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Serves `dir` on 127.0.0.1 (a free port) with cross-origin isolation; resolves with its URL and server. */
export function serveDirectory(dir: string): Promise<{ url: string; server: Server }> {
  const root = resolve(dir);
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    let file = resolve(root, `.${normalize(decodeURIComponent(path))}`);
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(403).end('forbidden');
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolvePromise) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolvePromise({ url: `http://127.0.0.1:${port}/`, server });
    });
  });
}

export interface BrowserRun {
  /** The page's URL, with its query (workloads, contenders, budget). */
  url: string;
  headed?: boolean;
  /** Longest wait for the report, in ms. */
  timeoutMs: number;
  /** Each line the page logs, as it comes. */
  onLog?: (line: string) => void;
}

/** Extra chromium flags from BENCH_CHROMIUM_ARGS (space-separated), e.g. `--enable-features=Vulkan` on a GPU box. */
function extraArgs(): string[] {
  return (process.env['BENCH_CHROMIUM_ARGS'] ?? '').split(' ').filter(Boolean);
}

/** Opens the bench page in chromium with WebGPU enabled and waits for `window.benchReport`. */
export async function runInChromium(run: BrowserRun): Promise<BenchReport> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `bench:web needs Debian's chromium at ${CHROMIUM} (apt-get install chromium) or CHROMIUM_PATH; it never downloads a browser`,
    );
  }
  const headless = !run.headed;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless,
    args: [...(headless ? ['--headless=new'] : []), '--no-sandbox', '--enable-unsafe-webgpu', ...extraArgs()],
  });
  try {
    const page = await browser.newPage();
    page.on('console', (message) => run.onLog?.(`console: ${message.text()}`));
    page.on('pageerror', (error) => run.onLog?.(`page error: ${error.message}`));
    await page.exposeFunction('benchLog', (line: string) => run.onLog?.(line));
    await page.goto(run.url);
    await page.waitForFunction(() => window.benchReport !== undefined, undefined, {
      timeout: run.timeoutMs,
      polling: 250,
    });
    return (await page.evaluate(() => window.benchReport))!;
  } finally {
    await browser.close();
  }
}

/** Removes a folder made by buildBenchPage. */
export function removeBuild(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
