// @file Colours: one per class, the diverging scale of weights and activations (orange < 0 < blue), and lookup
// tables that paint whole grids into pixel buffers without allocating per pixel.

export type RGB = [number, number, number];

/** Class colours; class 0 orange and class 1 blue as in TensorFlow Playground. */
export const CLASS_COLORS: readonly RGB[] = [
  [245, 147, 34],
  [8, 119, 189],
  [46, 160, 67],
  [142, 87, 199],
  [214, 51, 56],
  [23, 170, 182],
];

export const NEGATIVE: RGB = [245, 147, 34];
export const POSITIVE: RGB = [8, 119, 189];
const WHITE: RGB = [255, 255, 255];

/** Grey, for a label that is not a class index (a regression target). */
const NO_CLASS: RGB = [128, 128, 128];

export function classColor(c: number): RGB {
  return Number.isInteger(c) && c >= 0 ? CLASS_COLORS[c % CLASS_COLORS.length]! : NO_CLASS;
}

export function css([r, g, b]: RGB, alpha = 1): string {
  return alpha === 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

export function mix(a: RGB, b: RGB, t: number): RGB {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Diverging colour of v in [−1, 1]: orange for negative, white at 0, blue for positive. */
export function diverging(v: number): RGB {
  const t = Math.max(-1, Math.min(1, v));
  return t < 0 ? mix(WHITE, NEGATIVE, -t) : mix(WHITE, POSITIVE, t);
}

/**
 * The heatmap colour of one cell from its class probabilities: the likeliest class's colour, faded towards
 * white as the prediction nears a tie (confidence (pₘₐₓ − 1/k)/(1 − 1/k)), at most `strength` strong.
 */
export function predictionColor(probs: ArrayLike<number>, offset: number, k: number, strength = 0.62): RGB {
  let best = 0;
  for (let c = 1; c < k; c++) if (probs[offset + c]! > probs[offset + best]!) best = c;
  const confidence = (probs[offset + best]! - 1 / k) / (1 - 1 / k);
  return mix(WHITE, classColor(best), Math.max(0, Math.min(1, confidence)) * strength);
}

// ---- lookup tables ---------------------------------------------------------------------------------------

/** Entries per table: a value is quantized to 1/255 of its range, finer than 8-bit colour can show. */
const LEVELS = 256;

function rgbTable(color: (t: number) => RGB): Uint8ClampedArray {
  const table = new Uint8ClampedArray(LEVELS * 3);
  for (let i = 0; i < LEVELS; i++) {
    const [r, g, b] = color(i / (LEVELS - 1));
    table[3 * i] = Math.round(r);
    table[3 * i + 1] = Math.round(g);
    table[3 * i + 2] = Math.round(b);
  }
  return table;
}

/** diverging(v) for v = 2·i/255 − 1, i = 0…255, as RGB triples. */
export const DIVERGING_LUT: Uint8ClampedArray = rgbTable((t) => diverging(2 * t - 1));

const CSS_CACHE = new Map<string, string>();

/** css(diverging(v), alpha) with v quantized to the table's 256 levels; the strings are made once. */
export function divergingCss(v: number, alpha = 1): string {
  const t = v > 1 ? 1 : v < -1 ? -1 : v;
  const i = Math.round((t + 1) * 127.5);
  const key = `${i}/${alpha}`;
  let color = CSS_CACHE.get(key);
  if (color === undefined) {
    color = css([DIVERGING_LUT[3 * i]!, DIVERGING_LUT[3 * i + 1]!, DIVERGING_LUT[3 * i + 2]!], alpha);
    CSS_CACHE.set(key, color);
  }
  return color;
}

/**
 * Writes diverging colours of values[offset + i] / scale for i < count into RGBA `pixels` (alpha untouched).
 * One table look-up per pixel: index = round((v/scale + 1)·127.5), clamped to 0…255; NaN paints grey.
 */
export function paintDiverging(
  pixels: Uint8ClampedArray,
  values: ArrayLike<number>,
  offset: number,
  count: number,
  scale: number,
): void {
  const factor = 127.5 / scale;
  for (let i = 0; i < count; i++) {
    const v = values[offset + i]!;
    const p = 4 * i;
    if (v !== v) {
      pixels[p] = pixels[p + 1] = pixels[p + 2] = 128;
      continue;
    }
    let index = Math.round(v * factor + 127.5);
    index = index < 0 ? 0 : index > 255 ? 255 : index;
    pixels[p] = DIVERGING_LUT[3 * index]!;
    pixels[p + 1] = DIVERGING_LUT[3 * index + 1]!;
    pixels[p + 2] = DIVERGING_LUT[3 * index + 2]!;
  }
}

const PREDICTION_LUTS = new Map<number, Uint8ClampedArray[]>();

/** Per class, predictionColor's fade from white (confidence 0) to `strength`·class colour (confidence 1). */
function predictionTables(strength: number): Uint8ClampedArray[] {
  let tables = PREDICTION_LUTS.get(strength);
  if (!tables) {
    tables = CLASS_COLORS.map((color) => rgbTable((t) => mix(WHITE, color, t * strength)));
    PREDICTION_LUTS.set(strength, tables);
  }
  return tables;
}

/**
 * Writes predictionColor of each of `cells` rows of `probs` ([cells, k], row-major) into RGBA `pixels`, through
 * per-class tables of the confidence (pₘₐₓ − 1/k)/(1 − 1/k) quantized to 256 levels.
 */
export function paintPrediction(
  pixels: Uint8ClampedArray,
  probs: ArrayLike<number>,
  cells: number,
  k: number,
  strength = 0.62,
): void {
  const tables = predictionTables(strength);
  const chance = 1 / k;
  const factor = 255 / (1 - chance);
  for (let i = 0; i < cells; i++) {
    const o = i * k;
    let best = 0;
    let top = probs[o]!;
    for (let c = 1; c < k; c++) {
      const p = probs[o + c]!;
      if (p > top) {
        top = p;
        best = c;
      }
    }
    let index = Math.round((top - chance) * factor);
    index = index > 0 ? (index < 255 ? index : 255) : 0;
    const table = tables[best % tables.length]!;
    const p = 4 * i;
    pixels[p] = table[3 * index]!;
    pixels[p + 1] = table[3 * index + 1]!;
    pixels[p + 2] = table[3 * index + 2]!;
  }
}
