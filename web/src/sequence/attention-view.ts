// @file The attention heatmaps: one canvas per layer and head for the chosen example, query positions down the
// side and key positions along the bottom, each labeled with its token; a text summary for screen readers.
import { setupCanvas } from '../views/grid-image.js';
import type { ExampleView } from './protocol.js';
import { tokensToText, type VocabularyName } from './tasks.js';

type RGB = [number, number, number];

/** Weight 0 is white, weight 1 a deep blue; linear in between. */
const LOW: RGB = [255, 255, 255];
const HIGH: RGB = [8, 48, 107];
/** Around the grid: query tokens on the left, the model's output at each query position on the right. */
const MARGIN = { left: 40, top: 24, bottom: 34, right: 26 };
const RIGHT_COLOR = '#1a7f37';
const WRONG_COLOR = '#c62828';
/** Outline of the keys holding each output's token. */
const SOURCE_COLOR = '#f59322';

/** The cell colour of an attention weight w ∈ [0, 1] (clamped). */
export function attentionColor(weight: number): RGB {
  const t = Number.isFinite(weight) ? Math.max(0, Math.min(1, weight)) : 0;
  return [0, 1, 2].map((c) => Math.round(LOW[c]! + (HIGH[c]! - LOW[c]!) * t)) as RGB;
}

/** The weights of one head, [length, length] (row q = query position), out of an example's attention array. */
export function headWeights(
  attention: Float32Array,
  length: number,
  numHeads: number,
  layer: number,
  head: number,
): Float32Array {
  const offset = (layer * numHeads + head) * length * length;
  return attention.subarray(offset, offset + length * length);
}

/** For each query position, the key position with the largest weight, and that weight. */
export function strongestKeys(weights: Float32Array, length: number): { key: number; weight: number }[] {
  return Array.from({ length }, (_, q) => {
    let key = 0;
    for (let k = 1; k < length; k++) if (weights[q * length + k]! > weights[q * length + key]!) key = k;
    return { key, weight: weights[q * length + key]! };
  });
}

/**
 * One sentence a screen reader can read instead of the heatmap: where each query position looks most, e.g.
 * "Attention of layer 1, head 1 on input 3141: query 0 (3) looks most at key 3 (1), 91%; …".
 */
export function describeHead(
  example: ExampleView,
  length: number,
  numHeads: number,
  layer: number,
  head: number,
  vocabulary: VocabularyName,
): string {
  const weights = headWeights(example.attention, length, numHeads, layer, head);
  const token = (i: number): string => tokensToText([example.input[i]!], vocabulary);
  const parts = strongestKeys(weights, length).map(
    ({ key, weight }, q) =>
      `query ${q} (${token(q)}) looks most at key ${key} (${token(key)}), ${Math.round(weight * 100)}%`,
  );
  return `Attention of layer ${layer + 1}, head ${head + 1} on input ${tokensToText(example.input, vocabulary)}: ${parts.join('; ')}.`;
}

/**
 * Where each output's token can be copied from: entry (q, k) is true when input position k holds the token that
 * output position q must produce, [length, length] row-major. A model that solves the task by attention puts its
 * weight there (for sort the cells depend on the tokens; repeated tokens give several cells per row).
 */
export function sourceKeys(example: ExampleView): Uint8Array {
  const length = example.input.length;
  const sources = new Uint8Array(length * length);
  for (let q = 0; q < length; q++) {
    for (let k = 0; k < length; k++) sources[q * length + k] = example.input[k] === example.target[q] ? 1 : 0;
  }
  return sources;
}

/** One heatmap to draw. */
export interface HeadPicture {
  example: ExampleView;
  /** [length, length], row q = query position. */
  weights: Float32Array;
  length: number;
  title: string;
  vocabulary: VocabularyName;
  /** Side of the grid in CSS pixels. */
  size: number;
  /** Outline the cells of sourceKeys. */
  outlineSources: boolean;
}

/**
 * Draws one head's weights as a length × length grid, the input tokens along both axes and the model's output
 * token right of each row (green right, red wrong), and optionally the source keys outlined.
 */
