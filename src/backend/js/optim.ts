// @file Fused optimizer steps in plain TypeScript (float64 arithmetic, stored to the arrays' dtype): the oracle.
//
// One loop per optimizer family and per combination of its flags: V8 does not hoist a loop-invariant branch by
// itself, and a straight-line body keeps the step as fast as hand-written code. Every formula keeps PyTorch's
// order of operations, so float64 parameters match torch.optim to the last bit on the golden fixtures.
import type { FloatArray } from '../../tensor/dtype.js';
import type {
  AdadeltaUpdate,
  AdagradUpdate,
  AdamUpdate,
  OptimizerUpdate,
  RMSpropUpdate,
  SGDUpdate,
} from '../types.js';

/** Backend.optimizerStep: one step of `update.kind` in place over param and its state arrays. */
export function optimizerStep(
  update: OptimizerUpdate,
  param: FloatArray,
  grad: FloatArray,
  state: readonly FloatArray[],
): void {
  switch (update.kind) {
    case 'sgd':
      return sgdStep(update, param, grad, state);
    case 'rmsprop':
      return rmspropStep(update, param, grad, state);
    case 'adagrad':
      return adagradStep(update, param, grad, state[0]!);
    case 'adadelta':
      return adadeltaStep(update, param, grad, state[0]!, state[1]!);
    case 'adam':
      return adamStep(update, param, grad, state);
  }
}

/**
 * SGD: g ← ±g + λθ; with μ ≠ 0, b ← g on the first step, else b ← μ·b + (1 − τ)·g, and g ← g + μ·b (Nesterov)
 * or g ← b; θ ← θ − γ·g.
 */
function sgdStep(u: SGDUpdate, p: FloatArray, g: FloatArray, state: readonly FloatArray[]): void {
  const { lr, momentum, dampening, weightDecay, nesterov } = u;
  const n = p.length;
  const sign = u.maximize ? -1 : 1;
  if (momentum === 0) {
    for (let i = 0; i < n; i++) p[i] = p[i]! - lr * (sign * g[i]! + weightDecay * p[i]!);
    return;
  }
  const b = state[0]!;
  const keep = 1 - dampening;
  if (u.freshBuffer) {
    for (let i = 0; i < n; i++) b[i] = sign * g[i]! + weightDecay * p[i]!;
  } else {
    for (let i = 0; i < n; i++) b[i] = momentum * b[i]! + keep * (sign * g[i]! + weightDecay * p[i]!);
  }
  if (nesterov) {
    for (let i = 0; i < n; i++) p[i] = p[i]! - lr * (sign * g[i]! + weightDecay * p[i]! + momentum * b[i]!);
  } else {
    for (let i = 0; i < n; i++) p[i] = p[i]! - lr * b[i]!;
  }
}

/**
 * RMSprop: g ← ±g + λθ; v ← α·v + (1 − α)·g²; centred: gₐ ← α·gₐ + (1 − α)·g and ṽ ← v − gₐ², else ṽ ← v;
 * with μ > 0, b ← μ·b + g/(√ṽ + ε) and θ ← θ − γ·b, else θ ← θ − γ·g/(√ṽ + ε).
 */
