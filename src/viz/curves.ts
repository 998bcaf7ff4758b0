// @file Line charts of training curves: loss or metric per epoch for several series, with marked epochs.
import { ValueError } from '../errors.js';
import { PALETTE, axes, document, esc, legend } from './svg.js';

export interface CurveSeries {
  name: string;
  /** One value per x position (x = 1, 2, … unless `x` is given); NaN leaves a gap. */
  values: readonly number[];
  x?: readonly number[];
  dashed?: boolean;
}

export interface CurveOptions {
  series: readonly CurveSeries[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Vertical markers, e.g. { x: 12, label: 'early stop' }. */
  markers?: readonly { x: number; label: string }[];
  /** Log-scale y axis (values must be positive). */
  logY?: boolean;
  width?: number;
  height?: number;
}

/**
 * Renders training curves (e.g. train and validation loss per epoch) as an SVG string with labelled axes,
 * a legend, and optional vertical markers such as the early-stopping epoch.
 */
export function curvesSvg(options: CurveOptions): string {
  const { series } = options;
  if (series.length === 0 || series.every((s) => s.values.length === 0))
    throw new ValueError('curvesSvg', 'need at least one non-empty series');
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const frame = {
    left: 75,
    top: options.title ? 50 : 25,
    width: width - 75 - 170,
    height: height - (options.title ? 50 : 25) - 60,
  };
  const toY = (v: number): number => (options.logY ? Math.log10(v) : v);
  const xs = series.flatMap((s) => s.values.map((_, i) => s.x?.[i] ?? i + 1));
  const ys = series.flatMap((s) =>
    s.values.filter((v) => Number.isFinite(v) && (!options.logY || v > 0)).map(toY),
  );
  if (ys.length === 0) throw new ValueError('curvesSvg', 'no finite values to plot');
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (!(y1 > y0)) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  if (!(x1 > x0)) [x0, x1] = [x0 - 1, x1 + 1];
  const yLabel = (options.yLabel ?? 'value') + (options.logY ? ' (log₁₀)' : '');
  const { svg, sx, sy } = axes(frame, [x0, x1], [y0 - pad, y1 + pad], options.xLabel ?? 'epoch', yLabel);
  const body: string[] = [svg];
  series.forEach((s, k) => {
    const color = PALETTE[k % 10]!;
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v) || (options.logY && v <= 0)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${sx(s.x?.[i] ?? i + 1).toFixed(1)} ${sy(toY(v)).toFixed(1)}`;
      pen = true;
    });
    body.push(
      `<path d="${d}" fill="none" stroke="${color}" stroke-width="2.2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    if (s.values.length <= 60) {
      s.values.forEach((v, i) => {
        if (Number.isFinite(v) && !(options.logY && v <= 0)) {
          body.push(
            `<circle cx="${sx(s.x?.[i] ?? i + 1).toFixed(1)}" cy="${sy(toY(v)).toFixed(1)}" r="2.5" fill="${color}"/>`,
          );
        }
      });
    }
  });
  for (const m of options.markers ?? []) {
    const x = sx(m.x).toFixed(1);
    body.push(
      `<line x1="${x}" y1="${frame.top}" x2="${x}" y2="${frame.top + frame.height}" stroke="#d62728" stroke-width="1.5" stroke-dasharray="3 3"/>`,
    );
    body.push(
      `<text x="${Number(x) + 4}" y="${frame.top + 14}" font-size="11" fill="#d62728">${esc(m.label)}</text>`,
    );
  }
  body.push(
    legend(
      frame.left + frame.width + 20,
      frame.top + 10,
      series.map((s, k) => ({
        label: s.name,
        color: PALETTE[k % 10]!,
        kind: s.dashed ? ('dash' as const) : ('line' as const),
      })),
    ),
  );
  return document(width, height, body.join('\n'), options.title);
}
