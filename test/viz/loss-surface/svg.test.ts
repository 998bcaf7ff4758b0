// @file lossSurfaceSvg parses as SVG with axes, filled contours, isolines, a colour bar and a legend; viridis and the contour geometry.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../../src/index.js';
import {
  TEST_FUNCTIONS,
  functionSurface,
  lossSurfaceSvg,
  runOptimizerOnFunction,
  viridis,
  type LossSurface,
  type Trajectory,
} from '../../../src/viz/loss-surface/index.js';
import { bilinear, isoline } from '../../../src/viz/loss-surface/contours.js';

type Element = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

function list(value: unknown): Element[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as Element[];
}

function texts(group: Element): string[] {
  return list(group.text).map((t) => String(typeof t === 'object' ? t['#text'] : t));
}

function parse(svg: string): { root: Element; groups: Record<string, Element> } {
  expect(XMLValidator.validate(svg)).toBe(true);
  const root = (parser.parse(svg) as { svg: Element }).svg;
  const groups = Object.fromEntries(list(root.g).map((g) => [String(g.id), g]));
  return { root, groups };
}

const fn = TEST_FUNCTIONS.localMinima;
const surface = functionSurface(fn, { resolution: 41 });
const runs: Trajectory[] = [
  { optimizer: 'SGD', lr: 0.5, ...runOptimizerOnFunction(fn, 'sgd', { lr: 0.5, steps: 60 }) },
  { optimizer: 'Adam', lr: 0.2, ...runOptimizerOnFunction(fn, 'adam', { lr: 0.2, steps: 60 }) },
  {
    optimizer: 'SGD',
    lr: 9,
    points: [
      [0, 0],
      [50, -80],
      [Number.POSITIVE_INFINITY, 1],
    ],
    losses: [0, 1e9, Infinity],
    diverged: true,
  },
];

