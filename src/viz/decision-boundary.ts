// @file Decision-boundary plot: a model's predicted probability over a 2-D input plane, the data, the 0.5 contour.
import { noGrad } from '../autograd/grad-mode.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { PALETTE, axes, document, esc, legend, mix } from './svg.js';

/** One model to draw: a title and a function from inputs [m, 2] to probabilities [m, 1] / [m] (binary) or [m, C]. */
export interface BoundaryPanel {
  title: string;
  predict: (x: Tensor) => Tensor;
}

export interface DecisionBoundaryOptions {
  /** The models, drawn side by side. */
  panels: readonly BoundaryPanel[];
  /** Training points [n, 2] and their labels ([n] int classes or [n, 1] / [n] 0/1 floats). */
  x: Tensor;
  y: Tensor;
  /** Validation points, drawn hollow. */
  validation?: { x: Tensor; y: Tensor };
  xLabel?: string;
  yLabel?: string;
  title?: string;
  classNames?: readonly string[];
  /** Grid cells per side of the heatmap (default 60). */
  resolution?: number;
  /** Plot range; default: the data's range with a 5% margin. */
  bounds?: { x: [number, number]; y: [number, number] };
}

const PANEL = 380; // side of one plot area in pixels

function labelsOf(y: Tensor, n: number): number[] {
  if (y.numel() !== n)
    throw new ShapeError('decisionBoundarySvg', `expected ${n} labels, got shape ${fmtShape(y.shape)}`);
  return Array.from(y.dataSync(), (v) => Math.round(v));
}

function range(values: number[], margin = 0.05): [number, number] {
  // A loop, not Math.min(...values): spreading ~10⁵ arguments overflows the call stack.
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * margin;
  return [lo - pad, hi + pad];
}

/** Evaluates the model on the grid corners: returns per-corner class probabilities (row-major, y from bottom). */
function evaluate(
  panel: BoundaryPanel,
  xs: number[],
  ys: number[],
): { probs: Float64Array; classes: number } {
  const points = new Float32Array(xs.length * ys.length * 2);
  let k = 0;
  for (const yv of ys) {
    for (const xv of xs) {
      points[k++] = xv;
      points[k++] = yv;
    }
  }
  const out = noGrad(() => panel.predict(tensor(points, { shape: [xs.length * ys.length, 2] })));
  const m = xs.length * ys.length;
  const classes = out.ndim === 2 && out.shape[1]! > 1 ? out.shape[1]! : 1;
  if (out.numel() !== m * classes) {
    throw new ShapeError(
      'decisionBoundarySvg',
      `panel '${panel.title}': predict returned shape ${fmtShape(out.shape)} for ${m} points`,
    );
  }
  const probs = Float64Array.from(out.dataSync());
  for (const p of probs) {
    if (!(p >= 0 && p <= 1)) {
      throw new ValueError(
        'decisionBoundarySvg',
        `panel '${panel.title}': predict must return probabilities in [0, 1], got ${p}`,
      );
    }
  }
  return { probs, classes };
}

/** Marching squares on corner values v (rows × cols, row-major): segments where v crosses `level`. */
function contour(
  v: Float64Array,
  cols: number,
  rows: number,
  level: number,
  px: (c: number) => number,
  py: (r: number) => number,
): string {
  const segments: string[] = [];
  const at = (r: number, c: number): number => v[r * cols + c]!;
  const lerp = (a: number, b: number): number => (level - a) / (b - a);
  for (let r = 0; r + 1 < rows; r++) {
    for (let c = 0; c + 1 < cols; c++) {
      const corners = [at(r, c), at(r, c + 1), at(r + 1, c + 1), at(r + 1, c)];
      // Edge crossing points: bottom (r), right (c+1), top (r+1), left (c).
      const points: [number, number][] = [];
      const edges: [number, number, number, number, number, number][] = [
        [0, 1, r, c, 0, 1],
        [1, 2, r, c + 1, 1, 0],
        [3, 2, r + 1, c, 0, 1],
        [0, 3, r, c, 1, 0],
      ];
      for (const [i, j, r0, c0, dr, dc] of edges) {
        const a = corners[i]!;
        const b = corners[j]!;
        if (a >= level !== b >= level) {
          const t = lerp(a, b);
          points.push([px(c0 + dc * t), py(r0 + dr * t)]);
        }
      }
      for (let p = 0; p + 1 < points.length; p += 2) {
        const [x0, y0] = points[p]!;
        const [x1, y1] = points[p + 1]!;
        segments.push(`M${x0.toFixed(1)} ${y0.toFixed(1)}L${x1.toFixed(1)} ${y1.toFixed(1)}`);
      }
    }
  }
  return segments.join('');
}

