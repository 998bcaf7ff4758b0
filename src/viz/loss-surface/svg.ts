// @file lossSurfaceSvg: filled contours of a loss surface (viridis, colour bar, log option) with optimizer paths.
import { ValueError } from '../../errors.js';
import { PALETTE, axes, document, esc, fmt, legend, niceTicks, scale } from '../svg.js';
import { viridis } from './colormap.js';
import { bilinear, isoline } from './contours.js';
import type { LossSurface } from './surface.js';

/** One optimizer run drawn on a surface: its points on the slice and the loss at each. */
export interface Trajectory {
  /** Optimizer name as the legend shows it, e.g. 'SGD', 'SGD + momentum 0.9', 'Adam'. */
  optimizer: string;
  lr?: number;
  /** Coordinates on the surface's slice, first = start. */
  points: readonly (readonly [number, number])[];
  /** Loss at each point (the last one is the legend's final loss). */
  losses: readonly number[];
  /** Ended in a non-finite value (or left every bound): drawn with a cross at its last point. */
  diverged?: boolean;
  /** Line colour (default: the categorical palette in order). */
  color?: string;
}

export interface LossSurfaceSvgOptions {
  title?: string;
  /** Colour by log₁₀ of the loss (shifted to be positive when the surface has values ≤ 0). */
  logScale?: boolean;
  /** Number of filled contour bands (default 14). */
  levels?: number;
  /** Colour bar caption (default 'loss'). */
  valueLabel?: string;
  /** Clip the colour range to [low, high] (values outside get the end colours). */
  valueRange?: [number, number];
  width?: number;
  height?: number;
}

/** Pixels per raster cell of the filled bands. */
const CELL = 3;

/**
 * Renders a loss surface as an SVG string: filled contour bands coloured with viridis (dark = low loss) and their
 * isolines, a colour bar with the band values, labelled axes, the surface's minima as white crosses, and each
 * trajectory as a polyline with an open circle at its start and a filled dot at its end (a cross when it
 * diverged), plus a legend naming optimizer, learning rate and final loss.
 *
 * With `logScale` the colour of z is set by log₁₀(z − s), where s = 0 when every value is positive and
 * s = min z − 10^round(log₁₀((max z − min z)·10⁻⁴)) otherwise; the colour bar is labelled in z itself.
 */
