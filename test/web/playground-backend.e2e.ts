// @file The playground's backend switch in chromium: webgpu by default where the browser has an adapter
// (SwiftShader with --enable-unsafe-webgpu), wasm where it has none; the worker trains on the backend it names (the
// trainer reads with `await`, so webgpu really trains: the loss falls and the heatmap changes), and switching
// starts the run again on the other backend.
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, startPlayground, type Playground } from './e2e-harness.js';

let playground: Playground | null = null;
let browser: Browser | null = null;

async function backendStatus(page: Page): Promise<{ backend: string; text: string }> {
  await page.waitForFunction(
    () => document.getElementById('backend-status')?.dataset['backend'] !== undefined,
  );
  return page.evaluate(() => {
    const status = document.getElementById('backend-status')!;
    return { backend: status.dataset['backend']!, text: status.textContent ?? '' };
  });
}

function epochOf(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.getElementById('epoch')?.dataset['value'] ?? 0));
}

function trainingLoss(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.getElementById('train-loss')?.dataset['value']));
}

function heatmapPixels(page: Page): Promise<string> {
  return page.evaluate(() => (document.getElementById('heatmap') as HTMLCanvasElement).toDataURL());
}

/** Plays until `epochs` more epochs are drawn, then pauses and waits for the paused snapshot. */
async function trains(page: Page, epochs: number, timeout = 60_000): Promise<void> {
  const from = await epochOf(page);
  await page.click('#play');
  await page.waitForFunction(
    (n) => Number(document.getElementById('epoch')?.dataset['value']) >= n,
    from + epochs,
    { timeout },
  );
  await page.click('#play');
  await page.waitForFunction(() => !document.body.classList.contains('running'));
  await page.waitForTimeout(300);
}

/** The first snapshot of the run in progress has been drawn (its training loss is shown). */
async function firstSnapshot(page: Page): Promise<void> {
  await page.waitForFunction(() => (document.getElementById('train-loss')?.dataset['value'] ?? '') !== '');
}

describe.skipIf(!hasChromium)('playground backend switch', () => {
  beforeAll(async () => {
    playground = await startPlayground();
  });

  afterAll(async () => {
    await browser?.close();
    await playground?.close();
  });

  it('uses wasm where the browser has no WebGPU adapter, and says so', async () => {
    const page = await playground!.context.newPage();
    await page.goto(playground!.baseUrl);
    const status = await backendStatus(page);
    expect(await page.inputValue('#backend')).toBe('wasm');
    expect(status.backend).toBe('wasm');
    await trains(page, 3);
    await page.close();
  });

  it('trains on webgpu (?backend=webgpu): the status names it, the loss falls, the heatmap changes; export, import, surface and weight edits work', async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu'],
    });
    // Where an adapter exists, webgpu is the default even without the parameter.
    const plain = await browser.newPage();
    await plain.goto(playground!.baseUrl);
    const byDefault = await backendStatus(plain);
    expect(byDefault.backend).toBe('webgpu');
    await plain.close();

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${playground!.baseUrl}?data=xor&backend=webgpu`);
    const status = await backendStatus(page);
    console.log(`playground on webgpu: ${status.text}`);
    expect(status.backend).toBe('webgpu');
    expect(status.text).toMatch(/^Backend: webgpu on \S/);
    expect(status.text).not.toMatch(/training on wasm/);
    expect(await page.inputValue('#backend')).toBe('webgpu');
    await firstSnapshot(page);
    const initialLoss = await trainingLoss(page);
    const initialHeatmap = await heatmapPixels(page);

    const start = Date.now();
    await trains(page, 10, 90_000);
    const seconds = (Date.now() - start) / 1000;
    const epochs = await epochOf(page);
    const trainedLoss = await trainingLoss(page);
    console.log(
      `webgpu (SwiftShader): ${epochs} epochs of xor in ${seconds.toFixed(1)} s, ` +
        `training loss ${initialLoss.toFixed(3)} → ${trainedLoss.toFixed(3)}`,
    );
    expect(trainedLoss).toBeLessThan(0.8 * initialLoss);
    expect(await heatmapPixels(page)).not.toBe(initialHeatmap);
    expect((await backendStatus(page)).backend).toBe('webgpu');
    expect(await page.locator('#toast.error').count()).toBe(0);
    expect(errors).toEqual([]);

    // Export reads the parameters once (batched), then serializes them.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-model')]);
    const bytes = readFileSync((await download.path())!);
    const header = JSON.parse(
      bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8'),
    ) as Record<string, { shape: number[] }>;
    expect(header['0.weight']!.shape).toEqual([8, 4]);

    // Reset draws new weights; importing the exported file brings the trained ones back (loaded on webgpu).
    await page.click('#reset');
    await page.waitForFunction(
      (loss) => Math.abs(Number(document.getElementById('train-loss')?.dataset['value']) - loss) > 0.01,
      trainedLoss,
    );
    await page.setInputFiles('#import-model', (await download.path())!);
    await page.waitForFunction(() =>
      document.getElementById('toast')?.textContent?.startsWith('Model imported'),
    );
    await page.waitForFunction(
      (loss) => Math.abs(Number(document.getElementById('train-loss')?.dataset['value']) - loss) < 1e-5,
      trainedLoss,
    );

    // The Loss surface view draws the network slice's grid and every optimizer's path on webgpu (each path is
    // recorded on the GPU and read once).
    await page.click('#tab-surface');
    await page.waitForFunction(() =>
      document.getElementById('surface-title')?.textContent?.startsWith('training loss over'),
    );
    await page.waitForFunction(
      () => {
        const cells = Array.from(document.querySelectorAll<HTMLElement>('#surface-legend .descent-loss'));
        return (
          cells.length > 0 && cells.every((cell) => Number.isFinite(Number(cell.dataset['value'] || 'x')))
        );
      },
      undefined,
      { timeout: 60_000 },
    );
    expect(await page.locator('#toast.error').count()).toBe(0);
    await page.click('#tab-boundary');

    // Editing a weight reads the parameters once, writes the value, and the next snapshot shows it.
    await page.focus('#network');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const fields = page.locator('.weight-editor input');
    await expect.poll(() => fields.count()).toBe(5);
    await fields.nth(0).fill('3.5');
    const beforeEdit = await heatmapPixels(page);
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (p) => (document.getElementById('heatmap') as HTMLCanvasElement).toDataURL() !== p,
      beforeEdit,
    );
    await page.focus('#network');
    await page.keyboard.press('Enter');
    await expect.poll(() => fields.nth(0).inputValue()).toBe('3.5');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');

    // Switching starts the run again on wasm (the same settings and seeds), and it trains there.
    await page.selectOption('#backend', 'wasm');
    await page.waitForFunction(() =>
      /^Backend: wasm \(WebGPU adapter/.test(document.getElementById('backend-status')?.textContent ?? ''),
    );
    expect(await page.inputValue('#backend')).toBe('wasm');
    await page.waitForFunction(() => Number(document.getElementById('epoch')?.dataset['value']) === 0);
    await firstSnapshot(page);
    expect(await trainingLoss(page)).toBeCloseTo(initialLoss, 4);
    await trains(page, 3);
    await page.close();
  });
});
