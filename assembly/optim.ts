// @file The wasm optimizer kernel, in AssemblyScript: one fused step per optimizer family on f32x4.
//
// One export, `optimizerStep(kind, flags, block, n, p, g, s0, s1, s2)`: `kind` picks the family (the optimizer
// codes of scripts/wasm-opcodes.mjs; an unknown code traps), `flags` its switches, and `block` points to its scalars as
// float32, derived on the host in float64 (1 − β, bias corrections, the decayed learning rate) and rounded once;
// every block starts with lr, sign (−1 to maximize) and the L2 weight decay λ.
// Each family keeps the formula and operation order of src/backend/js/optim.ts, evaluated in float32 instead of
// float64, so results agree within float32 rounding. Two exceptions: Adam's bias corrections are folded into two
// scalars (see adam below), and AdamW's decay is folded into the final
// subtraction, θ ← θ − (θ·γλ + update), instead of θ·(1 − γλ) − update: 1 − γλ rounded to float32 (γλ ≈ 1e-5)
// is off by up to 3e-8, and rounding the decayed θ before subtracting the update rounds θ twice per step; both
// errors accumulate over steps (measured: 25 ulps after 50 steps). Every loop works in whole vectors: the host
// pads every region to 64 bytes, so the up to three elements past n are scratch (computed, never copied out).

import {
  OPTIMIZER_ADADELTA,
  OPTIMIZER_ADAGRAD,
  OPTIMIZER_ADAM,
  OPTIMIZER_RMSPROP,
  OPTIMIZER_SGD,
} from './opcodes.generated';

/** Flag bits (meaning per family): SGD 1 momentum, 2 fresh buffer, 4 nesterov; RMSprop 1 centred, 2 momentum; Adam 1 amsgrad. */
const FLAG_A: i32 = 1;
const FLAG_B: i32 = 2;
const FLAG_C: i32 = 4;

/** The k-th float32 of the parameter block, splatted. */
function scalar(block: usize, k: i32): v128 {
  return f32x4.splat(load<f32>(block + ((<usize>k) << 2)));
}

/**
 * One optimizer step in place over n floats at p (θ) from g (gradient), with the family's state arrays at s0,
 * s1, s2 (0 when unused) in the order of src/backend/types.ts.
 */
export function optimizerStep(
  kind: i32,
  flags: i32,
  block: usize,
  n: i32,
  p: usize,
  g: usize,
  s0: usize,
  s1: usize,
  s2: usize,
): void {
  const bytes = ((<usize>(n + 3)) >> 2) << 4;
  if (kind == OPTIMIZER_SGD) sgd(flags, block, bytes, p, g, s0);
  else if (kind == OPTIMIZER_RMSPROP) rmsprop(flags, block, bytes, p, g, s0, s1, s2);
  else if (kind == OPTIMIZER_ADAGRAD) adagrad(block, bytes, p, g, s0);
  else if (kind == OPTIMIZER_ADADELTA) adadelta(block, bytes, p, g, s0, s1);
  else if (kind == OPTIMIZER_ADAM) adam(flags, block, bytes, p, g, s0, s1, s2);
  else unreachable();
}

// Block: lr, sign, λ, μ, 1 − τ. State: b (momentum only).
function sgd(flags: i32, block: usize, bytes: usize, p: usize, g: usize, b: usize): void {
  const lr = scalar(block, 0);
  const sign = scalar(block, 1);
  const l2 = scalar(block, 2);
  const mu = scalar(block, 3);
  const keep = scalar(block, 4);
  const momentum = (flags & FLAG_A) != 0;
  const fresh = (flags & FLAG_B) != 0;
  const nesterov = (flags & FLAG_C) != 0;
  for (let o: usize = 0; o < bytes; o += 16) {
    const pi = v128.load(p + o);
    const gi = f32x4.add(f32x4.mul(sign, v128.load(g + o)), f32x4.mul(l2, pi));
    let step = gi;
    if (momentum) {
      const bi = fresh ? gi : f32x4.add(f32x4.mul(mu, v128.load(b + o)), f32x4.mul(keep, gi));
      v128.store(b + o, bi);
      step = nesterov ? f32x4.add(gi, f32x4.mul(mu, bi)) : bi;
    }
    v128.store(p + o, f32x4.sub(pi, f32x4.mul(lr, step)));
  }
}

