#!/usr/bin/env node
// @file A full "Fashion-MNIST in your browser" run, headless: builds and serves the playground, opens
// fashion-mnist.html in Debian's chromium (WebGPU on, so SwiftShader where there is no GPU) and prints each epoch's
// test accuracy on all 10,000 test images. Options: --backend webgpu|wasm (default webgpu), --epochs N (default 5),
// --headed (a real GPU needs a window), --query 'train=6000&test=1000' (extra page options).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && index + 1 < process.argv.length ? process.argv[index + 1] : fallback;
}

const backend = option('backend', 'webgpu');
const epochs = Number(option('epochs', '5'));
const extra = option('query', '');
const headed = process.argv.includes('--headed');
if (!['webgpu', 'wasm'].includes(backend))
  throw new Error(`--backend must be webgpu or wasm, got ${backend}`);
if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`--epochs must be a positive integer`);

/** Starts scripts/playground.mjs on a free port, building into `out`; resolves with its URL. */
function serve(out) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(root, 'scripts', 'playground.mjs'), '--port', '0', '--out', out],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const onData = (chunk) => {
      output += chunk.toString();
      const match = /neurite playground: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) resolve({ url: match[1], child });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`playground server exited (${code}):\n${output}`)));
  });
}

const work = mkdtempSync(join(tmpdir(), 'neurite-fashion-run-'));
const { url, child } = await serve(join(work, 'dist'));
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: !headed,
  args: ['--no-sandbox', '--enable-unsafe-webgpu', ...(headed ? [] : ['--headless=new'])],
});
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(0);
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(`${url}fashion-mnist.html?backend=${backend}${extra ? `&${extra}` : ''}`);
  await page.waitForFunction(
    () => /^(Ready|Stopped)/.test(globalThis.document.getElementById('status')?.textContent ?? ''),
    undefined,
    {
      timeout: 120_000,
    },
  );
  console.log(`${await page.textContent('#backend-status')}`);
  await page.click('#play');
  let reported = '';
  for (;;) {
    await page.waitForTimeout(10_000);
    const status = (await page.textContent('#status')) ?? '';
    if (status.startsWith('Stopped')) throw new Error(status);
    const text = (await page.textContent('#epoch-accuracy')) ?? '';
    if (text !== reported && /epoch (\d+)/.test(text)) {
      reported = text;
      const step = await page.getAttribute('#step-count', 'data-value');
      console.log(`${seconds()} s, step ${step}: test accuracy ${text}`);
      if (Number(/epoch (\d+)/.exec(text)[1]) >= epochs) break;
    }
  }
} finally {
  await browser.close();
  child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
