// @file The perceptron's equation, shown when the network has no hidden layer: p = σ(w₀ + Σ wⱼ·xⱼ), or for a
// regression ŷ = w₀ + Σ wⱼ·xⱼ.
import type { PlaygroundData } from '../data.js';
import type { LayerWeights } from '../protocol.js';
import { FEATURE_LABELS, type FeatureName } from '../settings.js';

function num(v: number, digits = 3): string {
  return Number(v.toPrecision(digits)).toString();
}

/** "w₀ + w₁·a − w₂·b" with signs folded in. */
export function linearTerms(bias: number, weights: readonly number[], names: readonly string[]): string {
  let text = num(bias);
  weights.forEach((w, j) => {
    text += ` ${w < 0 ? '−' : '+'} ${num(Math.abs(w))}·${names[j]}`;
  });
  return text.replace(/^-/, '−');
}

export interface Equation {
  lines: string[];
  note: string;
}

/**
 * The learned equation of a network without hidden layers. When the inputs are just x₁ and x₂, the
 * weights are converted from the normalized inputs u = (x − c)/s back to data units (w/s, b − Σ w·c/s), so
 * the axes' own names and units appear, and the decision boundary is given as a line.
 */
export function perceptronEquation(
  layer: LayerWeights,
  features: readonly FeatureName[],
  data: PlaygroundData,
): Equation {
  const raw = features.every((f) => f === 'x1' || f === 'x2');
  const names = features.map((f) => {
    if (!raw) return FEATURE_LABELS[f];
    return f === 'x1' ? data.axisNames[0] : data.axisNames[1];
  });
  const rows = Array.from({ length: layer.outFeatures }, (_, o) => {
    const w = Array.from(layer.weight.subarray(o * layer.inFeatures, (o + 1) * layer.inFeatures));
    let b = layer.bias[o]!;
    if (raw) {
      features.forEach((f, j) => {
        const axis = f === 'x1' ? 0 : 1;
        b -= (w[j]! * data.center[axis]) / data.scale[axis];
        w[j] = w[j]! / data.scale[axis];
      });
    }
    return { w, b };
  });
  const identity = data.center.every((c) => c === 0) && data.scale.every((s) => s === 1);
  const note =
    raw || identity
      ? ''
      : `x₁, x₂ here are the normalized inputs (x − ${data.center.map((c) => num(c)).join(', ')}) / (${data.scale.map((s) => num(s)).join(', ')}).`;
  if (data.task === 'regression') {
    // A regression's output is the linear combination itself: no σ, no class boundary.
    const { w, b } = rows[0]!;
    return { lines: [`ŷ = ${linearTerms(b, w, names)}`], note };
  }
  if (layer.outFeatures === 1) {
    const { w, b } = rows[0]!;
    const lines = [`P(${data.classNames[1] ?? 'class 1'}) = σ(${linearTerms(b, w, names)})`];
    if (raw && features.length === 2 && Math.abs(w[1]!) > 1e-9) {
      lines.push(`boundary: ${names[1]} = ${linearTerms(-b / w[1]!, [-w[0]! / w[1]!], [names[0]!])}`);
    } else if (raw && features.length === 1) {
      lines.push(`boundary: ${names[0]} = ${num(-b / (w[0]! || 1e-9))}`);
    }
    return { lines, note };
  }
  const lines = rows.map(({ w, b }, c) => `z${subscript(c)} = ${linearTerms(b, w, names)}`);
  lines.push(`P(class c) = softmax(z)c  (${data.classNames.map((n, c) => `${c}: ${n}`).join(', ')})`);
  return { lines, note };
}

function subscript(n: number): string {
  return String(n).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]!);
}