export function drawHead(canvas: HTMLCanvasElement, picture: HeadPicture): void {
  const { example, weights, length, title, vocabulary, size } = picture;
  const width = MARGIN.left + size + MARGIN.right;
  const height = MARGIN.top + size + MARGIN.bottom;
  const context = setupCanvas(canvas, width, height);
  context.clearRect(0, 0, width, height);
  const cell = size / length;
  for (let q = 0; q < length; q++) {
    for (let k = 0; k < length; k++) {
      const [r, g, b] = attentionColor(weights[q * length + k]!);
      context.fillStyle = `rgb(${r}, ${g}, ${b})`;
      // Whole pixels so neighbouring cells do not leave hairline gaps.
      const x0 = Math.round(MARGIN.left + k * cell);
      const y0 = Math.round(MARGIN.top + q * cell);
      context.fillRect(
        x0,
        y0,
        Math.round(MARGIN.left + (k + 1) * cell) - x0,
        Math.round(MARGIN.top + (q + 1) * cell) - y0,
      );
    }
  }
  context.strokeStyle = '#c9ced6';
  context.strokeRect(MARGIN.left + 0.5, MARGIN.top + 0.5, size - 1, size - 1);
  if (picture.outlineSources) {
    context.strokeStyle = SOURCE_COLOR;
    context.lineWidth = 2;
    const sources = sourceKeys(example);
    for (let q = 0; q < length; q++) {
      for (let k = 0; k < length; k++) {
        if (sources[q * length + k]) {
          context.strokeRect(MARGIN.left + k * cell + 1.5, MARGIN.top + q * cell + 1.5, cell - 3, cell - 3);
        }
      }
    }
    context.lineWidth = 1;
  }

  const tokens = tokensToText(example.input, vocabulary);
  const fontSize = Math.max(9, Math.min(13, Math.floor(cell * 0.6)));
  context.fillStyle = '#2b313a';
  context.font = `600 ${fontSize}px ui-monospace, monospace`;
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  for (let q = 0; q < length; q++)
    context.fillText(tokens[q]!, MARGIN.left - 6, MARGIN.top + (q + 0.5) * cell);
  // The output at each query position: green when right, red when wrong.
  context.textAlign = 'left';
  const outputs = tokensToText(example.predicted, vocabulary);
  for (let q = 0; q < length; q++) {
    context.fillStyle = example.predicted[q] === example.target[q] ? RIGHT_COLOR : WRONG_COLOR;
    context.fillText(outputs[q]!, MARGIN.left + size + 8, MARGIN.top + (q + 0.5) * cell);
  }
  context.fillStyle = '#2b313a';
  context.textAlign = 'center';
  context.textBaseline = 'top';
  for (let k = 0; k < length; k++)
    context.fillText(tokens[k]!, MARGIN.left + (k + 0.5) * cell, MARGIN.top + size + 4);

  context.font = '11px system-ui, sans-serif';
  context.fillStyle = '#667085';
  context.fillText('key position →', MARGIN.left + size / 2, MARGIN.top + size + 6 + fontSize);
  context.save();
  context.translate(10, MARGIN.top + size / 2);
  context.rotate(-Math.PI / 2);
  context.textBaseline = 'middle';
  context.fillText('query position →', 0, 0);
  context.restore();
  context.font = '600 12px system-ui, sans-serif';
  context.fillStyle = '#2b313a';
  context.textAlign = 'left';
  context.textBaseline = 'top';
  context.fillText(title, MARGIN.left, 4);
}

/** Smallest and largest grid side in CSS pixels, and the gap between maps (as in sequence.css). */
const SIZE = { min: 110, max: 300, gap: 12 };

/**
 * How many maps fit side by side in `available` pixels (at most `numHeads`) and the grid side that fills the row:
 * one row per layer when they fit at the smallest size, fewer per row (wrapping) when not.
 */
