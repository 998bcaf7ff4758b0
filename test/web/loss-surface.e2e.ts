// @file End-to-end test of the playground's Loss surface view in Debian's chromium (playwright-core): open the
// view, roll the balls, change a learning rate, click a new start, and look at it on a desktop and a phone.
// Screenshots go to test-artifacts/loss-surface/ (a folder that git ignores).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'loss-surface');
const hasChromium = existsSync(CHROMIUM);
/** The view's canvas margins (web/src/views/loss-surface.ts): the plot starts 46 px in and 10 px down. */
const PLOT = { left: 46, right: 74, top: 10 };
const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop', 'adagrad', 'adadelta'];

let server: ChildProcess | null = null;
let baseUrl = '';
let context: BrowserContext | null = null;
let userDataDir = '';

/** Starts `node scripts/playground.mjs --port 0` (which builds web/) and resolves with the URL it prints. */
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

interface Ball {
  loss: number;
  x: number;
  y: number;
  text: string;
}

/** Every ball's loss and position at the current step, as the legend shows them. */
function balls(page: Page): Promise<Record<string, Ball>> {
  return page.evaluate(() => {
    const out: Record<string, Ball> = {};
    for (const row of Array.from(
      document.querySelectorAll<HTMLElement>('#surface-legend .descent-row[data-optimizer]'),
    )) {
      const cell = row.querySelector<HTMLElement>('.descent-loss')!;
      out[row.dataset['optimizer']!] = {
        loss: Number(cell.dataset['value']),
        x: Number(cell.dataset['x']),
        y: Number(cell.dataset['y']),
        text: cell.textContent ?? '',
      };
    }
    return out;
  });
}

/** Waits until every ball has a path (the worker answered). */
async function pathsReady(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      Array.from(document.querySelectorAll<HTMLElement>('#surface-legend .descent-loss')).every(
        (cell) => cell.dataset['value'] !== '',
      ),
    undefined,
    { timeout: 30_000 },
  );
}

function step(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.getElementById('surface-step')?.dataset['value']));
}

async function waitForStep(page: Page, atLeast: number): Promise<void> {
  await page.waitForFunction(
    (n) => Number(document.getElementById('surface-step')?.dataset['value']) >= n,
    atLeast,
    { timeout: 30_000 },
  );
}

function surfacePixels(page: Page): Promise<string> {
  return page.evaluate(() => (document.getElementById('surface') as HTMLCanvasElement).toDataURL());
}

