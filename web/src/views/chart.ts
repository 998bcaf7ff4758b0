// @file A small line chart on a canvas: epochs on x, one or more series, and marked epochs (early stopping,
// hyper-parameter changes); long series are thinned to a few points per pixel column.
import { formatNumber, niceTicks } from './axes.js';
import { ownLayer, setupCanvas } from './grid-image.js';

export interface Series {
  name: string;
  color: string;
  dashed?: boolean;
  /** y at each of the chart's epochs; null leaves a gap. */
  values: (number | null)[];
}

export interface Marker {
  epoch: number;
  label: string;
  color: string;
}

const MARGIN = { left: 44, right: 12, top: 22, bottom: 22 };

export class LineChart {
  /** The x values (epoch numbers) shared by every series. */
  epochs: number[] = [];
  series: Series[] = [];
  markers: Marker[] = [];

  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly title: string,
    readonly fixedRange: [number, number] | null = null,
  ) {
    ownLayer(canvas);
  }

  draw(width: number, height: number): void {
    const ctx = setupCanvas(this.canvas, width, height);
    ctx.clearRect(0, 0, width, height);
    const plotW = width - MARGIN.left - MARGIN.right;
    const plotH = height - MARGIN.top - MARGIN.bottom;
    const epochs = Math.max(1, this.epochs[this.epochs.length - 1] ?? 1);
    let [yMin, yMax] = this.fixedRange ?? [0, 0];
    if (!this.fixedRange) {
      const all = this.series.flatMap((s) =>
        s.values.filter((v): v is number => v !== null && Number.isFinite(v)),
      );
      yMin = 0;
      yMax = all.length > 0 ? Math.max(...all) * 1.05 : 1;
      if (!(yMax > 0)) yMax = 1;
    }
    const px = (epoch: number): number => MARGIN.left + ((epoch - 1) / Math.max(1, epochs - 1)) * plotW;
    const py = (v: number): number => MARGIN.top + (1 - (v - yMin) / (yMax - yMin)) * plotH;

    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#2b313a';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.fillText(this.title, MARGIN.left, 4);
    // Legend, right-aligned in the title row.
    ctx.font = '11px system-ui, sans-serif';
    let x = width - MARGIN.right;
    for (const s of [...this.series].reverse()) {
      const textWidth = ctx.measureText(s.name).width;
      x -= textWidth;
      ctx.fillStyle = '#5f6773';
      ctx.fillText(s.name, x, 4);
      x -= 22;
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(s.dashed ? [4, 3] : []);
      ctx.beginPath();
      ctx.moveTo(x, 10);
      ctx.lineTo(x + 16, 10);
      ctx.stroke();
      ctx.setLineDash([]);
      x -= 12;
    }

    ctx.strokeStyle = '#e4e7ec';
    ctx.lineWidth = 1;
    ctx.fillStyle = '#5f6773';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of niceTicks(yMin, yMax, 4)) {
      const y = Math.round(py(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(MARGIN.left, y);
      ctx.lineTo(width - MARGIN.right, y);
      ctx.stroke();
      ctx.fillText(formatNumber(t), MARGIN.left - 6, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of niceTicks(1, Math.max(2, epochs), 5).filter((t) => Number.isInteger(t) && t >= 1)) {
      ctx.fillText(String(t), px(t), height - MARGIN.bottom + 5);
    }

    ctx.save();
    ctx.beginPath();
    ctx.rect(MARGIN.left, MARGIN.top - 2, plotW, plotH + 4);
    ctx.clip();
    for (const s of this.series) {
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 1.8;
      ctx.setLineDash(s.dashed ? [5, 3] : []);
      ctx.beginPath();
      this.tracePath(ctx, s.values, px, (v) => py(Math.min(v, yMax)));
      ctx.stroke();
    }
    ctx.setLineDash([]);
    ctx.restore();

    for (const m of this.markers) {
      const X = Math.round(px(m.epoch)) + 0.5;
      ctx.strokeStyle = m.color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(X, MARGIN.top);
      ctx.lineTo(X, MARGIN.top + plotH);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = m.color;
      ctx.font = '600 10px system-ui, sans-serif';
      ctx.textAlign = X > MARGIN.left + plotW * 0.7 ? 'right' : 'left';
      ctx.textBaseline = 'top';
      ctx.fillText(m.label, X + (ctx.textAlign === 'right' ? -4 : 4), MARGIN.top + 2);
    }
    ctx.strokeStyle = '#c9ced6';
    ctx.strokeRect(MARGIN.left + 0.5, MARGIN.top + 0.5, plotW, plotH);
  }
  /**
   * Adds a series to the path. Where several epochs fall in one pixel column, only the column's first, lowest,
   * highest and last values are drawn, so a long run costs a few points per pixel and keeps its noise band.
   */
  private tracePath(
    ctx: CanvasRenderingContext2D,
    values: readonly (number | null)[],
    px: (epoch: number) => number,
    py: (v: number) => number,
  ): void {
    let open = false;
    let column = NaN;
    let low = 0;
    let high = 0;
    let lastX = 0;
    let lastY = 0;
    const flush = (): void => {
      if (Number.isNaN(column)) return;
      ctx.lineTo(lastX, low);
      ctx.lineTo(lastX, high);
      ctx.lineTo(lastX, lastY);
    };
    values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        if (open) flush();
        open = false;
        column = NaN;
        return;
      }
      const X = px(this.epochs[i] ?? i + 1);
      const Y = py(v);
      const c = Math.floor(X);
      if (!open) {
        ctx.moveTo(X, Y);
        open = true;
        column = c;
        low = high = Y;
      } else if (c !== column) {
        flush();
        ctx.lineTo(X, Y);
        column = c;
        low = high = Y;
      } else {
        low = Math.min(low, Y);
        high = Math.max(high, Y);
      }
      lastX = X;
      lastY = Y;
    });
    if (open) flush();
  }
}
