// @file End-to-end tests of the playground in a real browser: Debian's chromium driven by playwright-core.
// Builds and serves the app with scripts/playground.mjs on a free port of 127.0.0.1. Screenshots, the
// exported model and timings are kept in test-artifacts/playground/ (a folder that ignores itself in git).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Debian's chromium; CHROMIUM_PATH points elsewhere (never a browser downloaded by playwright). */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'playground');
const hasChromium = existsSync(CHROMIUM);

if (!hasChromium) {
  console.warn(
    `playground e2e: skipped because ${CHROMIUM} is missing. Install Debian's browser with ` +
      '`apt-get update && apt-get install -y chromium` to run these tests.',
  );
}

let server: ChildProcess | null = null;
let baseUrl = '';
let context: BrowserContext | null = null;
let userDataDir = '';

/** Starts `node scripts/playground.mjs --port 0` and resolves with the URL it prints. */
function startServer(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'playground.mjs'), '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /neurite playground: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`playground server exited (${code}):\n${output}`)));
  });
}

async function newPage(query = ''): Promise<Page> {
  const page = await context!.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(`${baseUrl}${query}`);
  await page.waitForFunction(() => document.querySelector('#status')?.textContent !== '');
  return page;
}

async function numberOf(page: Page, selector: string): Promise<number> {
  const value = await page.getAttribute(selector, 'data-value');
  return value === null || value === '' ? NaN : Number(value);
}

async function waitForEpoch(page: Page, atLeast: number, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    (n) => Number(document.getElementById('epoch')?.dataset['value'] ?? 0) >= n,
    atLeast,
    { timeout },
  );
}

async function pause(page: Page): Promise<void> {
  if (await page.evaluate(() => document.body.classList.contains('running'))) await page.click('#play');
  await page.waitForFunction(() => !document.body.classList.contains('running'));
  await page.waitForTimeout(300);
}

function heatmapPixels(page: Page): Promise<string> {
  return page.evaluate(() => (document.getElementById('heatmap') as HTMLCanvasElement).toDataURL());
}

/** Every control's value, to compare two pages. */
function controlState(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const el of Array.from(
      document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('select, input'),
    )) {
      const key =
        el.id ||
        `${el.closest('[data-layer]')?.getAttribute('data-layer') ?? ''}:${el.className}:${el.value}`;
      out[key] = el instanceof HTMLInputElement && el.type === 'checkbox' ? String(el.checked) : el.value;
    }
    out['dataset'] = document.querySelector('.dataset.active')?.getAttribute('data-dataset') ?? '';
    out['layers'] = document.getElementById('layer-count')?.textContent ?? '';
    out['status'] = document.getElementById('status')?.textContent ?? '';
    return out;
  });
}

