// @file The decision-boundary view: the network's prediction over the input plane (or, while a neuron is
// hovered, that neuron's output), with the data points. The prediction is coloured once per snapshot on its
// grid through a lookup table and scaled by the browser; points and axes are cached in a layer of their own.
import type { Domain, PlaygroundData } from '../data.js';
import type { Snapshot } from '../protocol.js';
import type { Point } from '../settings.js';
import { drawPlotAxes, niceTicks } from './axes.js';
import { classColor, css, divergingCss, paintDiverging } from './colors.js';
import { GridImage, maxAbs, ownLayer, setupCanvas } from './grid-image.js';
import { paintOutput } from './output-paint.js';

const MARGIN = { left: 46, right: 10, top: 10, bottom: 40 };

/** A neuron's output to show in place of the prediction: [gridSize²] values, rows from the top. */
export interface NeuronFocus {
  label: string;
  values: ArrayLike<number>;
  gridSize: number;
}

export class HeatmapView {
  private data: PlaygroundData | null = null;
  private added: Point[] = [];
  private prediction: GridImage | null = null;
  private neuron: GridImage | null = null;
  private focusLabel = '';
  /** Points, frame and axes at the current size and device pixel ratio; null when it must be redrawn. */
  private layer: HTMLCanvasElement | null = null;
  private layerKey = '';
  private showValidation = true;
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
    ownLayer(canvas);
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
    this.prediction = null;
    this.layer = null;
  }

  addPoint(point: Point): void {
    this.added.push(point);
    this.layer = null;
  }

  /** Shows or hides the validation points. */
  setShowValidation(show: boolean): void {
    if (show === this.showValidation) return;
    this.showValidation = show;
    this.layer = null;
  }

  /** Shows only the predicted class (or the sign of a regression's value) from the next setSnapshot on. */
  discretize = false;
  /** The keyboard cursor (data coordinates), drawn as a crosshair while the plot has focus; null hides it. */
  cursor: { x: number; y: number } | null = null;

  /** Colours the snapshot's output into the grid image (made once per grid size). */
  setSnapshot(snapshot: Snapshot): void {
    const { gridSize } = snapshot;
    if (this.prediction?.width !== gridSize) this.prediction = new GridImage(gridSize);
    paintOutput(this.prediction.pixels, snapshot, this.discretize);
    this.prediction.commit();
  }

  /** Shows a neuron's output (diverging colours scaled by its largest |value|) instead of the prediction. */
  setFocus(focus: NeuronFocus | null): void {
    if (!focus) {
      this.focusLabel = '';
      return;
    }
    const { values, gridSize } = focus;
    if (this.neuron?.width !== gridSize) this.neuron = new GridImage(gridSize);
    paintDiverging(this.neuron.pixels, values, 0, gridSize * gridSize, maxAbs(values));
    this.neuron.commit();
    this.focusLabel = focus.label;
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
    const image = this.focusLabel ? this.neuron : this.prediction;
    if (image) ctx.drawImage(image.canvas, MARGIN.left, MARGIN.top, this.size, this.size);
    ctx.drawImage(this.pointsAndAxes(width, height), 0, 0, width, height);
    if (this.cursor && this.data) {
      const [cx, cy] = this.toPixel(this.data.domain, this.cursor.x, this.cursor.y);
      ctx.strokeStyle = '#1f2530';
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(cx - 9, cy);
      ctx.lineTo(cx + 9, cy);
      ctx.moveTo(cx, cy - 9);
      ctx.lineTo(cx, cy + 9);
      ctx.stroke();
    }
    if (this.focusLabel) {
      ctx.font = '600 12px system-ui, sans-serif';
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      const text = this.focusLabel;
      const w = ctx.measureText(text).width + 10;
      ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
      ctx.fillRect(MARGIN.left + 4, MARGIN.top + 4, w, 20);
      ctx.fillStyle = '#1f2530';
      ctx.fillText(text, MARGIN.left + 9, MARGIN.top + 8);
    }
  }

  /** The cached layer of points, frame and axes, redrawn only when the data, the points or the size change. */
  private pointsAndAxes(width: number, height: number): HTMLCanvasElement {
    const ratio = window.devicePixelRatio || 1;
    const key = `${width}x${height}@${ratio}`;
    if (this.layer && this.layerKey === key) return this.layer;
    const layer = this.layer ?? document.createElement('canvas');
    layer.width = Math.round(width * ratio);
    layer.height = Math.round(height * ratio);
    const ctx = layer.getContext('2d')!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    this.drawPointsAndAxes(ctx, height);
    this.layer = layer;
    this.layerKey = key;
    return layer;
  }

  private drawPointsAndAxes(ctx: CanvasRenderingContext2D, height: number): void {
    const data = this.data;
    if (!data) return;
    const { domain } = data;
    ctx.save();
    ctx.beginPath();
    ctx.rect(MARGIN.left, MARGIN.top, this.size, this.size);
    ctx.clip();
    const dot = (p: Point, kind: 'train' | 'validation' | 'added'): void => {
      const [px, py] = this.toPixel(domain, p.x, p.y);
      const color = data.task === 'regression' ? divergingCss(p.label) : css(classColor(p.label));
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
    if (this.showValidation) for (const p of data.validation) dot(p, 'validation');
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
