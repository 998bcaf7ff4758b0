// @file `neurite descent` (and its section of `neurite demo`): the table's claims, both SVGs, --out checks, one-line errors.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { descentCommand } from '../../src/cli/commands/descent.js';
import { run } from '../../src/cli/main.js';
import { TEST_FUNCTIONS } from '../../src/viz/loss-surface/index.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { print: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, out, err };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'neurite-descent-'));

interface Row {
  name: string;
  lr: number;
  steps: number | null;
  finalLoss: number;
  rises: number;
  diverged: boolean;
  endsIn?: string;
}

/** Reads the printed table back: `name  lr  steps  final  rises/steps  yes|no  [ends in]`. */
function table(lines: string[]): Row[] {
  const header = lines.findIndex((l) => l.startsWith('optimizer'));
  expect(header).toBeGreaterThanOrEqual(0);
  const rows: Row[] = [];
  for (const line of lines.slice(header + 1)) {
    const m = /^(.+?)\s{2,}(\S+)\s+(never|\d+)\s+(\S+)\s+(\d+)\/\d+\s+(yes|no)(?:\s+(.*))?$/.exec(line);
    if (!m) break;
    rows.push({
      name: m[1]!.trim(),
      lr: Number(m[2]),
      steps: m[3] === 'never' ? null : Number(m[3]),
      finalLoss: Number(m[4]),
      rises: Number(m[5]),
      diverged: m[6] === 'yes',
      ...(m[7] !== undefined ? { endsIn: m[7] } : {}),
    });
  }
  return rows;
}

function svgTexts(svg: string): string[] {
  expect(XMLValidator.validate(svg)).toBe(true);
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) {
        if (key === 'text')
          for (const t of [value].flat()) found.push(String(typeof t === 'object' ? t['#text'] : t));
        else walk(value);
      }
  };
  walk(new XMLParser({ ignoreAttributes: false }).parse(svg));
  return found;
}

describe('neurite descent on pass-the-class', async () => {
  const out = tmp();
  writeFileSync(join(out, 'notes.txt'), 'kept');
  const { code, out: lines, err } = await cli('descent', '--out', out);
  const rows = table(lines);
  const row = (name: string): Row => rows.find((r) => r.name === name)!;
  const best = Number(/the lowest loss is ([\d.]+)/.exec(lines.join('\n'))![1]);

  it('prints one row per run: SGD at three rates, momentum, Adam, RMSprop, Adagrad, Adadelta', async () => {
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(rows.map((r) => r.name)).toEqual([
      'SGD (too small lr)',
      'SGD (good lr)',
      'SGD (too large lr)',
      'SGD + momentum 0.9',
      'Adam',
      'RMSprop',
      'Adagrad',
      'Adadelta',
    ]);
  });

  it('the good rate converges: it reaches the threshold, never rises, ends at the lowest loss', async () => {
    const good = row('SGD (good lr)');
    expect(good.steps).not.toBeNull();
    expect(good.rises).toBe(0);
    expect(good.diverged).toBe(false);
    expect(good.finalLoss).toBeLessThanOrEqual(best * 1.001);
  });

  it('the too-large rate oscillates: the loss rises at many steps and ends well above the good run', async () => {
    const large = row('SGD (too large lr)');
    expect(large.rises).toBeGreaterThanOrEqual(20);
    expect(large.finalLoss).toBeGreaterThan(row('SGD (good lr)').finalLoss * 1.1);
  });

  it('the too-small rate crawls: monotone, never reaches the threshold within 100 steps', async () => {
    const small = row('SGD (too small lr)');
    expect(small.rises).toBe(0);
    expect(small.steps).toBeNull();
    expect(small.finalLoss).toBeGreaterThan(row('SGD (good lr)').finalLoss * 1.3);
  });

  it('writes loss-surface.svg (every run in the legend, a colour bar) and learning-rates.svg, keeps other files', async () => {
    expect(readdirSync(out).sort()).toEqual(['learning-rates.svg', 'loss-surface.svg', 'notes.txt']);
    const surface = svgTexts(readFileSync(join(out, 'loss-surface.svg'), 'utf8'));
    for (const r of rows) expect(surface.some((t) => t.startsWith(`${r.name}, lr `))).toBe(true);
    expect(surface).toContain('loss (log scale)');
    expect(surface).toContain('w1 (weight of lectures attended, standardized)');
    const curves = svgTexts(readFileSync(join(out, 'learning-rates.svg'), 'utf8'));
    expect(curves).toEqual(
      expect.arrayContaining(['SGD, lr 0.1', 'SGD, lr 10', 'SGD, lr 30', 'momentum, lr 1', 'step']),
    );
  });
});

