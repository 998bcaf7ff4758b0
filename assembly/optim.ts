// @file The wasm optimizer kernels, in AssemblyScript: a fused Adam/AdamW update on f32x4.
//
// Same formula and operation order as src/backend/js/optim.ts, evaluated in float32 instead of float64 (the
// host rounds the step's scalars to float32), so results agree within float32 rounding. One exception:
// AdamW's decay is folded into the final subtraction, θ ← θ − (θ·γλ + update), instead of θ·(1 − γλ) − update:
// 1 − γλ rounded to float32 (γλ ≈ 1e-5) is off by up to 3e-8, and rounding the decayed θ before subtracting
// the update rounds θ twice per step; both errors accumulate over steps (measured: 25 ulps after 50 steps).
// The coupled L2 term reads θ before the decay, which is the same: Adam has no decay (shrink = 0) and AdamW
// no L2 term (l2 = 0).

/**
 * One Adam/AdamW step in place over n floats at p (θ), g (gradient), m (first moment), v (second moment) and,
 * when amsgrad is set, vMax (running max of v, NaN propagating). Works in whole vectors: the host pads every
 * region to 64 bytes, so the up to three elements past n are scratch (computed, never copied out).
 */
export function adamUpdate(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  vMax: usize,
  n: i32,
  shrink: f32,
  l2: f32,
  sign: f32,
  beta1: f32,
  oneMinusBeta1: f32,
  beta2: f32,
  oneMinusBeta2: f32,
  stepSize: f32,
  bias2Sqrt: f32,
  eps: f32,
  amsgrad: bool,
): void {
  const bytes = ((<usize>(n + 3)) >> 2) << 4;
  const shrinkV = f32x4.splat(shrink);
  const l2V = f32x4.splat(l2);
  const signV = f32x4.splat(sign);
  const b1 = f32x4.splat(beta1);
  const c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2);
  const c2 = f32x4.splat(oneMinusBeta2);
  const stepV = f32x4.splat(stepSize);
  const b2s = f32x4.splat(bias2Sqrt);
  const epsV = f32x4.splat(eps);
  for (let o: usize = 0; o < bytes; o += 16) {
    const pi = v128.load(p + o);
    const gi = f32x4.add(f32x4.mul(signV, v128.load(g + o)), f32x4.mul(l2V, pi));
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
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vHat), b2s), epsV);
    const update = f32x4.div(f32x4.mul(stepV, mi), denom);
    v128.store(p + o, f32x4.sub(pi, f32x4.add(f32x4.mul(pi, shrinkV), update)));
  }
}
