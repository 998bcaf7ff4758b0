// @file The playground's layout at a phone, a tablet, a projector and a desktop size: no sideways scrolling,
// the plot and its axes on screen, and on the phone Play and the plot visible together. Screenshots of each
// size go to test-artifacts/layout/ (git-ignored).
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsDir, hasChromium, startPlayground, type Playground } from './e2e-harness.js';

const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'tablet', width: 768, height: 1024 },
  { name: 'projector', width: 1280, height: 720 },
  { name: 'desktop', width: 1440, height: 900 },
] as const;

let playground: Playground | null = null;
let artifacts = '';

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The element's box in viewport coordinates (after the page scrolled to the top). */
function box(page: Page, selector: string): Promise<Box> {
  return page.evaluate((s) => {
    const r = document.querySelector(s)!.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  }, selector);
}

async function open(size: { width: number; height: number }, query = ''): Promise<Page> {
  const page = await playground!.context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.setViewportSize({ width: size.width, height: size.height });
  await page.goto(`${playground!.baseUrl}${query}`);
  await page.waitForFunction(() => document.querySelector('#status')?.textContent !== '');
  await page.waitForFunction(() => (document.getElementById('heatmap') as HTMLCanvasElement).width > 0);
  return page;
}

describe.skipIf(!hasChromium)('playground layout', () => {
  beforeAll(async () => {
    artifacts = artifactsDir('layout');
    playground = await startPlayground();
  });

  afterAll(async () => {
    await playground?.close();
  });

  it.each(SIZES)('fits $name ($width×$height) without sideways scrolling', async (size) => {
    const page = await open(size);
    await page.screenshot({ path: join(artifacts, `${size.name}-${size.width}x${size.height}.png`) });
    await page.screenshot({
      path: join(artifacts, `${size.name}-${size.width}x${size.height}-full.png`),
      fullPage: true,
    });
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
    }));
    expect(widths.scroll, 'page width').toBeLessThanOrEqual(widths.inner);
    // The plot, its axes and the network drawing lie inside the page's width.
    for (const selector of ['#heatmap', '#network', '#loss-chart']) {
      const b = await box(page, selector);
      expect(b.left, selector).toBeGreaterThanOrEqual(0);
      expect(b.right, selector).toBeLessThanOrEqual(size.width);
    }
    const header = await box(page, '.topbar');
    expect(header.bottom - header.top, 'top bar height').toBeLessThan(0.25 * size.height);
    await page.close();
  });

  it('shows Play and the whole plot together on a phone, and opens the optimizer settings', async () => {
    const page = await open(SIZES[0]);
    const play = await box(page, '#play');
    const plot = await box(page, '#heatmap');
    for (const b of [play, plot]) {
      expect(b.top).toBeGreaterThanOrEqual(0);
      expect(b.bottom).toBeLessThanOrEqual(844);
    }
    expect(await page.isVisible('#lr')).toBe(false);
    await page.click('#hyper-toggle');
    expect(await page.getAttribute('#hyper-toggle', 'aria-expanded')).toBe('true');
    expect(await page.isVisible('#lr')).toBe(true);
    await page.screenshot({ path: join(artifacts, 'phone-settings-open.png') });
    await page.close();
  });

  it('keeps the plot with its axis on screen at 1280×720 (a projector)', async () => {
    const page = await open(SIZES[2]);
    const plot = await box(page, '#heatmap');
    expect(plot.bottom).toBeLessThanOrEqual(720);
    await page.close();
  });
});