export function heatmapLayout(available: number, numHeads: number): { perRow: number; size: number } {
  const margins = MARGIN.left + MARGIN.right;
  const fit = Math.floor((available + SIZE.gap) / (SIZE.min + margins + SIZE.gap));
  const perRow = Math.max(1, Math.min(numHeads, fit));
  const size = Math.floor((available - SIZE.gap * (perRow - 1)) / perRow) - margins;
  return { perRow, size: Math.max(SIZE.min, Math.min(SIZE.max, size)) };
}

/** The (query, key) cell under a point of a heatmap (CSS pixels from the canvas's top-left), or null off the grid. */
export function cellAt(
  x: number,
  y: number,
  size: number,
  length: number,
): { query: number; key: number } | null {
  const key = Math.floor(((x - MARGIN.left) / size) * length);
  const query = Math.floor(((y - MARGIN.top) / size) * length);
  return query >= 0 && query < length && key >= 0 && key < length ? { query, key } : null;
}

/** What the maps show now, for the pointer readout. */
interface Shown {
  example: ExampleView;
  length: number;
  numHeads: number;
  vocabulary: VocabularyName;
  size: number;
}

/**
 * The heatmaps inside `container`: one row per layer, one canvas per head, kept between snapshots. Pointing at a
 * cell writes its query, key and weight into `readout`.
 */
export class AttentionView {
  private rows: HTMLCanvasElement[][] = [];
  private shown: Shown | null = null;
  /** Outline, in every map, the keys that hold each output's token. */
  outlineSources = true;

  constructor(
    readonly container: HTMLElement,
    readonly readout: HTMLElement,
  ) {}

  private describeCell(layer: number, head: number, event: MouseEvent): string {
    const shown = this.shown;
    if (!shown) return '';
    const { example, length, numHeads, vocabulary, size } = shown;
    const cell = cellAt(event.offsetX, event.offsetY, size, length);
    if (!cell) return '';
    const weight = headWeights(example.attention, length, numHeads, layer, head)[
      cell.query * length + cell.key
    ]!;
    const token = (i: number): string => tokensToText([example.input[i]!], vocabulary);
    return (
      `Layer ${layer + 1}, head ${head + 1}: query ${cell.query} (${token(cell.query)}) → ` +
      `key ${cell.key} (${token(cell.key)}): ${(weight * 100).toFixed(1)}%`
    );
  }

  private build(numLayers: number, numHeads: number): void {
    this.rows = Array.from({ length: numLayers }, (_, layer) => {
      const row = document.createElement('div');
      row.className = 'layer-row';
      row.setAttribute('role', 'group');
      row.setAttribute('aria-label', `Layer ${layer + 1}`);
      return Array.from({ length: numHeads }, (_, head) => {
        const canvas = row.appendChild(document.createElement('canvas'));
        canvas.setAttribute('role', 'img');
        canvas.className = 'attention-map';
        canvas.addEventListener('mousemove', (event) => {
          this.readout.textContent = this.describeCell(layer, head, event);
        });
        canvas.addEventListener('mouseleave', () => {
          this.readout.textContent = '';
        });
        return canvas;
      });
    });
    this.container.replaceChildren(...this.rows.map((row) => row[0]!.parentElement!));
  }

  draw(
    example: ExampleView,
    length: number,
    numLayers: number,
    numHeads: number,
    vocabulary: VocabularyName,
    step: number,
  ): void {
    if (this.rows.length !== numLayers || this.rows[0]?.length !== numHeads) this.build(numLayers, numHeads);
    const { size } = heatmapLayout(this.container.clientWidth || 480, numHeads);
    this.shown = { example, length, numHeads, vocabulary, size };
    this.rows.forEach((row, layer) =>
      row.forEach((canvas, head) => {
        const title = numLayers > 1 ? `Layer ${layer + 1} · head ${head + 1}` : `Head ${head + 1}`;
        const weights = headWeights(example.attention, length, numHeads, layer, head);
        const outlineSources = this.outlineSources;
        drawHead(canvas, { example, weights, length, title, vocabulary, size, outlineSources });
        canvas.setAttribute('aria-label', describeHead(example, length, numHeads, layer, head, vocabulary));
        canvas.dataset['step'] = String(step);
      }),
    );
  }
}