export function lossSurfaceSvg(
  surface: LossSurface,
  trajectories: readonly Trajectory[] = [],
  options: LossSurfaceSvgOptions = {},
): string {
  const { xs, ys, values } = surface;
  if (
    xs.length < 2 ||
    ys.length < 2 ||
    values.length !== ys.length ||
    values.some((r) => r.length !== xs.length)
  )
    throw new ValueError(
      'lossSurfaceSvg',
      `values must be ${ys.length} rows of ${xs.length} (ys × xs, at least 2 × 2), got ${values.length} rows`,
    );
  const finite = values.flat().filter(Number.isFinite);
  if (finite.length === 0) throw new ValueError('lossSurfaceSvg', 'the surface has no finite values');
  const levels = options.levels ?? 14;
  if (!Number.isInteger(levels) || levels < 2 || levels > 64)
    throw new ValueError('lossSurfaceSvg', `levels must be an integer in [2, 64], got ${levels}`);

  let [zMin, zMax] = options.valueRange ?? [Math.min(...finite), Math.max(...finite)];
  if (!(zMax > zMin)) [zMin, zMax] = [zMin - 1, zMax + 1];
  const shift = options.logScale && zMin <= 0 ? zMin - 10 ** Math.round(Math.log10((zMax - zMin) * 1e-4)) : 0;
  const toT = (z: number): number => (options.logScale ? Math.log10(z - shift) : z);
  const fromT = (t: number): number => (options.logScale ? 10 ** t + shift : t);
  const [tMin, tMax] = [toT(zMin), toT(zMax)];
  const band = (z: number): number =>
    Math.min(levels - 1, Math.max(0, Math.floor(((toT(z) - tMin) / (tMax - tMin)) * levels)));
  const bandColor = (k: number): string => viridis((k + 0.5) / levels);

  const height = options.height ?? 560;
  const top = options.title ? 50 : 25;
  const plotHeight = height - top - 60;
  const barArea = 95;
  // Legend entries are about 7 px per character at 12 px.
  const legendWidth = 40 + 7 * Math.max(18, ...trajectories.map((run) => legendLabel(run).length));
  const width = options.width ?? Math.ceil(75 + plotHeight * 1.15 + barArea + legendWidth);
  const plotWidth = Math.max(100, Math.min(width - 75 - barArea - legendWidth, plotHeight * 1.15));
  const frame = { left: 75, top, width: plotWidth, height: plotHeight };
  const xRange: [number, number] = [xs[0]!, xs[xs.length - 1]!];
  const yRange: [number, number] = [ys[0]!, ys[ys.length - 1]!];
  const sx = scale(xRange[0], xRange[1], frame.left, frame.left + frame.width);
  const sy = scale(yRange[0], yRange[1], frame.top + frame.height, frame.top);
  const body: string[] = [];

  // Filled bands: the surface sampled bilinearly at the centre of each raster cell, runs of one band merged.
  const columns = Math.ceil(frame.width / CELL);
  const rows = Math.ceil(frame.height / CELL);
  const [cw, ch] = [frame.width / columns, frame.height / rows];
  const fill: string[] = [];
  for (let r = 0; r < rows; r++) {
    const y = yRange[1] - ((r + 0.5) / rows) * (yRange[1] - yRange[0]);
    let runStart = 0;
    let runBand = Number.NaN;
    for (let c = 0; c <= columns; c++) {
      let k = Number.NaN;
      if (c < columns) {
        const z = bilinear(xs, ys, values, xRange[0] + ((c + 0.5) / columns) * (xRange[1] - xRange[0]), y);
        k = Number.isFinite(z) ? band(z) : -1;
      }
      if (c === columns || k !== runBand) {
        if (c > 0) {
          const color = runBand === -1 ? '#bbbbbb' : bandColor(runBand);
          fill.push(
            `<rect x="${(frame.left + runStart * cw).toFixed(1)}" y="${(frame.top + r * ch).toFixed(1)}" width="${((c - runStart) * cw + 0.4).toFixed(1)}" height="${(ch + 0.4).toFixed(1)}" fill="${color}"/>`,
          );
        }
        runStart = c;
        runBand = k;
      }
    }
  }
  body.push(`<g id="filled-contours" shape-rendering="crispEdges">\n${fill.join('\n')}\n</g>`);

  // Isolines at the band boundaries.
  const lines: string[] = [];
  for (let k = 1; k < levels; k++) {
    const level = fromT(tMin + ((tMax - tMin) * k) / levels);
    const d = isoline(xs, ys, values, level)
      .map(
        ([x1, y1, x2, y2]) =>
          `M${sx(x1).toFixed(1)} ${sy(y1).toFixed(1)}L${sx(x2).toFixed(1)} ${sy(y2).toFixed(1)}`,
      )
      .join('');
    if (d)
      lines.push(`<path d="${d}" fill="none" stroke="#ffffff" stroke-opacity="0.45" stroke-width="0.7"/>`);
  }
  body.push(`<g id="isolines">\n${lines.join('\n')}\n</g>`);

  const labelled = axes(frame, xRange, yRange, surface.xLabel, surface.yLabel);
  body.push(`<g id="axes">\n${labelled.svg}\n</g>`);

  // Everything drawn in data coordinates is clipped to the plot frame.
  body.push(
    `<clipPath id="plot-area"><rect x="${frame.left}" y="${frame.top}" width="${frame.width}" height="${frame.height}"/></clipPath>`,
  );
  const px = (x: number): string => Math.min(1e5, Math.max(-1e5, sx(x))).toFixed(1);
  const py = (y: number): string => Math.min(1e5, Math.max(-1e5, sy(y))).toFixed(1);
  const marks: string[] = [];
  for (const [mx, my] of surface.minima ?? []) {
    const [x, y] = [Number(px(mx)), Number(py(my))];
    marks.push(
      `<path d="M${x - 5} ${y - 5}L${x + 5} ${y + 5}M${x - 5} ${y + 5}L${x + 5} ${y - 5}" stroke="#ffffff" stroke-width="2"/>`,
    );
  }
  const paths: string[] = [];
  const items: { label: string; color: string; kind: 'line' }[] = [];
  trajectories.forEach((run, n) => {
    const color = run.color ?? PALETTE[n % PALETTE.length]!;
    const points = run.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    if (points.length === 0) return;
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p[0])} ${py(p[1])}`).join('');
    paths.push(
      `<path d="${d}" fill="none" stroke="#ffffff" stroke-width="4" stroke-opacity="0.6" stroke-linejoin="round"/>`,
    );
    paths.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`);
    const [sx0, sy0] = [px(points[0]![0]), py(points[0]![1])];
    paths.push(
      `<circle cx="${sx0}" cy="${sy0}" r="5.5" fill="#ffffff" stroke="${color}" stroke-width="2.5"/>`,
    );
    const last = points[points.length - 1]!;
    const [ex, ey] = [Number(px(last[0])), Number(py(last[1]))];
    paths.push(
      run.diverged
        ? `<path d="M${ex - 6} ${ey - 6}L${ex + 6} ${ey + 6}M${ex - 6} ${ey + 6}L${ex + 6} ${ey - 6}" stroke="${color}" stroke-width="3"/>`
        : `<circle cx="${ex}" cy="${ey}" r="5" fill="${color}" stroke="#ffffff" stroke-width="1.5"/>`,
    );
    items.push({
      label: legendLabel(run),
      color,
      kind: 'line',
    });
  });
  body.push(
    `<g id="trajectories" clip-path="url(#plot-area)">\n${marks.join('\n')}\n${paths.join('\n')}\n</g>`,
  );

  // Colour bar: one block per band, labelled with round values of z.
  const bar = { left: frame.left + frame.width + 22, top: frame.top, width: 16, height: frame.height };
  const barY = scale(tMin, tMax, bar.top + bar.height, bar.top);
  const barParts: string[] = [];
  for (let k = 0; k < levels; k++) {
    const [t0, t1] = [tMin + ((tMax - tMin) * k) / levels, tMin + ((tMax - tMin) * (k + 1)) / levels];
    barParts.push(
      `<rect x="${bar.left}" y="${barY(t1).toFixed(1)}" width="${bar.width}" height="${(barY(t0) - barY(t1) + 0.4).toFixed(1)}" fill="${bandColor(k)}"/>`,
    );
  }
  barParts.push(
    `<rect x="${bar.left}" y="${bar.top}" width="${bar.width}" height="${bar.height}" fill="none" stroke="#555"/>`,
  );
  const tickValues = options.logScale ? logTicks(zMin, zMax, shift) : niceTicks(zMin, zMax, 6);
  for (const z of tickValues) {
    const y = barY(toT(z)).toFixed(1);
    barParts.push(
      `<line x1="${bar.left + bar.width}" y1="${y}" x2="${bar.left + bar.width + 4}" y2="${y}" stroke="#555"/>`,
    );
    barParts.push(
      `<text x="${bar.left + bar.width + 7}" y="${y}" font-size="11" dominant-baseline="middle" fill="#333">${fmt(z)}</text>`,
    );
  }
  const caption = (options.valueLabel ?? 'loss') + (options.logScale ? ' (log scale)' : '');
  const [cx, cy] = [bar.left - 6, bar.top + bar.height / 2];
  barParts.push(
    `<text x="${cx}" y="${cy}" font-size="12" text-anchor="middle" fill="#222" transform="rotate(-90 ${cx} ${cy})">${esc(caption)}</text>`,
  );
  body.push(`<g id="colour-bar">\n${barParts.join('\n')}\n</g>`);

  const legendX = bar.left + barArea - 10;
  const legendItems = [...items, ...(surface.minima?.length ? [] : [])];
  const key: string[] = [legend(legendX, frame.top + 10, legendItems)];
  const keyY = frame.top + 10 + legendItems.length * 18 + 12;
  key.push(
    `<circle cx="${legendX + 7}" cy="${keyY}" r="5" fill="#ffffff" stroke="#555" stroke-width="2"/><text x="${legendX + 22}" y="${keyY}" font-size="12" dominant-baseline="middle" fill="#222">start</text>`,
    `<circle cx="${legendX + 7}" cy="${keyY + 18}" r="5" fill="#555"/><text x="${legendX + 22}" y="${keyY + 18}" font-size="12" dominant-baseline="middle" fill="#222">end (× diverged)</text>`,
  );
  if (surface.minima?.length)
    key.push(
      `<rect x="${legendX}" y="${keyY + 29}" width="14" height="14" fill="${viridis(0.1)}"/><path d="M${legendX + 2} ${keyY + 31}L${legendX + 12} ${keyY + 41}M${legendX + 2} ${keyY + 41}L${legendX + 12} ${keyY + 31}" stroke="#ffffff" stroke-width="2"/><text x="${legendX + 22}" y="${keyY + 36}" font-size="12" dominant-baseline="middle" fill="#222">local minimum</text>`,
    );
  body.push(`<g id="legend">\n${key.join('\n')}\n</g>`);
  return document(width, height, body.join('\n'), options.title);
}

