// @file The network view: every neuron as a thumbnail of its activation over the input plane, joined by
// connections coloured by the weight's sign (blue +, orange −) and as thick as its magnitude.
import type { LayerWeights, Snapshot } from '../protocol.js';
import { css, diverging, predictionColor } from './colors.js';
import { gridCanvas, maxAbs, setupCanvas, upsample } from './grid-image.js';

export const NODE = 40;
const GAP = 12;
const TOP = 8;
export const LABEL_WIDTH = 54;

/** Centre x of slot `i` of `count` equal columns across `width` (the input column leaves room for labels). */
export function columnCenter(i: number, count: number, width: number): number {
  const usable = width - LABEL_WIDTH;
  return LABEL_WIDTH + (usable / count) * (i + 0.5);
}

export class NetworkView {
  private inputImages: HTMLCanvasElement[] = [];
  private inputLabels: string[] = [];
  private layers: HTMLCanvasElement[][] = [];
  private output: HTMLCanvasElement | null = null;
  private weights: LayerWeights[] = [];
  private hiddenSizes: number[] = [];

  constructor(readonly canvas: HTMLCanvasElement) {}

  /** The feature thumbnails: values [features][gridSize²] and their labels. */
  setInputs(values: Float32Array[], gridSize: number, labels: string[]): void {
    this.inputLabels = labels;
    this.inputImages = values.map((v) => {
      const scale = maxAbs(v);
      return gridCanvas(gridSize, (i) => diverging(v[i]! / scale));
    });
  }

  setHiddenSizes(sizes: number[]): void {
    this.hiddenSizes = sizes;
  }

  setSnapshot(snapshot: Snapshot): void {
    const cells = snapshot.gridSize * snapshot.gridSize;
    this.layers = snapshot.neurons.map((activations) => {
      const units = activations.length / cells;
      return Array.from({ length: units }, (_, j) => {
        const scale = maxAbs(activations, j * cells, (j + 1) * cells);
        return gridCanvas(snapshot.gridSize, (i) => diverging(activations[j * cells + i]! / scale));
      });
    });
    const k = snapshot.classes;
    const fine = upsample(snapshot.output, k, snapshot.gridSize, 2);
    this.output = gridCanvas(snapshot.gridSize * 2, (i) => predictionColor(fine, i * k, k, 0.9));
    this.weights = snapshot.weights;
  }

  /** Height the canvas needs for columns of at most `maxNodes` neurons. */
  static height(maxNodes: number): number {
    return TOP * 2 + maxNodes * NODE + (maxNodes - 1) * GAP + 16;
  }

  draw(width: number): void {
    const sizes = [this.inputImages.length, ...this.hiddenSizes, 1];
    const height = NetworkView.height(Math.max(...sizes, 4));
    const ctx = setupCanvas(this.canvas, width, height);
    ctx.clearRect(0, 0, width, height);
    const columns = sizes.length;
    const positions = sizes.map((count, c) => {
      const x = columnCenter(c, columns, width);
      const total = count * NODE + (count - 1) * GAP;
      const top = TOP + (height - 16 - 2 * TOP - total) / 2;
      return Array.from({ length: count }, (_, j) => ({ x, y: top + j * (NODE + GAP) + NODE / 2 }));
    });

    // Connections under the nodes.
    const largest = Math.max(1e-9, ...this.weights.map((w) => maxAbs(w.weight)));
    this.weights.forEach((layer, l) => {
      const from = positions[l];
      const to = positions[l + 1];
      if (!from || !to || layer.inFeatures !== from.length || layer.outFeatures !== to.length) return;
      for (let o = 0; o < layer.outFeatures; o++) {
        for (let i = 0; i < layer.inFeatures; i++) {
          const w = layer.weight[o * layer.inFeatures + i]!;
          const a = from[i]!;
          const b = to[o]!;
          const x0 = a.x + NODE / 2;
          const x1 = b.x - NODE / 2;
          const mid = (x0 + x1) / 2;
          ctx.beginPath();
          ctx.moveTo(x0, a.y);
          ctx.bezierCurveTo(mid, a.y, mid, b.y, x1, b.y);
          const strength = Math.abs(w) / largest;
          ctx.strokeStyle = css(diverging(Math.sign(w) * (0.3 + 0.7 * strength)), 0.85);
          ctx.lineWidth = 0.4 + 4 * strength;
          ctx.stroke();
        }
      }
    });

    const node = (image: HTMLCanvasElement | null | undefined, x: number, y: number, bias?: number): void => {
      const left = x - NODE / 2;
      const top = y - NODE / 2;
      ctx.fillStyle = '#fff';
      ctx.fillRect(left, top, NODE, NODE);
      if (image) ctx.drawImage(image, left, top, NODE, NODE);
      ctx.strokeStyle = '#8b93a1';
      ctx.lineWidth = 1;
      ctx.strokeRect(left + 0.5, top + 0.5, NODE - 1, NODE - 1);
      if (bias !== undefined) {
        ctx.fillStyle = css(diverging(bias));
        ctx.fillRect(left - 4, top + NODE - 8, 7, 7);
        ctx.strokeRect(left - 3.5, top + NODE - 7.5, 6, 6);
      }
    };

    positions[0]!.forEach((p, j) => {
      node(this.inputImages[j], p.x, p.y);
      ctx.fillStyle = '#2b313a';
      ctx.font = '12px system-ui, sans-serif';
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(this.inputLabels[j] ?? '', p.x - NODE / 2 - 6, p.y);
    });
    for (let l = 1; l < columns; l++) {
      const layer = this.weights[l - 1];
      const biasScale = layer ? maxAbs(layer.bias) : 1;
      positions[l]!.forEach((p, j) => {
        const image = l === columns - 1 ? this.output : this.layers[l - 1]?.[j];
        const bias =
          layer && layer.outFeatures === positions[l]!.length ? layer.bias[j]! / biasScale : undefined;
        node(image, p.x, p.y, l === columns - 1 ? undefined : bias);
      });
    }
    const last = positions[columns - 1]![0]!;
    ctx.fillStyle = '#5f6773';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText('output', last.x, last.y + NODE / 2 + 4);
  }
}