describe.skipIf(!hasChromium)('playground in chromium', () => {
  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ROOT, 'test-artifacts', '.gitignore'), '*\n');
    baseUrl = await startServer();
    userDataDir = mkdtempSync(join(tmpdir(), 'neurite-e2e-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1500, height: 1000 },
      acceptDownloads: true,
    });
  });

  afterAll(async () => {
    await context?.close();
    server?.kill('SIGTERM');
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('trains in a worker: the loss falls, the heatmap changes and the page stays responsive', async () => {
    const page = await newPage();
    await page.click('[data-dataset="xor"]');
    await page.selectOption('#optimizer', 'rmsprop');
    await page.waitForFunction(
      () => location.search.includes('data=xor') && location.search.includes('opt=rmsprop'),
    );
    await page.waitForFunction(() => document.getElementById('train-loss')?.dataset['value'] !== '');
    const initialLoss = await numberOf(page, '#train-loss');
    const initialHeatmap = await heatmapPixels(page);
    await page.screenshot({ path: join(ARTIFACTS, '1-before-training.png') });

    await page.click('#play');
    await waitForEpoch(page, 20);
    // While the worker trains, the main thread answers at once and keeps drawing frames.
    const responsiveness = await page.evaluate(
      () =>
        new Promise<{ timer: number; longestFrame: number }>((resolve) => {
          const start = performance.now();
          setTimeout(() => {
            const timer = performance.now() - start;
            let last = performance.now();
            let longestFrame = 0;
            const frame = (now: number): void => {
              longestFrame = Math.max(longestFrame, now - last);
              last = now;
              if (now - start < 1500) requestAnimationFrame(frame);
              else resolve({ timer, longestFrame });
            };
            requestAnimationFrame(frame);
          }, 0);
        }),
    );
    console.log(
      `responsiveness while training: setTimeout(0) answered in ${responsiveness.timer.toFixed(1)} ms, ` +
        `longest frame ${responsiveness.longestFrame.toFixed(1)} ms`,
    );
    writeFileSync(join(ARTIFACTS, 'responsiveness.json'), JSON.stringify(responsiveness, null, 2));
    await waitForEpoch(page, 150);
    await pause(page);
    const trainedLoss = await numberOf(page, '#train-loss');
    const trainedHeatmap = await heatmapPixels(page);
    await page.screenshot({ path: join(ARTIFACTS, '2-after-training.png') });

    expect(initialLoss).toBeGreaterThan(0.3);
    expect(trainedLoss).toBeLessThan(initialLoss * 0.5);
    expect(trainedHeatmap).not.toBe(initialHeatmap);
    expect(responsiveness.timer).toBeLessThan(100);
    expect(responsiveness.longestFrame).toBeLessThan(250);
    expect(await numberOf(page, '#val-acc')).toBeGreaterThan(0.9);
    await page.close();
  });

  it('a URL state link reproduces the settings and the run', async () => {
    const page = await newPage();
    await page.click('[data-dataset="spiral"]');
    await page.selectOption('#classes', '3');
    await page.selectOption('#optimizer', 'adamw');
    await page.selectOption('#lr', '0.03');
    await page.selectOption('#wd', '0.001');
    await page.selectOption('#dropout', '0.1');
    await page.selectOption('#patience', '20');
    await page.selectOption('#loss', 'mse');
    await page.click('#add-layer');
    await page.selectOption('[data-layer="2"] select', 'relu');
    await page.click('#features input[value="x1sq"]');
    await page.fill('#seed', '42');
    await page.press('#seed', 'Enter');
    await page.$eval('#batch', (el: HTMLInputElement) => {
      el.value = '25';
      el.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(
      () => location.search.includes('seed=42') && location.search.includes('batch=25'),
    );
    const url = page.url();
    const original = await controlState(page);
    for (let i = 0; i < 3; i++) await page.click('#step');
    await waitForEpoch(page, 3);
    const originalLoss = await numberOf(page, '#train-loss');

    const copy = await context!.newPage();
    await copy.goto(url);
    await copy.waitForFunction(() => document.querySelector('#status')?.textContent !== '');
    const reproduced = await controlState(copy);
    for (let i = 0; i < 3; i++) await copy.click('#step');
    await waitForEpoch(copy, 3);
    const reproducedLoss = await numberOf(copy, '#train-loss');
    await copy.screenshot({ path: join(ARTIFACTS, '3-url-state.png') });

    expect(url).toContain('data=spiral');
    expect(url).toContain('classes=3');
    expect(url).toContain('opt=adamw');
    expect(url).toContain('hidden=8t.8t.4r');
    expect(reproduced).toEqual(original);
    expect(reproduced['optimizer']).toBe('adamw');
    expect(reproduced['classes']).toBe('3');
    // Same seed, same settings: the same data, initial weights, shuffles and dropout masks.
    expect(reproducedLoss).toBe(originalLoss);
    await page.close();
    await copy.close();
  });

  it('exports the trained model as safetensors and imports it back', async () => {
    const page = await newPage('?data=moons&noise=10');
    await page.click('#play');
    await waitForEpoch(page, 30);
    await pause(page);
    const trainedLoss = await numberOf(page, '#train-loss');
    const trainedHeatmap = await heatmapPixels(page);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-model')]);
    const file = join(ARTIFACTS, 'model.safetensors');
    await download.saveAs(file);
    const bytes = readFileSync(file);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<
      string,
      unknown
    >;
    expect(header).toHaveProperty('0.weight');
    expect(header).toHaveProperty('__metadata__');

    await page.click('#reset');
    await page.waitForFunction(
      (loss) => Number(document.getElementById('train-loss')?.dataset['value']) !== loss,
      trainedLoss,
    );
    expect(await heatmapPixels(page)).not.toBe(trainedHeatmap);

    await page.setInputFiles('#import-model', file);
    await page.waitForFunction(() =>
      document.getElementById('toast')?.textContent?.startsWith('Model imported'),
    );
    await page.waitForFunction(
      (loss) => Number(document.getElementById('train-loss')?.dataset['value']) === loss,
      trainedLoss,
    );
    expect(await heatmapPixels(page)).toBe(trainedHeatmap);
    await page.screenshot({ path: join(ARTIFACTS, '4-imported-model.png') });
    await page.close();
  });

  it('imports a CSV file, adds clicked points, and marks early stopping on the chart', async () => {
    const page = await newPage('?data=gauss&noise=50&patience=5');
    const rows = ['hours,score,outcome'];
    for (let i = 0; i < 120; i++) {
      const x = (i % 12) - 6 + 0.1 * (i % 7);
      const y = Math.floor(i / 12) - 5 + 0.05 * (i % 5);
      rows.push(`${x.toFixed(2)},${y.toFixed(2)},${x + y > 0 ? 'high' : 'low'}`);
    }
    await page.setInputFiles('#import-csv', {
      name: 'points.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(rows.join('\n')),
    });
    await page.waitForFunction(() => location.search.includes('data=csv') && location.hash.includes('csv='));
    expect(await page.getAttribute('.dataset.active', 'data-dataset')).toBe('csv');
    const before = await page.textContent('#status');

    const box = (await page.locator('#heatmap').boundingBox())!;
    await page.click('[data-class="1"]');
    await page.mouse.click(box.x + 120, box.y + 120);
    // Point lists travel in the link's #hash (browsers never send it to the server).
    await page.waitForFunction(() => location.hash.includes('added='));
    await page.waitForFunction(() => !document.getElementById('status')?.textContent?.startsWith('60 '));
    const after = await page.textContent('#status');
    expect(before).toMatch(/^60 training/);
    expect(after).toMatch(/^61 training/);

    await page.goto(`${baseUrl}?data=gauss&noise=50&patience=5&seed=3`);
    await page.click('#play');
    await page.waitForSelector('#status[data-stopped]', { timeout: 60_000 });
    expect(await page.evaluate(() => document.body.classList.contains('running'))).toBe(false);
    expect(await page.textContent('#status')).toContain('Early stopping ended training');
    await page.screenshot({ path: join(ARTIFACTS, '5-early-stopping.png') });
    await page.close();
  });

  it('shows the perceptron equation of "Will I pass this class?" without hidden layers', async () => {
    const page = await newPage('?data=pass&noise=25&hidden=&features=x1.x2&opt=adam&lr=0.03');
    await page.click('#play');
    await waitForEpoch(page, 40);
    await pause(page);
    const equation = await page.textContent('#equation');
    expect(equation).toMatch(/P\(pass\) = σ\(.*lectures attended.*hours on final project\)/);
    expect(equation).toContain('boundary: hours on final project =');
    await page.screenshot({ path: join(ARTIFACTS, '6-perceptron.png'), fullPage: true });
    await page.close();
  });

  it('spiral, two hidden layers (8-8 tanh, Adam): validation accuracy passes 90 % within a minute', async () => {
    const page = await newPage('?data=spiral');
    expect(await page.textContent('#layer-count')).toBe('2 hidden layers');
    const start = Date.now();
    await page.click('#play');
    await page.waitForFunction(
      () => Number(document.getElementById('val-acc')?.dataset['value']) > 0.9,
      undefined,
      {
        timeout: 60_000,
        polling: 100,
      },
    );
    const seconds = (Date.now() - start) / 1000;
    const epoch = await numberOf(page, '#epoch');
    const accuracy = await numberOf(page, '#val-acc');
    writeFileSync(
      join(ARTIFACTS, 'spiral-timing.json'),
      JSON.stringify({ seconds, epoch, accuracy }, null, 2),
    );
    console.log(
      `spiral: validation accuracy ${(accuracy * 100).toFixed(1)}% after ${seconds.toFixed(1)} s (epoch ${epoch})`,
    );
    await page.waitForTimeout(1500);
    await pause(page);
    await page.screenshot({ path: join(ARTIFACTS, 'app.png'), fullPage: true });
    expect(seconds).toBeLessThan(60);
    await page.close();
  });
  it('diagnostics: a cross-origin-isolated worker splits a matmul and a convolution across threads, bit for bit', async () => {
    const page = await context!.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(`${baseUrl}diagnostics.html`);
    await page.waitForSelector('#result[data-done]', { timeout: 60_000 });
    const report = JSON.parse((await page.textContent('#result')) ?? '{}') as Record<string, unknown>;
    console.log('diagnostics:', JSON.stringify(report));
    await page.screenshot({ path: join(ARTIFACTS, 'diagnostics.png') });
    expect(report['error']).toBeUndefined();
    expect(report['backend']).toBe('wasm');
    expect(report['crossOriginIsolated']).toBe(true);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(report['threads']).toBe(Math.min(cores, 8));
    if (cores > 1) expect(report['splitJobs']).toBeGreaterThan(0);
    expect(report['identical']).toBe(true);
    await page.close();
  });
});