describe('descentCommand: the paths behind the table', () => {
  const result = descentCommand({ surface: 'pass-the-class', out: tmp() }, () => {});

  it('the too-large path zig-zags: successive steps point in opposite directions most of the time', async () => {
    const path = result.runs.find((r) => r.role === 'too large')!.points;
    let reversals = 0;
    for (let i = 2; i < path.length; i++) {
      const [a, b, c] = [path[i - 2]!, path[i - 1]!, path[i]!];
      if ((b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]) < 0) reversals++;
    }
    expect(reversals).toBeGreaterThan(path.length / 2);
    // The good rate ends at the minimum of the slice (the reference training's weights).
    const good = result.runs.find((r) => r.role === 'good')!.points.at(-1)!;
    const minimum = result.surface.minima![0]!;
    expect(Math.hypot(good[0] - minimum[0], good[1] - minimum[1])).toBeLessThan(0.3);
  });

  it('the surface is drawn over every path and holds the lowest loss', async () => {
    const { xs, ys, values } = result.surface;
    for (const r of result.runs)
      for (const [x, y] of r.points) {
        expect(x).toBeGreaterThanOrEqual(xs[0]!);
        expect(x).toBeLessThanOrEqual(xs.at(-1)!);
        expect(y).toBeGreaterThanOrEqual(ys[0]!);
        expect(y).toBeLessThanOrEqual(ys.at(-1)!);
      }
    expect(Math.min(...values.flat())).toBeGreaterThanOrEqual(result.bestLoss - 1e-3);
  });
});

describe('neurite descent --surface local-minima', async () => {
  const out = tmp();
  const { code, out: lines } = await cli('descent', '--surface', 'local-minima', '--out', out);
  const rows = table(lines);

  it('different configurations from the same start end in different minima', async () => {
    expect(code).toBe(0);
    const ends = new Set(rows.map((r) => r.endsIn).filter((e) => e !== 'none'));
    expect(ends.size).toBeGreaterThanOrEqual(2);
    const fn = TEST_FUNCTIONS.localMinima;
    const shallow = fn.minima[2]!;
    expect(rows.find((r) => r.name === 'SGD (good lr)')!.endsIn).toBe(
      `local (${Number(shallow[0].toPrecision(4))}, ${Number(shallow[1].toPrecision(4))})`,
    );
    expect(rows.find((r) => r.name === 'SGD + momentum 0.9')!.endsIn).toMatch(
      /^global \(1\.236, -0\.2871\)$/,
    );
    expect(lines.join('\n')).toContain(`every run starts at (${fn.start.join(', ')})`);
  });

  it('the final losses in the table are f at the minimum each run ends in', async () => {
    const fn = TEST_FUNCTIONS.localMinima;
    const result = descentCommand({ surface: 'local-minima', out }, () => {});
    for (const r of result.runs) {
      if (r.minimum === null || r.minimum === undefined) continue;
      const [mx, my] = fn.minima[r.minimum]!;
      const depth = [-1.4158108, -1.1015687, -0.434044][r.minimum]!;
      expect(r.losses.at(-1)!).toBeCloseTo(depth, 3);
      expect(Math.hypot(r.points.at(-1)![0] - mx, r.points.at(-1)![1] - my)).toBeLessThan(0.05);
    }
  });

  it('too large a rate on the bowl diverges and says so', async () => {
    const { out: bowl } = await cli('descent', '--surface', 'bowl', '--out', tmp());
    const large = table(bowl).find((r) => r.name === 'SGD (too large lr)')!;
    expect(large.diverged).toBe(true);
    expect(large.lr).toBe(1.05);
  });
});

describe('neurite descent: bad input gives one line and exit 1', () => {
  it.each([
    [['--surface', 'moon'], /Allowed choices are pass-the-class, bowl, valley, local-minima, saddle/],
    [['--steps', '0'], /--steps must be a positive integer, got '0'/],
    [['--threshold', 'abc'], /--threshold must be a number, got 'abc'/],
    [['--seed', '-1'], /--seed must be a non-negative integer/],
  ])('%s', async (argv, message) => {
    const { code, err } = await cli('descent', '--out', tmp(), ...argv);
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
  });

  it('--out that is a file, or below a file, is refused before any training', async () => {
    const dir = tmp();
    const file = join(dir, 'plots');
    writeFileSync(file, 'x');
    for (const [target, message] of [
      [file, `--out: ${file} exists and is not a directory; give a directory for the plots`],
      [join(file, 'sub'), `--out: cannot write ${join(file, 'sub')}: ${file} is not a directory`],
    ] as const) {
      const { code, out, err } = await cli('descent', '--out', target);
      expect(code).toBe(1);
      expect(err).toEqual([`neurite: ${message}`]);
      expect(out).toEqual([]);
    }
  });

  it('creates missing parent folders and leaves no temporary files', async () => {
    const target = join(tmp(), 'a', 'b');
    const { code } = await cli('descent', '--surface', 'saddle', '--steps', '10', '--out', target);
    expect(code).toBe(0);
    expect(readdirSync(target).sort()).toEqual(['learning-rates.svg', 'loss-surface.svg']);
  });

  it('descent --help lists the surfaces', async () => {
    const { code, out } = await cli('descent', '--help');
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/local-minima/);
  });
});

describe('neurite demo ends with the descent section', () => {
  it('prints the table and writes loss-surface.svg and learning-rates.svg next to the other plots', async () => {
    const out = tmp();
    const { code, out: lines } = await cli('demo', '--epochs', '2', '--quiet', '--out', out);
    expect(code).toBe(0);
    expect(lines.join('\n')).toContain('gradient descent on its loss surface');
    expect(table(lines)).toHaveLength(8);
    expect(readdirSync(out).sort()).toEqual([
      'decision-boundary.svg',
      'learning-rates.svg',
      'loss-surface.svg',
      'loss.svg',
    ]);
  });
});