describe('lossSurfaceSvg', () => {
  const svg = lossSurfaceSvg(surface, runs, { title: fn.label, levels: 10 });
  const { root, groups } = parse(svg);

  it('is an SVG document with a title and every part in its group', () => {
    expect(root.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(texts(root)).toContain(fn.label);
    expect(Object.keys(groups).sort()).toEqual(
      ['axes', 'colour-bar', 'filled-contours', 'isolines', 'legend', 'trajectories'].sort(),
    );
  });

  it('has axes with tick labels over the surface ranges and the axis names', () => {
    const labels = texts(groups.axes!);
    for (const t of ['-2', '0', '2', 'x', 'y']) expect(labels).toContain(t);
  });

  it('fills the plot with viridis bands, lowest band around the deepest minimum', () => {
    const rects = list(groups['filled-contours']!.rect);
    expect(rects.length).toBeGreaterThan(100);
    const palette = new Set(Array.from({ length: 10 }, (_, k) => viridis((k + 0.5) / 10)));
    expect(rects.every((r) => palette.has(String(r.fill)))).toBe(true);
    // The band colour drawn at the global minimum is the darkest one.
    expect(new Set(rects.map((r) => String(r.fill)))).toContain(viridis(0.05));
    expect(list(groups.isolines!.path).length).toBeGreaterThan(3);
  });

  it('has a colour bar: one block per band and labelled ticks spanning the values', () => {
    const bar = groups['colour-bar']!;
    const blocks = list(bar.rect).filter((r) => r.fill !== 'none');
    expect(blocks.map((r) => r.fill)).toEqual(Array.from({ length: 10 }, (_, k) => viridis((k + 0.5) / 10)));
    const ticks = texts(bar)
      .filter((t) => t !== 'loss')
      .map(Number);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    const values = surface.values.flat();
    expect(Math.min(...ticks)).toBeGreaterThanOrEqual(Math.min(...values));
    expect(Math.max(...ticks)).toBeLessThanOrEqual(Math.max(...values));
    expect(texts(bar)).toContain('loss');
  });

  it('draws each path with a start and an end marker, clipped to the plot, minima as crosses', () => {
    const group = groups.trajectories!;
    expect(group['clip-path']).toBe('url(#plot-area)');
    const circles = list(group.circle);
    // Two finished runs: a start and an end circle each; the diverged run: a start circle and a cross.
    expect(circles).toHaveLength(5);
    const paths = list(group.path).map((p) => String(p.d));
    expect(paths.every((d) => !d.includes('NaN') && !d.includes('Infinity'))).toBe(true);
  });

  it('has a legend with optimizer, learning rate and final loss (or "diverged")', () => {
    const labels = texts(groups.legend!);
    const final = (k: number): string => String(Number(runs[k]!.losses.at(-1)!.toPrecision(4)));
    expect(labels).toContain(`SGD, lr 0.5: final loss ${final(0)}`);
    expect(labels).toContain(`Adam, lr 0.2: final loss ${final(1)}`);
    expect(labels).toContain('SGD, lr 9: diverged');
    expect(labels).toEqual(expect.arrayContaining(['start', 'end (× diverged)', 'local minimum']));
  });

  it('a log scale colours by log₁₀ of the (shifted) loss and says so on the colour bar', () => {
    // A positive surface from 1 to 1000: no shift, so the decades are evenly spaced on the bar.
    const xs = Array.from({ length: 11 }, (_, i) => i / 10);
    const decades: LossSurface = {
      ...surface,
      xs,
      ys: xs,
      values: xs.map(() => xs.map((x) => 10 ** (3 * x))),
    };
    const { groups: logGroups } = parse(lossSurfaceSvg(decades, [], { logScale: true }));
    const bar = logGroups['colour-bar']!;
    expect(texts(bar)).toContain('loss (log scale)');
    const ticks = texts(bar)
      .filter((t) => !t.startsWith('loss'))
      .map(Number);
    expect(ticks).toEqual(expect.arrayContaining([1, 10, 100, 1000]));
    const ys = list(bar.text)
      .filter((t) => ['1', '10', '100', '1000'].includes(String(t['#text'])))
      .map((t) => Number(t.y));
    const gaps = ys.slice(1).map((y, i) => ys[i]! - y);
    gaps.forEach((g) => expect(g).toBeCloseTo(gaps[0]!, 0));
    // The valley's values start at 0: they are shifted, and 0 is labelled.
    const valley = functionSurface(TEST_FUNCTIONS.valley, { resolution: 41 });
    const valleyBar = parse(lossSurfaceSvg(valley, [], { logScale: true })).groups['colour-bar']!;
    expect(texts(valleyBar)).toEqual(expect.arrayContaining(['0', '1', '10', '100', '1000']));
  });

  it('refuses malformed surfaces and options', () => {
    const bad: LossSurface = { ...surface, values: surface.values.slice(1) };
    expect(() => lossSurfaceSvg(bad)).toThrow(ValueError);
    const nan: LossSurface = { ...surface, values: surface.values.map((r) => r.map(() => Number.NaN)) };
    expect(() => lossSurfaceSvg(nan)).toThrow(/no finite values/);
    expect(() => lossSurfaceSvg(surface, [], { levels: 1 })).toThrow(
      /levels must be an integer in \[2, 64\]/,
    );
  });
});

describe('viridis', () => {
  it('runs from dark purple to yellow with rising lightness', () => {
    expect(viridis(0)).toBe('#440154');
    expect(viridis(1)).toBe('#fde725');
    expect(viridis(0.5)).toBe('#21908d');
    const luma = (hex: string): number => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const steps = Array.from({ length: 33 }, (_, k) => luma(viridis(k / 32)));
    steps.slice(1).forEach((l, k) => expect(l).toBeGreaterThan(steps[k]!));
  });
});

describe('contour geometry', () => {
  const xs = [0, 1, 2];
  const ys = [0, 1, 2];
  const plane = ys.map((y) => xs.map((x) => 2 * x + y));

  it('bilinear interpolation is exact on a bilinear function', () => {
    const f = (x: number, y: number): number => 1 + 2 * x - y + 0.5 * x * y;
    const values = ys.map((y) => xs.map((x) => f(x, y)));
    for (const [x, y] of [
      [0.3, 1.7],
      [1.5, 0.25],
      [2, 2],
    ] as const)
      expect(bilinear(xs, ys, values, x, y)).toBeCloseTo(f(x, y), 12);
  });

  it('the isoline of a linear function is its exact level line', () => {
    const segments = isoline(xs, ys, plane, 2.5);
    expect(segments.length).toBeGreaterThan(0);
    for (const [x1, y1, x2, y2] of segments) {
      expect(2 * x1 + y1).toBeCloseTo(2.5, 12);
      expect(2 * x2 + y2).toBeCloseTo(2.5, 12);
    }
  });

  it('a saddle cell joins the corners on the centre side', () => {
    // Corners (0,0)=1, (1,0)=0, (1,1)=1, (0,1)=0, centre 0.5 + bump: level 0.4 keeps the high corners joined.
    const segments = isoline(
      [0, 1],
      [0, 1],
      [
        [1, 0],
        [0, 1],
      ],
      0.4,
    );
    expect(segments).toHaveLength(2);
    // Each segment cuts off one of the low corners (1, 0) and (0, 1).
    for (const [x1, y1, x2, y2] of segments) {
      const nearLow = [
        [1, 0],
        [0, 1],
      ].some(([cx, cy]) => Math.hypot(x1 - cx!, y1 - cy!) < 1 && Math.hypot(x2 - cx!, y2 - cy!) < 1);
      expect(nearLow).toBe(true);
    }
  });
});