// Block: lr, sign, λ, α, 1 − α, ε, μ. State: v, gₐ (centred only), b (momentum only).
function rmsprop(
  flags: i32,
  block: usize,
  bytes: usize,
  p: usize,
  g: usize,
  v: usize,
  s1: usize,
  s2: usize,
): void {
  const lr = scalar(block, 0);
  const sign = scalar(block, 1);
  const l2 = scalar(block, 2);
  const alpha = scalar(block, 3);
  const rest = scalar(block, 4);
  const eps = scalar(block, 5);
  const mu = scalar(block, 6);
  const centered = (flags & FLAG_A) != 0;
  const momentum = (flags & FLAG_B) != 0;
  const ga = centered ? s1 : 0;
  const b = centered ? s2 : s1;
  for (let o: usize = 0; o < bytes; o += 16) {
    const pi = v128.load(p + o);
    const gi = f32x4.add(f32x4.mul(sign, v128.load(g + o)), f32x4.mul(l2, pi));
    const vi = f32x4.add(f32x4.mul(alpha, v128.load(v + o)), f32x4.mul(f32x4.mul(rest, gi), gi));
    v128.store(v + o, vi);
    let avg = vi;
    if (centered) {
      const gai = f32x4.add(f32x4.mul(alpha, v128.load(ga + o)), f32x4.mul(rest, gi));
      v128.store(ga + o, gai);
      avg = f32x4.sub(vi, f32x4.mul(gai, gai));
    }
    const denom = f32x4.add(f32x4.sqrt(avg), eps);
    if (momentum) {
      const bi = f32x4.add(f32x4.mul(mu, v128.load(b + o)), f32x4.div(gi, denom));
      v128.store(b + o, bi);
      v128.store(p + o, f32x4.sub(pi, f32x4.mul(lr, bi)));
    } else {
      v128.store(p + o, f32x4.sub(pi, f32x4.div(f32x4.mul(lr, gi), denom)));
    }
  }
}

// Block: γ/(1 + (t − 1)·η), sign, λ, ε. State: sum.
function adagrad(block: usize, bytes: usize, p: usize, g: usize, sum: usize): void {
  const clr = scalar(block, 0);
  const sign = scalar(block, 1);
  const l2 = scalar(block, 2);
  const eps = scalar(block, 3);
  for (let o: usize = 0; o < bytes; o += 16) {
    const pi = v128.load(p + o);
    const gi = f32x4.add(f32x4.mul(sign, v128.load(g + o)), f32x4.mul(l2, pi));
    const si = f32x4.add(v128.load(sum + o), f32x4.mul(gi, gi));
    v128.store(sum + o, si);
    v128.store(p + o, f32x4.sub(pi, f32x4.div(f32x4.mul(clr, gi), f32x4.add(f32x4.sqrt(si), eps))));
  }
}

// Block: lr, sign, λ, ρ, 1 − ρ, ε. State: v, u.
function adadelta(block: usize, bytes: usize, p: usize, g: usize, v: usize, u: usize): void {
  const lr = scalar(block, 0);
  const sign = scalar(block, 1);
  const l2 = scalar(block, 2);
  const rho = scalar(block, 3);
  const rest = scalar(block, 4);
  const eps = scalar(block, 5);
  for (let o: usize = 0; o < bytes; o += 16) {
    const pi = v128.load(p + o);
    const gi = f32x4.add(f32x4.mul(sign, v128.load(g + o)), f32x4.mul(l2, pi));
    const vi = f32x4.add(f32x4.mul(rho, v128.load(v + o)), f32x4.mul(f32x4.mul(rest, gi), gi));
    v128.store(v + o, vi);
    const ui = v128.load(u + o);
    const delta = f32x4.mul(f32x4.div(f32x4.sqrt(f32x4.add(ui, eps)), f32x4.sqrt(f32x4.add(vi, eps))), gi);
    v128.store(u + o, f32x4.add(f32x4.mul(rho, ui), f32x4.mul(f32x4.mul(rest, delta), delta)));
    v128.store(p + o, f32x4.sub(pi, f32x4.mul(lr, delta)));
  }
}

// Block: lr (unused), sign, λ (Adam's L2 term, else 0), γλ (AdamW's shrink, else 0), β₁, 1 − β₁, β₂, 1 − β₂,
// γ·√(1 − β₂ᵗ)/(1 − β₁ᵗ), ε·√(1 − β₂ᵗ). State: m, v, v̂ (amsgrad only: running max of v, NaN propagating).
// The update γ/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε) is evaluated as γ·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v̂ + ε·√(1 − β₂ᵗ)):
// the same value with one division per vector instead of two (the square root and the divisions share one unit,
// which bounds this loop); the host folds the bias corrections into the two scalars in float64.
function adam(
  flags: i32,
  block: usize,
  bytes: usize,
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  vMax: usize,
): void {
  const sign = scalar(block, 1);
  const l2 = scalar(block, 2);
  const shrink = scalar(block, 3);
  const b1 = scalar(block, 4);
  const c1 = scalar(block, 5);
  const b2 = scalar(block, 6);
  const c2 = scalar(block, 7);
  const stepSize = scalar(block, 8);
  const eps = scalar(block, 9);
  const amsgrad = (flags & FLAG_A) != 0;
  for (let o: usize = 0; o < bytes; o += 16) {
    const pi = v128.load(p + o);
    const gi = f32x4.add(f32x4.mul(sign, v128.load(g + o)), f32x4.mul(l2, pi));
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gi));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(f32x4.mul(c2, gi), gi));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    let vHat = vi;
    if (amsgrad) {
      const old = v128.load(vMax + o);
      vHat = v128.bitselect(vi, old, v128.or(f32x4.gt(vi, old), f32x4.ne(vi, vi)));
      v128.store(vMax + o, vHat);
    }
    const denom = f32x4.add(f32x4.sqrt(vHat), eps);
    const update = f32x4.div(f32x4.mul(stepSize, mi), denom);
    v128.store(p + o, f32x4.sub(pi, f32x4.add(f32x4.mul(pi, shrink), update)));
  }
}
