// @file The playground's backend switch in chromium: webgpu by default where the browser has an adapter
// (SwiftShader with --enable-unsafe-webgpu), wasm where it has none; the worker honours the choice and the status
// line names the backend and the adapter (or why webgpu is not used); training runs either way.
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

async function trains(page: Page): Promise<void> {
  await page.click('#play');
  await page.waitForFunction(() => Number(document.getElementById('epoch')?.dataset['value']) >= 3);
  await page.click('#play');
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
    await trains(page);
    await page.close();
  });

  it('picks webgpu by default where an adapter exists, names the adapter, and switches to wasm', async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu'],
    });
    const page = await browser.newPage();
    await page.goto(playground!.baseUrl);
    const first = await backendStatus(page);
    console.log(`playground with an adapter: ${first.text}`);
    // webgpu where neurite's backend can run the playground; else wasm with the reason and the adapter.
    if (first.backend === 'webgpu') expect(first.text).toMatch(/^Backend: webgpu on \S/);
    else expect(first.text).toMatch(/^Backend: wasm \(.*training on wasm; WebGPU adapter: \S/);
    await trains(page);

    await page.selectOption('#backend', 'wasm');
    await page.waitForFunction(() =>
      /^Backend: wasm \(WebGPU adapter/.test(document.getElementById('backend-status')?.textContent ?? ''),
    );
    expect(await page.inputValue('#backend')).toBe('wasm');
    await trains(page);
    await page.close();
  });
});