/**
 * Renders one or more models' decision regions as an SVG string. Binary models: a diverging heatmap of
 * p(class 1) with the p = 0.5 contour (the decision boundary; a straight line for a perceptron). Multi-class
 * models: each region in its class colour, shaded by confidence. Training points are filled, validation
 * points hollow.
 */
export function decisionBoundarySvg(options: DecisionBoundaryOptions): string {
  const { panels, x } = options;
  if (panels.length === 0) throw new ValueError('decisionBoundarySvg', 'need at least one panel');
  if (x.ndim !== 2 || x.shape[1] !== 2)
    throw new ShapeError('decisionBoundarySvg', `points must have shape [n, 2], got ${fmtShape(x.shape)}`);
  const n = x.shape[0]!;
  const labels = labelsOf(options.y, n);
  const points = x.dataSync();
  const px = Array.from({ length: n }, (_, i) => points[2 * i]!);
  const py = Array.from({ length: n }, (_, i) => points[2 * i + 1]!);
  const val = options.validation;
  const vn = val ? val.x.shape[0]! : 0;
  const vLabels = val ? labelsOf(val.y, vn) : [];
  const valPoints = val ? val.x.dataSync() : new Float32Array(0);
  const vx = Array.from({ length: vn }, (_, i) => valPoints[2 * i]!);
  const vy = Array.from({ length: vn }, (_, i) => valPoints[2 * i + 1]!);
  const xRange = options.bounds?.x ?? range([...px, ...vx]);
  const yRange = options.bounds?.y ?? range([...py, ...vy]);
  const res = options.resolution ?? 60;
  const gx = Array.from({ length: res + 1 }, (_, i) => xRange[0] + ((xRange[1] - xRange[0]) * i) / res);
  const gy = Array.from({ length: res + 1 }, (_, i) => yRange[0] + ((yRange[1] - yRange[0]) * i) / res);
  const classCount = Math.max(2, ...labels.map((l) => l + 1), ...vLabels.map((l) => l + 1));
  const names = options.classNames ?? Array.from({ length: classCount }, (_, c) => `class ${c}`);

  const margin = { left: 70, top: options.title ? 70 : 45, gap: 80, right: 170, bottom: 60 };
  const width = margin.left + panels.length * PANEL + (panels.length - 1) * margin.gap + margin.right;
  const height = margin.top + PANEL + margin.bottom;
  const body: string[] = [];

  panels.forEach((panel, index) => {
    const left = margin.left + index * (PANEL + margin.gap);
    const frame = { left, top: margin.top, width: PANEL, height: PANEL };
    const {
      svg: axesSvg,
      sx,
      sy,
    } = axes(frame, xRange, yRange, options.xLabel ?? 'x₁', options.yLabel ?? 'x₂');
    const { probs, classes } = evaluate(panel, gx, gy);
    const cols = res + 1;
    const cellW = PANEL / res;
    const cells: string[] = [];
    // Cell colour from the mean of its four corners; runs of equal colour in a row are merged into one rect.
    for (let r = 0; r < res; r++) {
      let runStart = 0;
      let runColor = '';
      const flush = (end: number): void => {
        if (runColor && end > runStart) {
          const yTop = margin.top + PANEL - (r + 1) * cellW;
          cells.push(
            `<rect x="${(left + runStart * cellW).toFixed(2)}" y="${yTop.toFixed(2)}" width="${((end - runStart) * cellW + 0.4).toFixed(2)}" height="${(cellW + 0.4).toFixed(2)}" fill="${runColor}"/>`,
          );
        }
      };
      for (let c = 0; c < res; c++) {
        const color = cellColor(probs, classes, [
          r * cols + c,
          r * cols + c + 1,
          (r + 1) * cols + c,
          (r + 1) * cols + c + 1,
        ]);
        if (color !== runColor) {
          flush(c);
          runStart = c;
          runColor = color;
        }
      }
      flush(res);
    }
    body.push(`<g shape-rendering="crispEdges">${cells.join('')}</g>`);
    const toX = (c: number): number => left + c * cellW;
    const toY = (r: number): number => margin.top + PANEL - r * cellW;
    if (classes === 1) {
      const path = contour(probs, cols, res + 1, 0.5, toX, toY);
      if (path)
        body.push(`<path d="${path}" fill="none" stroke="#222" stroke-width="2" stroke-dasharray="6 4"/>`);
    } else {
      const argmax = new Float64Array(cols * (res + 1));
      for (let i = 0; i < argmax.length; i++) {
        let best = 0;
        for (let k = 1; k < classes; k++) if (probs[i * classes + k]! > probs[i * classes + best]!) best = k;
        argmax[i] = best;
      }
      const paths: string[] = [];
      for (let k = 0; k < classes; k++) {
        const indicator = argmax.map((a) => (a === k ? 1 : 0));
        paths.push(contour(indicator, cols, res + 1, 0.5, toX, toY));
      }
      body.push(`<path d="${paths.join('')}" fill="none" stroke="#222" stroke-width="1.5"/>`);
    }
    body.push(axesSvg);
    const dots: string[] = [];
    for (let i = 0; i < n; i++) {
      dots.push(
        `<circle cx="${sx(px[i]!).toFixed(1)}" cy="${sy(py[i]!).toFixed(1)}" r="3.2" fill="${PALETTE[labels[i]! % 10]}" stroke="#fff" stroke-width="0.8"/>`,
      );
    }
    for (let i = 0; i < vn; i++) {
      dots.push(
        `<circle cx="${sx(vx[i]!).toFixed(1)}" cy="${sy(vy[i]!).toFixed(1)}" r="3.2" fill="none" stroke="${PALETTE[vLabels[i]! % 10]}" stroke-width="1.5"/>`,
      );
    }
    body.push(`<g>${dots.join('')}</g>`);
    body.push(
      `<text x="${left + PANEL / 2}" y="${margin.top - 12}" font-size="14" text-anchor="middle" fill="#111">${esc(panel.title)}</text>`,
    );
  });

  const legendX = width - margin.right + 20;
  const items: { label: string; color: string; kind: 'dot' | 'dash' }[] = names
    .slice(0, classCount)
    .map((label, c) => ({ label, color: PALETTE[c % 10]!, kind: 'dot' }));
  if (vn > 0) items.push({ label: 'hollow: validation', color: '#888', kind: 'dot' });
  items.push({ label: classCount === 2 ? 'boundary (p = 0.5)' : 'boundary', color: '#222', kind: 'dash' });
  body.push(legend(legendX, margin.top + 10, items));
  if (classCount === 2) body.push(probabilityKey(legendX, margin.top + 40 + items.length * 18, names));
  return document(width, height, body.join('\n'), options.title);
}

