// @file The Fashion-MNIST page in chromium: it loads the IDX files from the server's /datasets/fashion-mnist/
// route, trains the CLI's CNN in its worker on a 6000-image subset, batches of 64, and scores well above chance (10%)
// on held-out test images: 300+ steps on wasm, 200+ on webgpu where neurite's backend starts (SwiftShader here, ~1
// step a second); the route refuses other names; picked files load too. Needs Debian's dataset-fashion-mnist.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, startPlayground, type Playground } from './e2e-harness.js';

const DATA_DIR = '/usr/share/datasets/fashion-mnist';
const hasData = existsSync(join(DATA_DIR, 't10k-images-idx3-ubyte.gz'));
if (hasChromium && !hasData) {
  console.warn(
    `fashion-mnist e2e: skipped because ${DATA_DIR} is missing (apt-get install dataset-fashion-mnist)`,
  );
}

/** A quick run: 6000 training images (94 steps an epoch), all scores on the first 1000 test images. */
const QUERY = 'train=6000&test=1000&live=1000';
const STEPS = 300;
/**
 * On SwiftShader (WebGPU emulated on the CPU) a step of this CNN takes ~0.4 s on the idle machine (~1 s loaded):
 * 200 steps, scored on the first 200 test images.
 */
const GPU_STEPS = 200;
const GPU_QUERY = 'train=6000&test=200&live=200';

let playground: Playground | null = null;
/** A second chromium with WebGPU enabled (the harness's has no GPU). */
let browser: Browser | null = null;

async function open(page: Page, query: string): Promise<void> {
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(`${playground!.baseUrl}fashion-mnist.html?${query}`);
  await page.waitForFunction(
    () => /^(Ready|Stopped)/.test(document.getElementById('status')?.textContent ?? ''),
    undefined,
    { timeout: 60_000 },
  );
  const status = (await page.textContent('#status'))!;
  expect(status, status).toMatch(/^Ready/);
}

/** Trains until a score at step ≥ `steps` arrives; returns that accuracy and the backend it ran on. */
async function trainAndScore(page: Page, steps: number, timeout: number, scored = 1000): Promise<number> {
  await page.click('#play');
  await page.waitForFunction(
    (least) => {
      const status = document.getElementById('status')?.textContent ?? '';
      if (status.startsWith('Stopped')) return true;
      return Number(document.getElementById('test-accuracy')?.dataset['step']) >= least;
    },
    steps,
    { timeout, polling: 500 },
  );
  await page.click('#play');
  const status = (await page.textContent('#status'))!;
  expect(status, status).not.toMatch(/^Stopped/);
  expect(Number(await page.getAttribute('#test-accuracy', 'data-count'))).toBe(scored);
  return Number(await page.getAttribute('#test-accuracy', 'data-value'));
}

describe.skipIf(!hasChromium || !hasData)('Fashion-MNIST page', () => {
  beforeAll(async () => {
    playground = await startPlayground();
  });

  afterAll(async () => {
    await browser?.close();
    await playground?.close();
  });

  it('trains the CNN on wasm to well above chance in 300 steps', async () => {
    const page = await playground!.context.newPage();
    await open(page, `backend=wasm&${QUERY}`);
    expect(await page.getAttribute('#backend-status', 'data-backend')).toBe('wasm');
    expect(await page.locator('#images li').count()).toBe(24);
    const started = Date.now();
    const accuracy = await trainAndScore(page, STEPS, 100_000);
    console.log(
      `fashion-mnist e2e: wasm, ${STEPS}+ steps: ${(accuracy * 100).toFixed(1)}% test accuracy in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.5);
    // The grid marks each shown image right or wrong, agreeing with its predicted and true labels.
    const cells = await page.$$eval('#images li', (items) =>
      items.map((item) => ({
        cls: item.className,
        label: item.dataset['label'],
        predicted: item.dataset['predicted'],
      })),
    );
    for (const cell of cells) expect(cell.cls).toBe(cell.label === cell.predicted ? 'right' : 'wrong');
    expect(cells.filter((cell) => cell.cls === 'right').length).toBeGreaterThanOrEqual(10);
    await page.close();
  });

  it('serves only the four IDX files, read-only, and loads picked files', async () => {
    const page = await playground!.context.newPage();
    const base = `${playground!.baseUrl}datasets/fashion-mnist/`;
    const ok = await page.request.get(`${base}t10k-labels-idx1-ubyte.gz`);
    expect(ok.status()).toBe(200);
    expect((await ok.body()).length).toBeGreaterThan(1000);
    const other = await page.request.get(`${base}passwd`);
    expect(other.status()).toBe(404);
    expect(await other.text()).toMatch(/not a Fashion-MNIST file/);
    const post = await page.request.post(`${base}t10k-labels-idx1-ubyte.gz`, { data: 'x' });
    expect(post.status()).toBe(405);

    await open(page, `backend=wasm&${QUERY}`);
    await page.evaluate(() => (document.getElementById('data-status')!.textContent = ''));
    await page.setInputFiles(
      '#files',
      [
        'train-images-idx3-ubyte',
        'train-labels-idx1-ubyte',
        't10k-images-idx3-ubyte',
        't10k-labels-idx1-ubyte',
      ].map((stem) => join(DATA_DIR, `${stem}.gz`)),
    );
    await page.waitForFunction(() =>
      /^Data: 6,000 training/.test(document.getElementById('data-status')?.textContent ?? ''),
    );
    // Three files only: the page names the missing one.
    await page.setInputFiles('#files', [join(DATA_DIR, 't10k-labels-idx1-ubyte.gz')]);
    await page.waitForFunction(() => /missing/.test(document.getElementById('status')?.textContent ?? ''));
    expect(await page.textContent('#status')).toMatch(/missing train-images-idx3-ubyte/);
    await page.close();
  });

  it('trains on neurite’s webgpu backend where it starts (SwiftShader here), else says why not', async (context) => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu'],
    });
    const page = await browser.newPage();
    await open(page, `backend=webgpu&${GPU_QUERY}`);
    const backend = await page.getAttribute('#backend-status', 'data-backend');
    const note = (await page.textContent('#backend-status'))!;
    if (backend !== 'webgpu') {
      // The fallback is visible and names the reason; a run that started on webgpu and failed is no skip.
      expect(note).toMatch(/training on wasm/);
      expect(note).not.toMatch(/webgpu stopped/);
      context.skip(`neurite's webgpu backend is not available: ${note}`);
    }
    expect(note).toMatch(/^Backend: webgpu on /);
    const accuracy = await trainAndScore(page, GPU_STEPS, 330_000, 200);
    // A failure on webgpu would have moved the run to wasm (the page's fallback): it must still be on webgpu.
    const after = (await page.textContent('#backend-status'))!;
    expect(await page.getAttribute('#backend-status', 'data-backend'), after).toBe('webgpu');
    console.log(
      `fashion-mnist e2e: webgpu, ${GPU_STEPS}+ steps: ${(accuracy * 100).toFixed(1)}% test accuracy`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.5);
  }, 360_000);
});
