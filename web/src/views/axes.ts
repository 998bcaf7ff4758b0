// @file Axis helpers: "nice" tick values, number labels, and the ticks and names around a square plot.

/** Round tick values covering [min, max], about `count` of them (steps of 1, 2 or 5 × 10ⁿ). */
export function niceTicks(min: number, max: number, count = 6): number[] {
  const span = max - min;
  if (!(span > 0)) return [min];
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step)
    ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** A short label: 3 significant digits, no trailing zeros, exponent form for very small or large values. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}

/** Where a square plot sits on its canvas: its top-left corner, its side and the canvas height (px). */
export interface PlotFrame {
  readonly left: number;
  readonly top: number;
  readonly size: number;
  readonly height: number;
}

/**
 * Draws tick marks with labels below and left of a square plot, then the two axis names (the y name rotated).
 * `xTicks`/`yTicks` are [value, pixel] pairs: the pixel is a canvas x for the x axis, a canvas y for the y axis.
 */
export function drawPlotAxes(
  ctx: CanvasRenderingContext2D,
  frame: PlotFrame,
  xTicks: readonly (readonly [number, number])[],
  yTicks: readonly (readonly [number, number])[],
  names: readonly [string, string],
): void {
  const { left, top, size, height } = frame;
  ctx.fillStyle = '#5f6773';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const [value, px] of xTicks) {
    ctx.fillRect(px, top + size, 1, 4);
    ctx.fillText(formatNumber(value), px, top + size + 6);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const [value, py] of yTicks) {
    ctx.fillRect(left - 4, py, 4, 1);
    ctx.fillText(formatNumber(value), left - 6, py);
  }
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = '#2b313a';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(names[0], left + size / 2, height - 2);
  ctx.save();
  ctx.translate(12, top + size / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(names[1], 0, 0);
  ctx.restore();
}
