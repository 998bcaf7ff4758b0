// @file The network view: every neuron as a thumbnail of its activation over the input plane, joined by
// connections coloured by the weight's sign (blue +, orange −) and as thick as its magnitude. Thumbnails are
// reused canvases painted through a lookup table; the pointer finds neurons (hover) and links (click).
import type { LayerWeights, Snapshot } from '../protocol.js';
import { divergingCss, paintDiverging } from './colors.js';
import { paintOutput } from './output-paint.js';
import { GridImage, maxAbs, ownLayer, setupCanvas } from './grid-image.js';

export const NODE = 40;
const GAP = 12;
const TOP = 8;
export const LABEL_WIDTH = 54;
/** A link counts as under the pointer within this many CSS pixels of its curve. */
const LINK_REACH = 4;
/** Points sampled along each link's curve for hit tests. */
const CURVE_SAMPLES = 16;

/** A neuron: column 0 holds the inputs, 1…H the hidden layers, H + 1 the output. */
export interface NodeRef {
  column: number;
  unit: number;
}

/** A connection: weight[to][from] of Linear layer `layer` (0 = the first). */
export interface LinkRef {
  layer: number;
  from: number;
  to: number;
  weight: number;
}

/** Centre x of slot `i` of `count` equal columns across `width` (the input column leaves room for labels). */
export function columnCenter(i: number, count: number, width: number): number {
  const usable = width - LABEL_WIDTH;
  return LABEL_WIDTH + (usable / count) * (i + 0.5);
}

interface Position {
  x: number;
  y: number;
}

/** The cubic Bézier of a link from the right edge of `a` to the left edge of `b`. */
function linkCurve(a: Position, b: Position): [number, number, number, number] {
  return [a.x + NODE / 2, a.y, b.x - NODE / 2, b.y];
}

function curvePoint([x0, y0, x1, y1]: [number, number, number, number], t: number): Position {
  // Control points (mid, y0) and (mid, y1): x is a plain Bézier, y the smoothstep between the ends.
  const s = 1 - t;
  const mid = (x0 + x1) / 2;
  const x = s * s * s * x0 + 3 * s * s * t * mid + 3 * s * t * t * mid + t * t * t * x1;
  const y = (s * s * s + 3 * s * s * t) * y0 + (3 * s * t * t + t * t * t) * y1;
  return { x, y };
}

/** Squared distance from p to the segment a–b. */
function segmentDistance2(p: Position, a: Position, b: Position): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length2 = dx * dx + dy * dy;
  const t = length2 > 0 ? Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2)) : 0;
  const ex = a.x + t * dx - p.x;
  const ey = a.y + t * dy - p.y;
  return ex * ex + ey * ey;
}

export class NetworkView {
  private inputImages: GridImage[] = [];
  private inputLabels: string[] = [];
  /** Thumbnails per hidden layer, reused from snapshot to snapshot while the shapes stay. */
  private layers: GridImage[][] = [];
  private output: GridImage | null = null;
  private weights: LayerWeights[] = [];
  private hiddenSizes: number[] = [];
  /** Neuron centres per column, as last drawn. */
  private positions: Position[][] = [];
  /** The neuron shown large in the heatmap (hover or keyboard), and the link being edited. */
  highlight: NodeRef | null = null;
  selectedLink: LinkRef | null = null;

  constructor(readonly canvas: HTMLCanvasElement) {
    ownLayer(canvas);
  }

  /** The feature thumbnails: values [features][gridSize²] and their labels. */
  setInputs(values: Float32Array[], gridSize: number, labels: string[]): void {
    this.inputLabels = labels;
    this.inputImages = values.map((v) => {
      const image = new GridImage(gridSize);
      paintDiverging(image.pixels, v, 0, gridSize * gridSize, maxAbs(v));
      image.commit();
      return image;
    });
  }

  setHiddenSizes(sizes: number[]): void {
    this.hiddenSizes = sizes;
    this.positions = [];
  }

  setSnapshot(snapshot: Snapshot): void {
    const size = snapshot.gridSize;
    const cells = size * size;
    this.layers = snapshot.neurons.map((activations, l) => {
      const units = activations.length / cells;
      const old = this.layers[l] ?? [];
      return Array.from({ length: units }, (_, j) => {
        const reused = old[j];
        const image = reused && reused.width === size ? reused : new GridImage(size);
        paintDiverging(
          image.pixels,
          activations,
          j * cells,
          cells,
          maxAbs(activations, j * cells, (j + 1) * cells),
        );
        image.commit();
        return image;
      });
    });
    if (this.output?.width !== size) this.output = new GridImage(size);
    paintOutput(this.output.pixels, snapshot, false, 0.9);
    this.output.commit();
    this.weights = snapshot.weights;
  }

  /** Height the canvas needs for columns of at most `maxNodes` neurons. */
  static height(maxNodes: number): number {
    return TOP * 2 + maxNodes * NODE + (maxNodes - 1) * GAP + 16;
  }