function rmspropStep(u: RMSpropUpdate, p: FloatArray, g: FloatArray, state: readonly FloatArray[]): void {
  const { lr, alpha, eps, weightDecay, momentum, centered } = u;
  const sign = u.maximize ? -1 : 1;
  const n = p.length;
  const v = state[0]!;
  if (centered) {
    const ga = state[1]!;
    if (momentum > 0) {
      const b = state[2]!;
      for (let i = 0; i < n; i++) {
        const gi = sign * g[i]! + weightDecay * p[i]!;
        v[i] = alpha * v[i]! + (1 - alpha) * gi * gi;
        ga[i] = alpha * ga[i]! + (1 - alpha) * gi;
        b[i] = momentum * b[i]! + gi / (Math.sqrt(v[i]! - ga[i]! * ga[i]!) + eps);
        p[i] = p[i]! - lr * b[i]!;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const gi = sign * g[i]! + weightDecay * p[i]!;
        v[i] = alpha * v[i]! + (1 - alpha) * gi * gi;
        ga[i] = alpha * ga[i]! + (1 - alpha) * gi;
        p[i] = p[i]! - (lr * gi) / (Math.sqrt(v[i]! - ga[i]! * ga[i]!) + eps);
      }
    }
  } else if (momentum > 0) {
    const b = state[1]!;
    for (let i = 0; i < n; i++) {
      const gi = sign * g[i]! + weightDecay * p[i]!;
      v[i] = alpha * v[i]! + (1 - alpha) * gi * gi;
      b[i] = momentum * b[i]! + gi / (Math.sqrt(v[i]!) + eps);
      p[i] = p[i]! - lr * b[i]!;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const gi = sign * g[i]! + weightDecay * p[i]!;
      v[i] = alpha * v[i]! + (1 - alpha) * gi * gi;
      p[i] = p[i]! - (lr * gi) / (Math.sqrt(v[i]!) + eps);
    }
  }
}

/** Adagrad: γ̃ ← γ/(1 + (t − 1)·η); g ← ±g + λθ; sum ← sum + g²; θ ← θ − γ̃·g/(√sum + ε). */
function adagradStep(u: AdagradUpdate, p: FloatArray, g: FloatArray, sum: FloatArray): void {
  const { weightDecay, eps } = u;
  const clr = u.lr / (1 + (u.step - 1) * u.lrDecay);
  const sign = u.maximize ? -1 : 1;
  for (let i = 0; i < p.length; i++) {
    const gi = sign * g[i]! + weightDecay * p[i]!;
    sum[i] = sum[i]! + gi * gi;
    p[i] = p[i]! - (clr * gi) / (Math.sqrt(sum[i]!) + eps);
  }
}

/** Adadelta: g ← ±g + λθ; v ← ρ·v + (1 − ρ)·g²; Δ ← √(u + ε)/√(v + ε)·g; u ← ρ·u + (1 − ρ)·Δ²; θ ← θ − γ·Δ. */
function adadeltaStep(u: AdadeltaUpdate, p: FloatArray, g: FloatArray, v: FloatArray, acc: FloatArray): void {
  const { lr, rho, eps, weightDecay } = u;
  const sign = u.maximize ? -1 : 1;
  for (let i = 0; i < p.length; i++) {
    const gi = sign * g[i]! + weightDecay * p[i]!;
    v[i] = rho * v[i]! + (1 - rho) * gi * gi;
    const delta = (Math.sqrt(acc[i]! + eps) / Math.sqrt(v[i]! + eps)) * gi;
    acc[i] = rho * acc[i]! + (1 - rho) * delta * delta;
    p[i] = p[i]! - lr * delta;
  }
}

/**
 * Adam/AdamW: θ ← θ·(1 − γλ) (decoupled only); g ← ±g + λθ (coupled only); m ← β₁·m + (1 − β₁)·g;
 * v ← β₂·v + (1 − β₂)·g²; v̂ ← max(v̂, v) with amsgrad, else v; θ ← θ − γ/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε).
 */
function adamStep(u: AdamUpdate, p: FloatArray, g: FloatArray, state: readonly FloatArray[]): void {
  const { step, lr, beta1, beta2, eps, weightDecay, decoupled } = u;
  const [m, v, vMax] = state as [FloatArray, FloatArray, FloatArray | undefined];
  const n = p.length;
  const sign = u.maximize ? -1 : 1;
  const decay = decoupled ? 1 - lr * weightDecay : 1;
  const l2 = decoupled ? 0 : weightDecay;
  const stepSize = lr / (1 - beta1 ** step);
  const bias2Sqrt = Math.sqrt(1 - beta2 ** step);
  // decay is 1 for Adam and l2 is 0 for AdamW, so one loop body serves both without a branch.
  if (!u.amsgrad || !vMax) {
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