/** Heatmap colour: binary → blue (p = 0) through white to orange (p = 1); multi-class → the winning class, by confidence. */
function cellColor(probs: Float64Array, classes: number, corners: number[]): string {
  if (classes === 1) {
    const p = corners.reduce((s, i) => s + probs[i]!, 0) / corners.length;
    const level = Math.round(p * 20) / 20; // 21 shades keep the SVG small
    return level < 0.5
      ? mix('#ffffff', PALETTE[0]!, (0.5 - level) * 1.1)
      : mix('#ffffff', PALETTE[1]!, (level - 0.5) * 1.1);
  }
  const mean = new Float64Array(classes);
  for (const i of corners)
    for (let k = 0; k < classes; k++) mean[k] = mean[k]! + probs[i * classes + k]! / corners.length;
  let best = 0;
  for (let k = 1; k < classes; k++) if (mean[k]! > mean[best]!) best = k;
  const confidence = (mean[best]! - 1 / classes) / (1 - 1 / classes);
  return mix('#ffffff', PALETTE[best % 10]!, 0.15 + (0.5 * Math.round(confidence * 10)) / 10);
}

function probabilityKey(x: number, y: number, names: readonly string[]): string {
  const stops = Array.from({ length: 11 }, (_, i) => {
    const p = i / 10;
    const color =
      p < 0.5 ? mix('#ffffff', PALETTE[0]!, (0.5 - p) * 1.1) : mix('#ffffff', PALETTE[1]!, (p - 0.5) * 1.1);
    return `<rect x="${x + i * 12}" y="${y}" width="12" height="12" fill="${color}"/>`;
  });
  return (
    `<text x="${x}" y="${y - 6}" font-size="11" fill="#333">p(${esc(names[1] ?? 'class 1')})</text>` +
    stops.join('') +
    `<text x="${x}" y="${y + 26}" font-size="10" fill="#333">0</text><text x="${x + 132}" y="${y + 26}" font-size="10" text-anchor="end" fill="#333">1</text>`
  );
}
