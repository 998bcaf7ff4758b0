// @file The loss-surface view: the surface as filled contours (viridis, median-centred log scale, a colour bar), the start,
// the known minima, and per optimizer its path so far and a ball where it is now. The surface layer is coloured
// once per grid through a lookup table and cached at the drawn size; a frame only redraws paths and balls.
import type { SurfaceGrid } from '../protocol.js';
import type { DescentOptimizer, Trajectory } from '../surface.js';
import { drawPlotAxes, formatNumber, niceTicks } from './axes.js';
import { LogScale, VIRIDIS_LUT } from './colormap.js';
import { setupCanvas, upsample } from './grid-image.js';

const MARGIN = { left: 46, right: 74, top: 10, bottom: 40 };
const MAX_PLOT = 420;
/** Contour bands over [0, 1] of the colour scale. */
const BANDS = 14;
/** The coloured image has about this many pixels per side (the grid upsampled bilinearly). */
const IMAGE_SIZE = 320;

/** Ball colours: saturated or extreme, so each stands out on viridis. */
export const DESCENT_COLORS: Record<DescentOptimizer, string> = {
  sgd: '#ff3b30',
  momentum: '#ff9f0a',
  adam: '#ffffff',
  rmsprop: '#ff5ad2',
  adagrad: '#111111',
  adadelta: '#8fe8ff',
};

export class LossSurfaceView {
  private grid: SurfaceGrid | null = null;
  private scale: LogScale | null = null;
  /** The coloured surface (IMAGE_SIZE², contour lines included), made once per grid. */
  private image: HTMLCanvasElement | null = null;
  /** Surface, frame, ticks and colour bar at the current size: reused until the grid or the size changes. */
  private base: HTMLCanvasElement | null = null;
  private baseKey = '';
  private plot = MAX_PLOT;
  trajectories: Trajectory[] = [];
  start: [number, number] | null = null;
  /** The network's own training on a network slice: x₀, y₀, x₁, … (dashed, a diamond at the end). */
  trail: readonly number[] = [];

  constructor(
    readonly canvas: HTMLCanvasElement,
    onPick: (x: number, y: number) => void,
  ) {
    canvas.addEventListener('click', (event) => {
      const grid = this.grid;
      if (!grid) return;
      const rect = canvas.getBoundingClientRect();
      const px = event.clientX - rect.left - MARGIN.left;
      const py = event.clientY - rect.top - MARGIN.top;
      if (px < 0 || py < 0 || px > this.plot || py > this.plot) return;
      const [x0, x1] = grid.xRange;
      const [y0, y1] = grid.yRange;
      onPick(x0 + (px / this.plot) * (x1 - x0), y1 - (py / this.plot) * (y1 - y0));
    });
  }

