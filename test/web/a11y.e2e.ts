// @file Accessibility of the playground in chromium: axe-core finds no critical or serious violation (default
// state, while training, a regression problem, the phone layout); every action is reachable with the keyboard;
// Play reports its state; the canvases' text alternatives follow the training. Reports go to
// test-artifacts/a11y/ (git-ignored).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, artifactsDir, hasChromium, startPlayground, type Playground } from './e2e-harness.js';

const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

let playground: Playground | null = null;
let artifacts = '';

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

async function open(query = '', viewport = { width: 1440, height: 900 }): Promise<Page> {
  const page = await playground!.context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.setViewportSize(viewport);
  await page.goto(`${playground!.baseUrl}${query}`);
  await page.waitForFunction(() => document.querySelector('#status')?.textContent !== '');
  return page;
}

/** axe-core's critical and serious violations on the page as it is now; the full report is saved as `name`. */
async function seriousViolations(page: Page, name: string): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<unknown> } })
      .axe;
    const result = (await axe.run(document, { resultTypes: ['violations'] })) as { violations: Violation[] };
    return result.violations;
  });
  writeFileSync(join(artifacts, `${name}.json`), JSON.stringify(violations, null, 2));
  return violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
}

function summary(violations: Violation[]): string {
  return violations
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
    .join('\n');
}

async function epoch(page: Page): Promise<number> {
  return Number(await page.getAttribute('#epoch', 'data-value'));
}

