// @file Fused loss kernels: class-index and class-probability cross-entropy / NLL, elementwise BCE (in float64).
import type { ClassLossSpec, LossUpstream, PointwiseLossKind } from '../types.js';
import type { FloatArray, TypedArray } from '../../tensor/dtype.js';

/**
 * Per position, the log-normaliser m + log Σ_c e^{x_c − m} with m the max over classes, in float64:
 * log p_c = x_c − normaliser, so logits of any finite size are safe (log-sum-exp).
 */
function logNormalisers(x: FloatArray, { batch, classes, inner }: ClassLossSpec, out: Float64Array): void {
  for (let n = 0; n < batch; n++) {
    for (let k = 0; k < inner; k++) {
      const base = n * classes * inner + k;
      let m = -Infinity;
      for (let c = 0; c < classes; c++) m = Math.max(m, x[base + c * inner]!);
      let s = 0;
      for (let c = 0; c < classes; c++) s += Math.exp(x[base + c * inner]! - m);
      out[n * inner + k] = m + Math.log(s);
    }
  }
}

/**
 * NLL / cross-entropy with class-index targets. With `normalisers` (cross-entropy) x are logits and the
 * normalisers are computed here; without, x are log-probabilities. Per position i with class t = labels[i]
 * (skipped when t = ignoreIndex): lᵢ = (1 − ε)·(−w_t·log p_t) + (ε/C)·(−Σ_c w_c·log p_c). Writes lᵢ into
 * `losses` and [Σlᵢ, Σ w_t] into `sums`.
 */
export function classIndexLoss(
  spec: ClassLossSpec,
  x: FloatArray,
  labels: TypedArray,
  weight: FloatArray | null,
  normalisers: Float64Array | null,
  losses: Float64Array,
  sums: Float64Array,
): void {
  const { batch, classes, inner, ignoreIndex, labelSmoothing: eps } = spec;
  if (normalisers) logNormalisers(x, spec, normalisers);
  const logProb = (i: number, position: number): number =>
    normalisers ? x[i]! - normalisers[position]! : x[i]!;
  let total = 0;
  let denominator = 0;
  for (let n = 0; n < batch; n++) {
    for (let k = 0; k < inner; k++) {
      const position = n * inner + k;
      const t = labels[position]!;
      if (t === ignoreIndex) continue;
      const base = n * classes * inner + k;
      const wt = weight ? weight[t]! : 1;
      let loss = -wt * logProb(base + t * inner, position);
      if (eps > 0) {
        let smooth = 0;
        for (let c = 0; c < classes; c++)
          smooth -= (weight ? weight[c]! : 1) * logProb(base + c * inner, position);
        loss = (1 - eps) * loss + (eps / classes) * smooth;
      }
      losses[position] = loss;
      total += loss;
      denominator += wt;
    }
  }
  sums[0] = total;
  sums[1] = denominator;
}

/**
 * ∂L/∂x of classIndexLoss, times g·scale: through the softmax ∂lᵢ/∂x_c = (1 − ε)·w_t·(p_c − [c = t]) +
 * (ε/C)·(W·p_c − w_c) with W = Σ_c w_c; for NLL ∂lᵢ/∂x_t = −w_t. `out` starts zeroed.
 */
export function classIndexLossBackward(
  spec: ClassLossSpec,
  x: FloatArray,
  labels: TypedArray,
  weight: FloatArray | null,
  normalisers: Float64Array | null,
  g: LossUpstream,
  out: FloatArray,
): void {
  const { batch, classes, inner, ignoreIndex, labelSmoothing: eps } = spec;
  let weightSum = classes;
  if (weight) {
    weightSum = 0;
    for (let c = 0; c < classes; c++) weightSum += weight[c]!;
  }
  for (let n = 0; n < batch; n++) {
    for (let k = 0; k < inner; k++) {
      const position = n * inner + k;
      const t = labels[position]!;
      if (t === ignoreIndex) continue;
      const base = n * classes * inner + k;
      const gAt = g.scale * g.values[position * g.step]!;
      const s = gAt * (weight ? weight[t]! : 1);
      if (!normalisers) {
        out[base + t * inner] = -s;
        continue;
      }
      const shift = normalisers[position]!;
      const smoothScale = (gAt * eps) / classes;
      for (let c = 0; c < classes; c++) {
        const i = base + c * inner;
        const p = Math.exp(x[i]! - shift);
        let d = (1 - eps) * s * (c === t ? p - 1 : p);
        if (eps > 0) d += smoothScale * (weightSum * p - (weight ? weight[c]! : 1));
        out[i] = d;
      }
    }
  }
}

/**
 * Cross-entropy with class-probability targets y (x's shape), smoothed to y' = (1 − ε)·y + ε/C:
 * lᵢ = −Σ_c w_c·y'_c·log p_c. Writes the normalisers, lᵢ into `losses` and [Σlᵢ, positions] into `sums`.
 */
export function classProbabilityLoss(
  spec: ClassLossSpec,
  x: FloatArray,
  y: FloatArray,
  weight: FloatArray | null,
  normalisers: Float64Array,
  losses: Float64Array,
  sums: Float64Array,
): void {
  const { batch, classes, inner, labelSmoothing: eps } = spec;
  logNormalisers(x, spec, normalisers);
  let total = 0;
  for (let n = 0; n < batch; n++) {
    for (let k = 0; k < inner; k++) {
      const base = n * classes * inner + k;
      const shift = normalisers[n * inner + k]!;
      let loss = 0;
      for (let c = 0; c < classes; c++) {
        const i = base + c * inner;
        loss -= (weight ? weight[c]! : 1) * (y[i]! * (1 - eps) + eps / classes) * (x[i]! - shift);
      }
      losses[n * inner + k] = loss;
      total += loss;
    }
  }
  sums[0] = total;
  sums[1] = batch * inner;
}

