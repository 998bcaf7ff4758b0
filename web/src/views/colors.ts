// @file Colours: one per class, and the diverging scale of weights and activations (orange < 0 < blue).

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

export function classColor(c: number): RGB {
  return CLASS_COLORS[c % CLASS_COLORS.length]!;
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
