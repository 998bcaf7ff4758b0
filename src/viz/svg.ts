// @file Minimal SVG building blocks shared by the plots: escaping, axes with nice ticks, legends, colour maps.

/** Escapes text for SVG content and attribute values. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A number formatted compactly for tick labels. */
export function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

/** About `count` round tick values covering [min, max] (1, 2, 5 × 10^k steps). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** A linear map from a data interval onto a pixel interval. */
export function scale(d0: number, d1: number, p0: number, p1: number): (v: number) => number {
  const span = d1 - d0 || 1;
  return (v) => p0 + ((v - d0) / span) * (p1 - p0);
}

export const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

/** Categorical colours (Tableau 10), readable on white and distinguishable for common colour blindness. */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/** Mixes two hex colours: t = 0 gives a, t = 1 gives b. */
export function mix(a: string, b: string, t: number): string {
  const pa = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16));
  const pb = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16));
  const c = pa.map((x, i) => Math.round(x + (pb[i]! - x) * Math.min(1, Math.max(0, t))));
  return `#${c.map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}

export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Axes box with ticks, grid lines and labels for the data ranges; returns the SVG and the two scales. */
export function axes(
  frame: Frame,
  xRange: [number, number],
  yRange: [number, number],
  xLabel: string,
  yLabel: string,
): { svg: string; sx: (v: number) => number; sy: (v: number) => number } {
  const { left, top, width, height } = frame;
  const sx = scale(xRange[0], xRange[1], left, left + width);
  const sy = scale(yRange[0], yRange[1], top + height, top);
  const parts: string[] = [];
  for (const t of niceTicks(xRange[0], xRange[1])) {
    const x = sx(t).toFixed(1);
    parts.push(`<line x1="${x}" y1="${top + height}" x2="${x}" y2="${top + height + 5}" stroke="#555"/>`);
    parts.push(
      `<text x="${x}" y="${top + height + 18}" font-size="11" text-anchor="middle" fill="#333">${fmt(t)}</text>`,
    );
  }
  for (const t of niceTicks(yRange[0], yRange[1])) {
    const y = sy(t).toFixed(1);
    parts.push(`<line x1="${left - 5}" y1="${y}" x2="${left}" y2="${y}" stroke="#555"/>`);
    parts.push(
      `<text x="${left - 8}" y="${y}" font-size="11" text-anchor="end" dominant-baseline="middle" fill="#333">${fmt(t)}</text>`,
    );
  }
  parts.push(`<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#555"/>`);
  parts.push(
    `<text x="${left + width / 2}" y="${top + height + 38}" font-size="13" text-anchor="middle" fill="#222">${esc(xLabel)}</text>`,
  );
  parts.push(
    `<text x="${left - 45}" y="${top + height / 2}" font-size="13" text-anchor="middle" fill="#222" transform="rotate(-90 ${left - 45} ${top + height / 2})">${esc(yLabel)}</text>`,
  );
  return { svg: parts.join('\n'), sx, sy };
}

/** A legend: coloured swatches (squares or lines) with labels, stacked from (x, y). */
export function legend(
  x: number,
  y: number,
  items: { label: string; color: string; kind?: 'line' | 'dot' | 'dash' }[],
): string {
  return items
    .map((item, i) => {
      const cy = y + i * 18;
      const swatch =
        item.kind === 'dot'
          ? `<circle cx="${x + 7}" cy="${cy}" r="5" fill="${item.color}" stroke="#fff"/>`
          : `<line x1="${x}" y1="${cy}" x2="${x + 16}" y2="${cy}" stroke="${item.color}" stroke-width="2.5"${item.kind === 'dash' ? ' stroke-dasharray="4 3"' : ''}/>`;
      return `${swatch}<text x="${x + 22}" y="${cy}" font-size="12" dominant-baseline="middle" fill="#222">${esc(item.label)}</text>`;
    })
    .join('\n');
}

/** Wraps content in an <svg> root with a white background and an optional title. */
export function document(width: number, height: number, body: string, title?: string): string {
  const heading = title
    ? `<text x="${width / 2}" y="24" font-size="16" font-weight="600" text-anchor="middle" fill="#111">${esc(title)}</text>\n`
    : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>\n` +
    `<rect width="100%" height="100%" fill="#fff"/>\n${heading}${body}\n</svg>\n`
  );
}