  /** Colours a new surface: min/max over finite values, the log scale, contour bands from the lookup table. */
  setGrid(grid: SurfaceGrid): void {
    this.grid = grid;
    let min = Infinity;
    let max = -Infinity;
    for (const v of grid.values) {
      if (Number.isFinite(v)) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    if (!(min <= max)) [min, max] = [0, 1];
    const finite = grid.values.filter(Number.isFinite).sort();
    const scale = new LogScale(min, max, finite[finite.length >> 1] ?? min);
    this.scale = scale;
    const factor = Math.max(1, Math.round(IMAGE_SIZE / grid.size));
    const fine = upsample(grid.values, 1, grid.size, factor);
    const side = grid.size * factor;
    const units = new Float32Array(fine.length);
    for (let i = 0; i < fine.length; i++) units[i] = scale.toUnit(fine[i]!);
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const context = canvas.getContext('2d')!;
    const image = context.createImageData(side, side);
    const pixels = image.data;
    for (let row = 0; row < side; row++) {
      for (let col = 0; col < side; col++) {
        const i = row * side + col;
        const t = units[i]!;
        const band = Math.min(BANDS - 1, Math.floor(t * BANDS));
        const right = col + 1 < side ? Math.min(BANDS - 1, Math.floor(units[i + 1]! * BANDS)) : band;
        const below = row + 1 < side ? Math.min(BANDS - 1, Math.floor(units[i + side]! * BANDS)) : band;
        const shade = band !== right || band !== below ? 0.72 : 1;
        const entry = 3 * Math.round(t * 255);
        pixels[4 * i] = VIRIDIS_LUT[entry]! * shade;
        pixels[4 * i + 1] = VIRIDIS_LUT[entry + 1]! * shade;
        pixels[4 * i + 2] = VIRIDIS_LUT[entry + 2]! * shade;
        pixels[4 * i + 3] = 255;
      }
    }
    context.putImageData(image, 0, 0);
    this.image = canvas;
    this.baseKey = '';
  }

  private toPixel(x: number, y: number): [number, number] {
    const grid = this.grid!;
    const [x0, x1] = grid.xRange;
    const [y0, y1] = grid.yRange;
    return [
      MARGIN.left + ((x - x0) / (x1 - x0)) * this.plot,
      MARGIN.top + ((y1 - y) / (y1 - y0)) * this.plot,
    ];
  }

  /** The plot's side for a container this wide (the canvas never overflows a phone's screen). */
  private plotSize(width: number): number {
    return Math.max(160, Math.min(MAX_PLOT, Math.floor(width - MARGIN.left - MARGIN.right)));
  }

  private drawBase(ratio: number): HTMLCanvasElement {
    const width = MARGIN.left + this.plot + MARGIN.right;
    const height = MARGIN.top + this.plot + MARGIN.bottom;
    const key = `${width}:${ratio}`;
    if (this.base && this.baseKey === key) return this.base;
    const base = this.base ?? document.createElement('canvas');
    base.width = Math.round(width * ratio);
    base.height = Math.round(height * ratio);
    const ctx = base.getContext('2d')!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const grid = this.grid!;
    const scale = this.scale!;
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    if (this.image) ctx.drawImage(this.image, MARGIN.left, MARGIN.top, this.plot, this.plot);
    ctx.strokeStyle = '#c9ced6';
    ctx.lineWidth = 1;
    ctx.strokeRect(MARGIN.left + 0.5, MARGIN.top + 0.5, this.plot - 1, this.plot - 1);

    drawPlotAxes(
      ctx,
      { left: MARGIN.left, top: MARGIN.top, size: this.plot, height },
      niceTicks(grid.xRange[0], grid.xRange[1], 5).map((t) => [t, this.toPixel(t, 0)[0]] as const),
      niceTicks(grid.yRange[0], grid.yRange[1], 5).map((t) => [t, this.toPixel(0, t)[1]] as const),
      grid.axisNames,
    );

    // Colour bar: loss from the lowest value (bottom) to the highest, ticks at even steps of the colour scale.
    const barX = MARGIN.left + this.plot + 10;
    const barW = 10;
    for (let i = 0; i < this.plot; i++) {
      const t = 1 - i / (this.plot - 1);
      const entry = 3 * Math.round(t * 255);
      ctx.fillStyle = `rgb(${VIRIDIS_LUT[entry]}, ${VIRIDIS_LUT[entry + 1]}, ${VIRIDIS_LUT[entry + 2]})`;
      ctx.fillRect(barX, MARGIN.top + i, barW, 1);
    }
    ctx.strokeStyle = '#c9ced6';
    ctx.strokeRect(barX + 0.5, MARGIN.top + 0.5, barW - 1, this.plot - 1);
    ctx.fillStyle = '#5f6773';
    ctx.font = '10px system-ui, sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    for (const t of [0, 0.25, 0.5, 0.75, 1]) {
      const py = MARGIN.top + (1 - t) * (this.plot - 1);
      ctx.fillRect(barX + barW, py, 3, 1);
      ctx.fillText(formatNumber(scale.fromUnit(t)), barX + barW + 5, py);
    }
    ctx.save();
    ctx.translate(width - 2, MARGIN.top + this.plot / 2);
    ctx.rotate(Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(scale.logarithmic ? 'loss (log scale)' : 'loss', 0, 0);
    ctx.restore();
    this.base = base;
    this.baseKey = key;
    return base;
  }

  /** Draws the surface and, for every trajectory, its path up to `step` and its ball there. */
  draw(width: number, step: number): void {
    this.plot = this.plotSize(width);
    const canvasWidth = MARGIN.left + this.plot + MARGIN.right;
    const canvasHeight = MARGIN.top + this.plot + MARGIN.bottom;
    const ctx = setupCanvas(this.canvas, canvasWidth, canvasHeight);
    ctx.clearRect(0, 0, canvasWidth, canvasHeight);
    if (!this.grid) {
      ctx.fillStyle = '#f3f4f7';
      ctx.fillRect(MARGIN.left, MARGIN.top, this.plot, this.plot);
      return;
    }
    const ratio = window.devicePixelRatio || 1;
    ctx.drawImage(this.drawBase(ratio), 0, 0, canvasWidth, canvasHeight);

    ctx.save();
    ctx.beginPath();
    ctx.rect(MARGIN.left, MARGIN.top, this.plot, this.plot);
    ctx.clip();
    ctx.lineJoin = 'round';
    ctx.lineCap = 'round';
    for (const [x, y] of this.grid.minima) this.cross(ctx, x, y);
    if (this.start) {
      const [sx, sy] = this.toPixel(...this.start);
      ctx.beginPath();
      ctx.arc(sx, sy, 8, 0, 2 * Math.PI);
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
    }
    this.drawTrail(ctx);
    for (const path of this.trajectories) this.path(ctx, path, step);
    for (const path of this.trajectories) this.ball(ctx, path, step);
    ctx.restore();
  }

  private drawTrail(ctx: CanvasRenderingContext2D): void {
    const n = this.trail.length / 2;
    if (n === 0) return;
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      const [px, py] = this.toPixel(this.trail[2 * i]!, this.trail[2 * i + 1]!);
      if (i === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    }
    ctx.setLineDash([5, 4]);
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.5)';
    ctx.lineWidth = 3.4;
    ctx.stroke();
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 1.6;
    ctx.stroke();
    ctx.setLineDash([]);
    const [px, py] = this.toPixel(this.trail[2 * n - 2]!, this.trail[2 * n - 1]!);
    ctx.beginPath();
    ctx.moveTo(px, py - 7);
    ctx.lineTo(px + 7, py);
    ctx.lineTo(px, py + 7);
    ctx.lineTo(px - 7, py);
    ctx.closePath();
    ctx.fillStyle = '#ffffff';
    ctx.fill();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#111111';
    ctx.stroke();
  }