describe.skipIf(!hasChromium)('playground accessibility', () => {
  beforeAll(async () => {
    artifacts = artifactsDir('a11y');
    playground = await startPlayground();
  });

  afterAll(async () => {
    await playground?.close();
  });

  it('has no critical or serious axe violation, paused and while training', async () => {
    const page = await open();
    const idle = await seriousViolations(page, 'default');
    expect(idle, summary(idle)).toEqual([]);

    expect(await page.getAttribute('#play', 'aria-pressed')).toBe('false');
    expect(await page.getAttribute('#play', 'aria-label')).toBe('Play');
    await page.click('#play');
    await page.waitForFunction(() => Number(document.getElementById('epoch')?.dataset['value']) >= 5);
    expect(await page.getAttribute('#play', 'aria-pressed')).toBe('true');
    expect(await page.getAttribute('#play', 'aria-label')).toBe('Pause');
    const training = await seriousViolations(page, 'training');
    expect(training, summary(training)).toEqual([]);
    await page.click('#play');
    expect(await page.getAttribute('#play', 'aria-label')).toBe('Play');
    await page.close();
  });

  it('has no critical or serious violation on a regression problem, the loss surface and the phone layout', async () => {
    const regression = await open('?data=multigauss&loss=mse');
    const found = await seriousViolations(regression, 'regression');
    expect(found, summary(found)).toEqual([]);
    await regression.click('#tab-surface');
    await regression.waitForFunction(() => !document.getElementById('surface-view')?.hidden);
    const surface = await seriousViolations(regression, 'loss-surface');
    expect(surface, summary(surface)).toEqual([]);
    await regression.close();

    const phone = await open('', { width: 390, height: 844 });
    await phone.click('#hyper-toggle');
    const small = await seriousViolations(phone, 'phone');
    expect(small, summary(small)).toEqual([]);
    await phone.close();
  });

  it('has no critical or serious violation on the Fashion-MNIST page, idle and while training', async () => {
    const page = await open('fashion-mnist.html?backend=wasm&train=2000&test=500&live=200');
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Ready'));
    const idle = await seriousViolations(page, 'fashion-idle');
    expect(idle, summary(idle)).toEqual([]);
    await page.click('#play');
    expect(await page.getAttribute('#play', 'aria-pressed')).toBe('true');
    await page.waitForFunction(() => Number(document.getElementById('step-count')?.dataset['value']) >= 20);
    const training = await seriousViolations(page, 'fashion-training');
    expect(training, summary(training)).toEqual([]);
    await page.click('#play');
    expect(await page.getAttribute('#play', 'aria-label')).toBe('Play');
    await page.close();
  });

  it('reaches every action with the keyboard, file imports included', async () => {
    const page = await open();
    const reached = new Set<string>();
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement?.id ?? '');
      if (id) reached.add(id);
    }
    for (const id of [
      'reset',
      'play',
      'step',
      'optimizer',
      'lr',
      'batch',
      'wd',
      'reg',
      'loss',
      'patience',
      'problem',
      'noise',
      'seed',
      'new-seed',
      'import-csv-button',
      'add-layer',
      'tab-boundary',
      'heatmap',
      'show-test',
      'discretize',
      'export-model',
      'export-onnx',
      'import-model-button',
      'copy-link',
    ]) {
      expect(reached, id).toContain(id);
    }
    // Space on Play starts training; the epoch counter moves.
    await page.focus('#play');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => Number(document.getElementById('epoch')?.dataset['value']) >= 3);
    await page.keyboard.press('Space');
    // The plot: arrows move a crosshair (announced), Enter adds a point of the chosen class there.
    await page.focus('#heatmap');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowUp');
    expect(await page.textContent('#plot-cursor')).toBe('Cursor at (0.6, 0.6); Enter adds a point there.');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      document.getElementById('status')?.textContent?.startsWith('201 training'),
    );

    // Enter on each import button opens its file input: the input's click is recorded and the dialog held back,
    // since headless chromium does not reliably show a file chooser after other input. The CSV is then imported.
    await page.evaluate(() => {
      for (const id of ['import-csv', 'import-model']) {
        document.getElementById(id)!.addEventListener('click', (event) => {
          document.body.dataset['opened'] = id;
          event.preventDefault();
        });
      }
    });
    for (const id of ['import-csv', 'import-model']) {
      await page.focus(`#${id}-button`);
      await page.keyboard.press('Enter');
      await page.waitForFunction((opened) => document.body.dataset['opened'] === opened, id);
    }
    await page.setInputFiles('#import-csv', {
      name: 'points.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('a,b,label\n1,2,0\n2,1,1\n3,4,0\n4,3,1\n'),
    });
    await page.waitForFunction(() =>
      document.getElementById('toast')?.textContent?.startsWith('Imported 4 points'),
    );
    await page.close();
  });

  it('keeps the canvases’ text alternatives current: accuracy, areas, curves', async () => {
    const page = await open('?data=xor');
    const before = await page.getAttribute('#heatmap', 'aria-label');
    expect(before).toMatch(/^Decision boundary, Exclusive or, epoch 0: validation accuracy [\d.]+ %/);
    await page.click('#step');
    await page.click('#step');
    await page.waitForFunction(() =>
      /epoch 2:/.test(document.getElementById('heatmap')?.getAttribute('aria-label') ?? ''),
    );
    const after = (await page.getAttribute('#heatmap', 'aria-label'))!;
    expect(after).toMatch(/the network predicts .+ on \d+ %, .+ on \d+ % of the plane\.$/);
    expect(await epoch(page)).toBe(2);
    expect(await page.getAttribute('#loss-chart', 'aria-label')).toMatch(
      /^Loss curves over 2 epochs: training [\d.]+/,
    );
    expect(await page.getAttribute('#network', 'aria-label')).toMatch(
      /^Network: 4 inputs .* hidden layers of 8 Tanh, 8 Tanh neurons/,
    );

    // A learning-rate change is applied to the running optimizer and marked on the curves.
    await page.selectOption('#lr', '0.03');
    await page.click('#step');
    await page.waitForFunction(() =>
      /lr 0\.03 at epoch 2/.test(document.getElementById('loss-chart')?.getAttribute('aria-label') ?? ''),
    );
    await page.waitForFunction(() => Number(document.getElementById('epoch')?.dataset['value']) === 3);
    await page.close();
  });
});
