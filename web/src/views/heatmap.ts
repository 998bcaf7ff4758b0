// @file The decision-boundary view: the network's prediction over the input plane, with the data points.
import type { Domain, PlaygroundData } from '../data.js';
import type { Snapshot } from '../protocol.js';
import type { Point } from '../settings.js';
import { drawPlotAxes, niceTicks } from './axes.js';
import { classColor, css, predictionColor } from './colors.js';
import { gridCanvas, setupCanvas, upsample } from './grid-image.js';

const MARGIN = { left: 46, right: 10, top: 10, bottom: 40 };

export class HeatmapView {
  private data: PlaygroundData | null = null;
  private added: Point[] = [];
  private image: HTMLCanvasElement | null = null;
  private readonly maxSize: number;
  /** Side of the plot in CSS pixels (the page shrinks it to fit a phone's screen). */
  size: number;

  constructor(
    readonly canvas: HTMLCanvasElement,
    size: number,
    onClick: (x: number, y: number) => void,
  ) {
    this.size = size;
    this.maxSize = size;
    canvas.addEventListener('click', (event) => {
      if (!this.data) return;
      const rect = canvas.getBoundingClientRect();
      const px = event.clientX - rect.left - MARGIN.left;
      const py = event.clientY - rect.top - MARGIN.top;
      if (px < 0 || py < 0 || px > this.size || py > this.size) return;
      const { xMin, xMax, yMin, yMax } = this.data.domain;
      onClick(xMin + (px / this.size) * (xMax - xMin), yMax - (py / this.size) * (yMax - yMin));
    });
  }

  setData(data: PlaygroundData, added: readonly Point[]): void {
    this.data = data;
    this.added = [...added];
    this.image = null;
  }

  addPoint(point: Point): void {
    this.added.push(point);
  }

  setSnapshot(snapshot: Snapshot): void {
    const { output, classes, gridSize } = snapshot;
    const factor = 4;
    const fine = upsample(output, classes, gridSize, factor);
    this.image = gridCanvas(gridSize * factor, (i) => predictionColor(fine, i * classes, classes));
  }

  private toPixel(domain: Domain, x: number, y: number): [number, number] {
    return [
      MARGIN.left + ((x - domain.xMin) / (domain.xMax - domain.xMin)) * this.size,
      MARGIN.top + ((domain.yMax - y) / (domain.yMax - domain.yMin)) * this.size,
    ];
  }

  /** Draws the plot at `size`, or smaller where the container is narrower than the plot and its margins. */
  draw(containerWidth = Infinity): void {
    this.size = Math.max(
      200,
      Math.min(this.maxSize, Math.floor(containerWidth - MARGIN.left - MARGIN.right)),
    );
    const width = MARGIN.left + this.size + MARGIN.right;
    const height = MARGIN.top + this.size + MARGIN.bottom;
    const ctx = setupCanvas(this.canvas, width, height);
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = '#fff';
    ctx.fillRect(MARGIN.left, MARGIN.top, this.size, this.size);
    if (this.image) ctx.drawImage(this.image, MARGIN.left, MARGIN.top, this.size, this.size);
    const data = this.data;
    if (!data) return;
    const { domain } = data;

    ctx.save();
    ctx.beginPath();
    ctx.rect(MARGIN.left, MARGIN.top, this.size, this.size);
    ctx.clip();
    const dot = (p: Point, kind: 'train' | 'validation' | 'added'): void => {
      const [px, py] = this.toPixel(domain, p.x, p.y);
      const color = css(classColor(p.label));
      ctx.beginPath();
      ctx.arc(px, py, kind === 'added' ? 4.5 : 3.6, 0, 2 * Math.PI);
      if (kind === 'validation') {
        ctx.fillStyle = '#fff';
        ctx.fill();
        ctx.lineWidth = 2;
        ctx.strokeStyle = color;
        ctx.stroke();
      } else {
        ctx.fillStyle = color;
        ctx.fill();
        ctx.lineWidth = kind === 'added' ? 1.6 : 1;
        ctx.strokeStyle = kind === 'added' ? '#111' : '#fff';
        ctx.stroke();
      }
    };
    const addedSet = new Set(this.added);
    for (const p of data.validation) dot(p, 'validation');
    for (const p of data.train) if (!addedSet.has(p)) dot(p, 'train');
    for (const p of this.added) dot(p, 'added');
    ctx.restore();

    // Frame, ticks and axis names.
    ctx.strokeStyle = '#c9ced6';
    ctx.lineWidth = 1;
    ctx.strokeRect(MARGIN.left + 0.5, MARGIN.top + 0.5, this.size - 1, this.size - 1);
    drawPlotAxes(
      ctx,
      { left: MARGIN.left, top: MARGIN.top, size: this.size, height },
      niceTicks(domain.xMin, domain.xMax).map((t) => [t, this.toPixel(domain, t, 0)[0]] as const),
      niceTicks(domain.yMin, domain.yMax).map((t) => [t, this.toPixel(domain, 0, t)[1]] as const),
      data.axisNames,
    );
  }
}
