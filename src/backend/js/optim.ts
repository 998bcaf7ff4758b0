// @file Fused optimizer updates in plain TypeScript (float64 arithmetic, stored to the arrays' dtype).
import type { FloatArray } from '../../tensor/dtype.js';
import type { AdamHyper } from '../types.js';

/**
 * One Adam/AdamW step in place:
 * ```
 * θ ← θ·(1 − γλ) (decoupled only);  g ← ±g + λθ (coupled only)
 * m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  v̂ ← max(v̂, v) with amsgrad, else v
 * θ ← θ − γ/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
 * ```
 */
export function adamUpdate(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  vMax: FloatArray | null,
  hyper: AdamHyper,
): void {
  const { step, lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, maximize } = hyper;
  const n = p.length;
  const sign = maximize ? -1 : 1;
  const decay = decoupled ? 1 - lr * weightDecay : 1;
  const l2 = decoupled ? 0 : weightDecay;
  const stepSize = lr / (1 - beta1 ** step);
  const bias2Sqrt = Math.sqrt(1 - beta2 ** step);
  // decay is 1 for Adam and l2 is 0 for AdamW, so one loop body serves both without a branch.
  if (!amsgrad || !vMax) {
    for (let i = 0; i < n; i++) {
      const pi = p[i]! * decay;
      const gi = sign * g[i]! + l2 * pi;
      m[i] = beta1 * m[i]! + (1 - beta1) * gi;
      v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
      p[i] = pi - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / bias2Sqrt + eps);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const pi = p[i]! * decay;
    const gi = sign * g[i]! + l2 * pi;
    m[i] = beta1 * m[i]! + (1 - beta1) * gi;
    v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
    if (v[i]! > vMax[i]! || Number.isNaN(v[i]!)) vMax[i] = v[i]!; // torch.maximum: NaN propagates
    p[i] = pi - (stepSize * m[i]!) / (Math.sqrt(vMax[i]!) / bias2Sqrt + eps);
  }
}