  /** The neuron under canvas point (x, y) in CSS pixels, if any. */
  nodeAt(x: number, y: number): NodeRef | null {
    for (let column = 0; column < this.positions.length; column++) {
      const units = this.positions[column]!;
      for (let unit = 0; unit < units.length; unit++) {
        const p = units[unit]!;
        if (Math.abs(x - p.x) <= NODE / 2 && Math.abs(y - p.y) <= NODE / 2) return { column, unit };
      }
    }
    return null;
  }

  /** The link whose curve passes within LINK_REACH pixels of (x, y), the nearest one if several do. */
  linkAt(x: number, y: number): LinkRef | null {
    const pointer = { x, y };
    let best: LinkRef | null = null;
    let bestDistance = LINK_REACH * LINK_REACH;
    this.weights.forEach((layer, l) => {
      const from = this.positions[l];
      const to = this.positions[l + 1];
      if (!from || !to || layer.inFeatures !== from.length || layer.outFeatures !== to.length) return;
      for (let o = 0; o < layer.outFeatures; o++) {
        for (let i = 0; i < layer.inFeatures; i++) {
          const curve = linkCurve(from[i]!, to[o]!);
          if (x < curve[0] - LINK_REACH || x > curve[2] + LINK_REACH) continue;
          let previous = curvePoint(curve, 0);
          for (let s = 1; s <= CURVE_SAMPLES; s++) {
            const next = curvePoint(curve, s / CURVE_SAMPLES);
            const d = segmentDistance2(pointer, previous, next);
            if (d <= bestDistance) {
              bestDistance = d;
              best = { layer: l, from: i, to: o, weight: layer.weight[o * layer.inFeatures + i]! };
            }
            previous = next;
          }
        }
      }
    });
    return best;
  }

  /** Where neuron `node` was drawn (CSS pixels in the canvas), for placing a popover next to it. */
  nodeCenter(node: NodeRef): Position | null {
    return this.positions[node.column]?.[node.unit] ?? null;
  }

  /** Neurons per column: inputs, hidden layers, output. */
  columnSizes(): number[] {
    return [this.inputImages.length, ...this.hiddenSizes, 1];
  }

  draw(width: number): void {
    const sizes = this.columnSizes();
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
    this.positions = positions;

    // Connections under the nodes.
    const largest = Math.max(1e-9, ...this.weights.map((w) => maxAbs(w.weight)));
    const selected = this.selectedLink;
    this.weights.forEach((layer, l) => {
      const from = positions[l];
      const to = positions[l + 1];
      if (!from || !to || layer.inFeatures !== from.length || layer.outFeatures !== to.length) return;
      for (let o = 0; o < layer.outFeatures; o++) {
        for (let i = 0; i < layer.inFeatures; i++) {
          const w = layer.weight[o * layer.inFeatures + i]!;
          const [x0, y0, x1, y1] = linkCurve(from[i]!, to[o]!);
          const mid = (x0 + x1) / 2;
          ctx.beginPath();
          ctx.moveTo(x0, y0);
          ctx.bezierCurveTo(mid, y0, mid, y1, x1, y1);
          const strength = Math.min(1, Math.abs(w) / largest);
          const isSelected = selected?.layer === l && selected.from === i && selected.to === o;
          ctx.strokeStyle = isSelected
            ? '#1f2530'
            : divergingCss(Math.sign(w) * (0.3 + 0.7 * strength), 0.85);
          ctx.lineWidth = 0.4 + 4 * strength + (isSelected ? 1.5 : 0);
          ctx.stroke();
        }
      }
    });

    const node = (image: GridImage | null | undefined, p: Position, bias?: number): void => {
      const left = p.x - NODE / 2;
      const top = p.y - NODE / 2;
      ctx.fillStyle = '#fff';
      ctx.fillRect(left, top, NODE, NODE);
      if (image) ctx.drawImage(image.canvas, left, top, NODE, NODE);
      ctx.strokeStyle = '#8b93a1';
      ctx.lineWidth = 1;
      ctx.strokeRect(left + 0.5, top + 0.5, NODE - 1, NODE - 1);
      if (bias !== undefined) {
        ctx.fillStyle = divergingCss(bias);
        ctx.fillRect(left - 4, top + NODE - 8, 7, 7);
        ctx.strokeRect(left - 3.5, top + NODE - 7.5, 6, 6);
      }
    };

    positions[0]!.forEach((p, j) => {
      node(this.inputImages[j], p);
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
        node(image, p, l === columns - 1 ? undefined : bias);
      });
    }
    const highlighted = this.highlight && positions[this.highlight.column]?.[this.highlight.unit];
    if (highlighted) {
      ctx.strokeStyle = '#1f2530';
      ctx.lineWidth = 2.5;
      ctx.strokeRect(highlighted.x - NODE / 2 - 2, highlighted.y - NODE / 2 - 2, NODE + 4, NODE + 4);
    }
    const last = positions[columns - 1]![0]!;
    ctx.fillStyle = '#5f6773';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText('output', last.x, last.y + NODE / 2 + 4);
  }
}