describe.skipIf(!hasChromium)('the loss surface view in chromium', () => {
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
        '--no-first-run',
        '--disable-background-networking',
      ],
      viewport: { width: 1500, height: 1000 },
    });
  });

  afterAll(async () => {
    await context?.close();
    server?.kill('SIGTERM');
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('rolls a ball per optimizer down the perceptron’s w1–w2 slice; a learning rate changes its path; a click sets the start', async () => {
    const page = await context!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${baseUrl}?data=pass&hidden=&noise=20`);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent !== '');
    expect(await page.isVisible('#surface')).toBe(false);

    // Open the view: the surface of the current network's first two weights, every ball at the start.
    await page.click('#tab-surface');
    await pathsReady(page);
    expect(await page.isVisible('#heatmap')).toBe(false);
    expect(await page.textContent('#surface-title')).toBe(
      'training loss over 0.weight[0, 0] and 0.weight[0, 1]',
    );
    const atStart = await balls(page);
    expect(Object.keys(atStart)).toEqual(OPTIMIZERS);
    for (const ball of Object.values(atStart)) {
      expect(ball.x).toBe(atStart['sgd']!.x);
      expect(ball.y).toBe(atStart['sgd']!.y);
      expect(ball.loss).toBe(atStart['sgd']!.loss);
    }
    const startPixels = await surfacePixels(page);
    await page.screenshot({ path: join(ARTIFACTS, '1-network-start.png') });

    // Play: the balls roll (positions and the picture change, the loss falls), and the page keeps drawing.
    await page.click('#surface-play');
    await waitForStep(page, 40);
    const frames = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let last = performance.now();
          let longest = 0;
          const start = last;
          const frame = (now: number): void => {
            longest = Math.max(longest, now - last);
            last = now;
            if (now - start < 1000) requestAnimationFrame(frame);
            else resolve(longest);
          };
          requestAnimationFrame(frame);
        }),
    );
    console.log(`loss surface: longest frame while the balls roll ${frames.toFixed(1)} ms`);
    await waitForStep(page, 300);
    const rolled = await balls(page);
    for (const name of OPTIMIZERS) {
      expect(
        Math.hypot(rolled[name]!.x - atStart[name]!.x, rolled[name]!.y - atStart[name]!.y),
      ).toBeGreaterThan(0.05);
      expect(rolled[name]!.loss).toBeLessThan(atStart[name]!.loss);
    }
    expect(await surfacePixels(page)).not.toBe(startPixels);
    expect(frames).toBeLessThan(250);
    await page.screenshot({ path: join(ARTIFACTS, '2-network-rolled.png') });

    // A hundred times smaller learning rate for SGD: its path changes at once and ends much nearer the start.
    const beforeLr = await surfacePixels(page);
    await page.selectOption('.descent-row[data-optimizer="sgd"] select', '0.003');
    await page.waitForFunction((x) => {
      const cell = document.querySelector<HTMLElement>('.descent-row[data-optimizer="sgd"] .descent-loss');
      return (
        cell?.dataset['x'] !== undefined && cell.dataset['value'] !== '' && Number(cell.dataset['x']) !== x
      );
    }, rolled['sgd']!.x);
    const slower = await balls(page);
    const moved = (b: Ball): number => Math.hypot(b.x - atStart['sgd']!.x, b.y - atStart['sgd']!.y);
    expect(moved(slower['sgd']!)).toBeLessThan(moved(rolled['sgd']!) / 10);
    expect(slower['sgd']!.loss).toBeGreaterThan(rolled['sgd']!.loss);
    expect(slower['adam']).toEqual(rolled['adam']);
    expect(await surfacePixels(page)).not.toBe(beforeLr);

    // The network's own training (the top bar's play) leaves a trail on its slice, away from the start.
    await page.click('#play');
    await page.waitForFunction(() => Number(document.getElementById('epoch')?.dataset['value']) >= 10);
    await page.click('#play');
    await page.waitForFunction(() => !document.body.classList.contains('running'));
    await page.waitForFunction(() => document.getElementById('surface-training')?.dataset['x'] !== undefined);
    const trained = await page.evaluate(() => {
      const cell = document.getElementById('surface-training')!;
      return [Number(cell.dataset['x']), Number(cell.dataset['y'])];
    });
    expect(Math.hypot(trained[0]! - atStart['sgd']!.x, trained[1]! - atStart['sgd']!.y)).toBeGreaterThan(
      0.01,
    );
    await page.screenshot({ path: join(ARTIFACTS, '3-network-training-trail.png') });

    // The local-minima surface: a click puts every ball at the clicked point, back at step 0.
    await page.selectOption('#surface-problem', 'localMinima');
    await page.waitForFunction(() =>
      document.getElementById('surface-title')?.textContent?.startsWith('local minima'),
    );
    await pathsReady(page);
    const box = (await page.locator('#surface').boundingBox())!;
    const plot = box.width - PLOT.left - PLOT.right;
    await page.mouse.click(box.x + PLOT.left + 0.75 * plot, box.y + PLOT.top + 0.25 * plot);
    await page.waitForFunction(() => {
      const cell = document.querySelector<HTMLElement>('.descent-row[data-optimizer="adam"] .descent-loss');
      return cell?.dataset['value'] !== '' && Math.abs(Number(cell?.dataset['x']) - 1.5) < 0.05;
    });
    await pathsReady(page);
    expect(await step(page)).toBe(0);
    for (const ball of Object.values(await balls(page))) {
      // Range [−3, 3]²: three quarters across is x = 1.5, a quarter down is y = 1.5 (within a pixel).
      expect(Math.abs(ball.x - 1.5)).toBeLessThan(0.03);
      expect(Math.abs(ball.y - 1.5)).toBeLessThan(0.03);
    }
    await page.click('#surface-play');
    await waitForStep(page, 300);
    const ended = await balls(page);
    expect(ended['adam']!.loss).toBeLessThan(-0.4);
    await page.screenshot({ path: join(ARTIFACTS, '4-local-minima-click.png') });
    writeFileSync(join(ARTIFACTS, 'balls.json'), JSON.stringify({ atStart, rolled, slower, ended }, null, 2));

    // The link keeps the view and the surface.
    expect(page.url()).toContain('view=surface&surface=localMinima');
    const linked = await context!.newPage();
    await linked.goto(page.url());
    await pathsReady(linked);
    expect(await linked.isVisible('#surface')).toBe(true);
    expect(await linked.inputValue('#surface-problem')).toBe('localMinima');
    await linked.close();

    // On a phone the view fits the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#surface').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    const phone = (await page.locator('#surface').boundingBox())!;
    expect(phone.x).toBeGreaterThanOrEqual(0);
    expect(phone.x + phone.width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, '5-phone.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