/**
 * The gradients of classProbabilityLoss times g·scale: ∂lᵢ/∂x_c = p_c·Σ_k w_k·y'_k − w_c·y'_c into
 * `inputGrad` and ∂lᵢ/∂y_c = −(1 − ε)·w_c·log p_c into `targetGrad` (each when not null).
 */
export function classProbabilityLossBackward(
  spec: ClassLossSpec,
  x: FloatArray,
  y: FloatArray,
  weight: FloatArray | null,
  normalisers: Float64Array,
  g: LossUpstream,
  inputGrad: FloatArray | null,
  targetGrad: FloatArray | null,
): void {
  const { batch, classes, inner, labelSmoothing: eps } = spec;
  const smoothed = (i: number): number => y[i]! * (1 - eps) + eps / classes;
  for (let n = 0; n < batch; n++) {
    for (let k = 0; k < inner; k++) {
      const position = n * inner + k;
      const base = n * classes * inner + k;
      const shift = normalisers[position]!;
      const s = g.scale * g.values[position * g.step]!;
      let mass = 0;
      if (inputGrad)
        for (let c = 0; c < classes; c++) mass += (weight ? weight[c]! : 1) * smoothed(base + c * inner);
      for (let c = 0; c < classes; c++) {
        const i = base + c * inner;
        const wc = weight ? weight[c]! : 1;
        if (inputGrad) inputGrad[i] = s * (Math.exp(x[i]! - shift) * mass - wc * smoothed(i));
        if (targetGrad) targetGrad[i] = -s * (1 - eps) * wc * (x[i]! - shift);
      }
    }
  }
}

/**
 * The per-element formulas of a fused elementwise loss, of input x, target y, weight w and positive weight p
 * (1 where not given). Rules are module constants, so that a call creates no closures.
 */
interface PointwiseRule {
  loss(x: number, y: number, w: number, p: number): number;
  /** ∂lᵢ/∂xᵢ */
  inputGrad(x: number, y: number, w: number, p: number): number;
  /** ∂lᵢ/∂yᵢ */
  targetGrad(x: number, y: number, w: number, p: number): number;
}

/** −log σ(v) = max(−v, 0) + log1p(e^{−|v|}), finite for every finite v. */
function negLogSigmoid(v: number): number {
  return Math.max(-v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
}

/** σ(v) without overflow: 1/(1 + e^{−v}) for v ≥ 0, e^{v}/(1 + e^{v}) otherwise. */
function sigmoidOf(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

const RULES: Record<PointwiseLossKind, PointwiseRule> = {
  /** l = −w·(y·max(log x, −100) + (1 − y)·max(log(1 − x), −100)), PyTorch's clamped logs and gradients. */
  bce: {
    loss: (x, y, w) => -w * (y * Math.max(Math.log(x), -100) + (1 - y) * Math.max(Math.log(1 - x), -100)),
    inputGrad: (x, y, w) => (w * (x - y)) / Math.max((1 - x) * x, 1e-12),
    targetGrad: (x, y, w) => -w * Math.log(x / (1 - x)),
  },
  /** l = w·[(1 − y)·x + (1 + (p − 1)·y)·(−log σ(x))]. */
  bceWithLogits: {
    loss: (x, y, w, p) => w * ((1 - y) * x + (1 + (p - 1) * y) * negLogSigmoid(x)),
    inputGrad: (x, y, w, p) => w * ((1 + (p - 1) * y) * sigmoidOf(x) - p * y),
    targetGrad: (x, y, w, p) => w * (-x + (p - 1) * negLogSigmoid(x)),
  },
};

/**
 * An elementwise loss over x and y of one length, with optional weights w and p of that length: lᵢ into
 * `losses` (when not null) and Σlᵢ into sums[0].
 */
export function pointwiseLoss(
  kind: PointwiseLossKind,
  x: FloatArray,
  y: FloatArray,
  w: FloatArray | null,
  p: FloatArray | null,
  losses: Float64Array | null,
  sums: Float64Array,
): void {
  const rule = RULES[kind];
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const loss = rule.loss(x[i]!, y[i]!, w ? w[i]! : 1, p ? p[i]! : 1);
    if (losses) losses[i] = loss;
    total += loss;
  }
  sums[0] = total;
}

/** ∂lᵢ/∂xᵢ (`wrt` 'input') or ∂lᵢ/∂yᵢ ('target') of pointwiseLoss, times g·scale, into `out`. */
export function pointwiseLossBackward(
  kind: PointwiseLossKind,
  wrt: 'input' | 'target',
  x: FloatArray,
  y: FloatArray,
  w: FloatArray | null,
  p: FloatArray | null,
  g: LossUpstream,
  out: FloatArray,
): void {
  const rule = RULES[kind];
  const derivative = wrt === 'input' ? rule.inputGrad : rule.targetGrad;
  for (let i = 0; i < x.length; i++) {
    const d = derivative(x[i]!, y[i]!, w ? w[i]! : 1, p ? p[i]! : 1);
    out[i] = g.scale * g.values[i * g.step]! * d;
  }
}