/** 'SGD, lr 0.1: final loss 0.231' or 'Adam, lr 5: diverged'. */
function legendLabel(run: Trajectory): string {
  const finalLoss = run.losses[run.losses.length - 1];
  const outcome =
    run.diverged || finalLoss === undefined || !Number.isFinite(finalLoss)
      ? 'diverged'
      : `final loss ${fmt(finalLoss)}`;
  return `${run.optimizer}${run.lr !== undefined ? `, lr ${fmt(run.lr)}` : ''}: ${outcome}`;
}

/**
 * Colour-bar ticks for a log scale: the round values 1, 2, 5 × 10^k (only 10^k over more than three decades)
 * inside [zMin, zMax], and 0 when the range holds it; ticks closer than 1/25 of the bar are dropped.
 */
function logTicks(zMin: number, zMax: number, shift: number): number[] {
  const toT = (z: number): number => Math.log10(z - shift);
  const [a, b] = [toT(zMin), toT(zMax)];
  const low = Math.max(zMin, (zMax - zMin) * 1e-6);
  const [e0, e1] = [Math.floor(Math.log10(low)), Math.ceil(Math.log10(zMax))];
  const candidates = zMin <= 0 && zMax >= 0 ? [0] : [];
  for (let e = e0; e <= e1; e++)
    for (const m of e1 - e0 > 3 ? [1] : [1, 2, 5]) candidates.push(Number((m * 10 ** e).toPrecision(6)));
  const ticks: number[] = [];
  for (const z of candidates.filter((v) => v >= zMin && v <= zMax).sort((p, q) => p - q))
    if (ticks.length === 0 || toT(z) - toT(ticks[ticks.length - 1]!) > (b - a) / 25) ticks.push(z);
  return ticks.length >= 2 ? ticks : [zMin, zMax];
}
