// @file Links, imports and the network view's interactions in chromium: broken links of issue 15 load with a
// toast instead of a blank page, long state travels in the #hash, bad model files change nothing, hovering or
// arrowing to a neuron shows it in the plot, and a link's weight can be edited with the mouse or the keyboard.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor, io } from '../../src/index.js';
import { artifactsDir, hasChromium, startPlayground, type Playground } from './e2e-harness.js';

/** The network view's geometry (web/src/views/network.ts): node side, gap, top margin, label column. */
const NODE = 40;
const GAP = 12;
const TOP = 8;
const LABEL_WIDTH = 54;

let playground: Playground;
let artifacts = '';

async function open(page: Page, link: string): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${playground.baseUrl}${link}`);
  await page.waitForFunction(() => document.querySelector('#status')?.textContent !== '', null, {
    timeout: 60_000,
  });
  return errors;
}

function toastText(page: Page): Promise<string> {
  return page.evaluate(() => document.getElementById('toast')?.textContent ?? '');
}

function heatmapPixels(page: Page): Promise<string> {
  return page.evaluate(() => (document.getElementById('heatmap') as HTMLCanvasElement).toDataURL());
}

/** Centre of neuron `unit` of column `column`, in page coordinates, for columns of `sizes` neurons. */
async function neuronCenter(
  page: Page,
  sizes: number[],
  column: number,
  unit: number,
): Promise<[number, number]> {
  const box = (await page.locator('#network').boundingBox())!;
  const height = TOP * 2 + Math.max(...sizes, 4) * NODE + (Math.max(...sizes, 4) - 1) * GAP + 16;
  const x = LABEL_WIDTH + ((box.width - LABEL_WIDTH) / sizes.length) * (column + 0.5);
  const total = sizes[column]! * NODE + (sizes[column]! - 1) * GAP;
  const top = TOP + (height - 16 - 2 * TOP - total) / 2;
  return [box.x + x, box.y + top + unit * (NODE + GAP) + NODE / 2];
}

describe.skipIf(!hasChromium)('playground links, imports and network interactions', () => {
  beforeAll(async () => {
    artifacts = artifactsDir('playground-links');
    playground = await startPlayground({ width: 1440, height: 900 });
  });

  afterAll(async () => {
    await playground?.close();
  });

  it.each(['csv=garbage', 'csv=', 'csv=1_2', 'csv=0_0_0~1_1_500'])(
    '?data=csv&%s shows the default data set and a toast, never a blank page',
    async (csv) => {
      const page = await playground.context.newPage();
      const started = Date.now();
      const errors = await open(page, `?data=csv&${csv}`);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(errors).toEqual([]);
      expect(await page.getAttribute('.dataset.active', 'data-dataset')).toBe('circle');
      expect(await toastText(page)).toContain('csv=');
      expect(await page.evaluate(() => location.search)).not.toContain('csv');
      await page.close();
    },
  );

  it('reports hidden=999, an empty features= and lr=-1 in one toast and uses the defaults', async () => {
    const page = await playground.context.newPage();
    const errors = await open(page, '?data=xor&hidden=999&features=&lr=-1');
    expect(errors).toEqual([]);
    const toast = await toastText(page);
    for (const part of ['hidden=999', 'features=(empty)', 'lr=-1']) expect(toast).toContain(part);
    const query = await page.evaluate(() => location.search);
    expect(query).toContain('data=xor');
    expect(query).not.toContain('hidden=999');
    expect(await page.locator('#features input:checked').count()).toBeGreaterThan(0);
    await page.close();
  });

  it('loads an old link with 1000 CSV points in the query (no HTTP 431) and moves them to the #hash', async () => {
    const points = Array.from({ length: 1000 }, (_, i) => {
      const angle = (i / 1000) * 2 * Math.PI;
      const r = i % 2 ? 4 : 1.5;
      return `${(r * Math.cos(angle)).toFixed(4)}_${(r * Math.sin(angle)).toFixed(4)}_${i % 2}`;
    }).join('~');
    const link = `?data=csv&csv=${points}&names=inner~outer`;
    expect(link.length).toBeGreaterThan(16_000);
    const page = await playground.context.newPage();
    const response = await page.goto(`${playground.baseUrl}${link}`);
    expect(response?.status()).toBe(200);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent !== '');
    expect(await page.textContent('#status')).toMatch(/^\d+ training and \d+ validation points/);
    const counts = (await page.textContent('#status'))!.match(/\d+/g)!.map(Number);
    expect(counts[0]! + counts[1]!).toBe(1000);
    const { search, hash } = await page.evaluate(() => ({ search: location.search, hash: location.hash }));
    expect(search.length).toBeLessThan(600);
    expect(search).toContain('data=csv');
    expect(hash).toContain('csv=');
    // The rewritten link reproduces the data set.
    const again = await playground.context.newPage();
    await open(again, `${search}${hash}`);
    expect(await again.textContent('#status')).toBe(await page.textContent('#status'));
    await page.close();
    await again.close();
  });

  it('refuses model files with wrong shapes or NaN weights without touching the run', async () => {
    const page = await playground.context.newPage();
    const errors = await open(page, '?data=circle&features=x1.x2&hidden=4t&seed=3');
    await page.click('#step');
    await page.waitForFunction(() => document.getElementById('epoch')?.dataset['value'] === '1');
    const before = { url: page.url(), heatmap: await heatmapPixels(page) };
    const query = new URL(before.url).search.slice(1);
    const make = (fill: (i: number) => number, firstIn = 2): Buffer =>
      Buffer.from(
        io.serialize(
          {
            '0.weight': new Tensor(
              Float32Array.from({ length: 4 * firstIn }, (_, i) => fill(i)),
              [4, firstIn],
            ),
            '0.bias': new Tensor(new Float32Array(4), [4]),
            '2.weight': new Tensor(
              Float32Array.from({ length: 4 }, (_, i) => fill(i)),
              [1, 4],
            ),
            '2.bias': new Tensor(new Float32Array(1), [1]),
          },
          { 'playground.query': query },
        ),
      );
    const cases = [
      { name: 'shapes.safetensors', bytes: make(() => 0.5, 3), expected: '0.weight has shape [4, 3]' },
      { name: 'nan.safetensors', bytes: make((i) => (i === 2 ? NaN : 0.5)), expected: 'NaN' },
    ];
    for (const c of cases) {
      await page.setInputFiles('#import-model', {
        name: c.name,
        mimeType: 'application/octet-stream',
        buffer: c.bytes,
      });
      await page.waitForFunction(() => document.getElementById('toast')?.classList.contains('error'));
      const toast = await toastText(page);
      expect(toast).toContain('nothing changed');
      expect(toast).toContain(c.expected);
      expect(toast).not.toMatch(/Sequential|[A-Z][a-z]?:/);
      expect(page.url()).toBe(before.url);
      expect(await page.getAttribute('#epoch', 'data-value')).toBe('1');
      expect(await heatmapPixels(page)).toBe(before.heatmap);
      await page.evaluate(() => (document.getElementById('toast')!.className = 'toast'));
    }
    // A good file still imports.
    await page.setInputFiles('#import-model', {
      name: 'good.safetensors',
      mimeType: 'application/octet-stream',
      buffer: make(() => 0.25),
    });
    await page.waitForFunction(() =>
      document.getElementById('toast')?.textContent?.startsWith('Model imported'),
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a hovered or arrowed-to neuron in the plot and edits weights by click and keyboard', async () => {
    const page = await playground.context.newPage();
    const errors = await open(page, '?data=circle&features=x1.x2&hidden=3t.2t&seed=5');
    const sizes = [2, 3, 2, 1];
    await page.waitForTimeout(300);
    const prediction = await heatmapPixels(page);

    // Hover: neuron 2 of layer 1 fills the plot, leaving restores the prediction.
    const [hx, hy] = await neuronCenter(page, sizes, 1, 1);
    await page.mouse.move(hx, hy);
    await page.waitForFunction(
      (p) => (document.getElementById('heatmap') as HTMLCanvasElement).toDataURL() !== p,
      prediction,
    );
    await page.screenshot({ path: join(artifacts, 'hover-neuron.png') });
    const hovered = await heatmapPixels(page);
    await page.mouse.move(5, 5);
    await page.waitForFunction(
      (p) => (document.getElementById('heatmap') as HTMLCanvasElement).toDataURL() === p,
      prediction,
    );

    // A click pins the neuron (touch screens have no hover); a second click unpins it.
    await page.mouse.click(hx, hy);
    await page.mouse.move(5, 5);
    await page.waitForTimeout(200);
    expect(await heatmapPixels(page)).toBe(hovered);
    await page.mouse.click(hx, hy);
    await page.mouse.move(5, 5);
    await page.waitForFunction(
      (p) => (document.getElementById('heatmap') as HTMLCanvasElement).toDataURL() === p,
      prediction,
    );

    // Keyboard: the same neuron, reached with the arrow keys, shows the same picture.
    await page.focus('#network');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(
      (p) => (document.getElementById('heatmap') as HTMLCanvasElement).toDataURL() === p,
      hovered,
    );

    // Enter edits the neuron's incoming weights and bias; the worker applies them and the views update.
    await page.keyboard.press('Enter');
    const fields = page.locator('.weight-editor input');
    await expect.poll(() => fields.count()).toBe(3);
    await fields.nth(0).fill('3.5');
    await fields.nth(2).fill('-1.25');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (p) => (document.getElementById('heatmap') as HTMLCanvasElement).toDataURL() !== p,
      hovered,
    );
    await page.focus('#network');
    await page.keyboard.press('Enter');
    await expect.poll(() => fields.nth(0).inputValue()).toBe('3.5');
    expect(await fields.nth(2).inputValue()).toBe('-1.25');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');

    // Clicking a link (from input x₂ to neuron 1 of layer 1) opens the editor for that weight.
    const [ax, ay] = await neuronCenter(page, sizes, 0, 1);
    const [bx, by] = await neuronCenter(page, sizes, 1, 0);
    // A quarter of the way along the curve (at its middle, other links cross it).
    const [x0, x1] = [ax + NODE / 2, bx - NODE / 2];
    const mid = (x0 + x1) / 2;
    const t = 0.25;
    const u = 1 - t;
    const cx = u * u * u * x0 + 3 * u * u * t * mid + 3 * u * t * t * mid + t * t * t * x1;
    const cy = (u * u * u + 3 * u * u * t) * ay + (3 * u * t * t + t * t * t) * by;
    await page.mouse.click(cx, cy);
    await expect
      .poll(() => page.textContent('.weight-editor-title'))
      .toContain('from input x₂ to layer 1 neuron 1');
    await fields.nth(0).fill('5000');
    await page.click('.weight-editor button[type="submit"]');
    expect(await page.textContent('.weight-editor-error')).toContain('enter a number');
    await fields.nth(0).fill('-2');
    const beforeEdit = await heatmapPixels(page);
    await page.click('.weight-editor button[type="submit"]');
    await page.waitForFunction(
      (p) => (document.getElementById('heatmap') as HTMLCanvasElement).toDataURL() !== p,
      beforeEdit,
    );
    await page.screenshot({ path: join(artifacts, 'edited-weight.png') });
    expect(await page.isHidden('.weight-editor')).toBe(true);
    expect(errors).toEqual([]);
    writeFileSync(join(artifacts, 'done.txt'), 'links e2e finished\n');
    await page.close();
  });
});