  private cross(ctx: CanvasRenderingContext2D, x: number, y: number): void {
    const [px, py] = this.toPixel(x, y);
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(px - 5, py - 5);
    ctx.lineTo(px + 5, py + 5);
    ctx.moveTo(px + 5, py - 5);
    ctx.lineTo(px - 5, py + 5);
    ctx.stroke();
  }

  private path(ctx: CanvasRenderingContext2D, path: Trajectory, step: number): void {
    const last = Math.min(step, path.points.length / 2 - 1);
    if (last < 1) return;
    // pixel = offset + scale·value, without a tuple per point (a frame draws up to 6 × 300 of them).
    const grid = this.grid!;
    const scaleX = this.plot / (grid.xRange[1] - grid.xRange[0]);
    const scaleY = -this.plot / (grid.yRange[1] - grid.yRange[0]);
    const offsetX = MARGIN.left - grid.xRange[0] * scaleX;
    const offsetY = MARGIN.top - grid.yRange[1] * scaleY;
    const points = path.points;
    ctx.beginPath();
    for (let i = 0; i <= last; i++) {
      // Far-off points of a diverging run stay drawable.
      const px = Math.max(-1e4, Math.min(1e4, offsetX + points[2 * i]! * scaleX));
      const py = Math.max(-1e4, Math.min(1e4, offsetY + points[2 * i + 1]! * scaleY));
      if (i === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    }
    ctx.strokeStyle = path.optimizer === 'adagrad' ? 'rgba(255, 255, 255, 0.6)' : 'rgba(0, 0, 0, 0.45)';
    ctx.lineWidth = 3.6;
    ctx.stroke();
    ctx.strokeStyle = DESCENT_COLORS[path.optimizer];
    ctx.lineWidth = 1.8;
    ctx.stroke();
  }

  private ball(ctx: CanvasRenderingContext2D, path: Trajectory, step: number): void {
    const at = Math.min(step, path.points.length / 2 - 1);
    const [px, py] = this.toPixel(path.points[2 * at]!, path.points[2 * at + 1]!);
    if (!Number.isFinite(px) || !Number.isFinite(py)) return;
    ctx.beginPath();
    ctx.arc(px, py, 6.5, 0, 2 * Math.PI);
    ctx.fillStyle = DESCENT_COLORS[path.optimizer];
    ctx.fill();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = path.optimizer === 'adagrad' ? '#ffffff' : '#111111';
    ctx.stroke();
  }
}
