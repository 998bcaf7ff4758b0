// @file The wasm batch normalization kernels, in AssemblyScript: statistics in float64 (f64x2), the map in float32.
//
// x is [outer, channels, inner] float32; per channel the `outer` runs of `inner` floats are strided by
// channels·inner. The sums are read four floats at a time and widened to two f64x2 (the scalar tail separately),
// into several independent accumulators (one accumulator chains every add and waits on its latency), so the
// statistics match the js kernels, which compute in float64 too, up to the order of the sums; in training the
// per-element maps out = a·u + b·x + d then run in float32 (f32x4), as PyTorch's CPU kernels do, a third of
// the work of the widened form (the js kernels round once from float64: results differ by an ulp or two). The
// eval map (channelAffineMap) stays in float64, rounded once, as Backend.channelAffine promises.

/** Lanes 0–1 of a float32 vector widened to f64x2. */
function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** Lanes 2–3 of a float32 vector widened to f64x2. */
function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}

/** The four lanes of two f64x2 accumulators pairs, summed: (a + b) + (c + d), lane 0 then lane 1. */
function total(a: v128, b: v128, c: v128, d: v128): f64 {
  const sum = f64x2.add(f64x2.add(a, b), f64x2.add(c, d));
  return f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
}

/**
 * Σ x over the channel's runs (f64). Eight floats per turn into four independent f64x2 accumulators, so the
 * adds overlap instead of waiting on one another (one accumulator chains every add: latency-bound).
 */
function channelSum(x: usize, outer: i32, inner: i32, stride: usize): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let acc2 = f64x2.splat(0);
  let acc3 = f64x2.splat(0);
  let tail: f64 = 0;
  const end8 = inner & ~7;
  const end4 = inner & ~3;
  for (let n = 0; n < outer; n++) {
    const run = x + <usize>n * stride;
    for (let i = 0; i < end8; i += 8) {
      const at = run + ((<usize>i) << 2);
      const v = v128.load(at);
      const w = v128.load(at, 16);
      acc0 = f64x2.add(acc0, low(v));
      acc1 = f64x2.add(acc1, high(v));
      acc2 = f64x2.add(acc2, low(w));
      acc3 = f64x2.add(acc3, high(w));
    }
    if (end4 > end8) {
      const v = v128.load(run + ((<usize>end8) << 2));
      acc0 = f64x2.add(acc0, low(v));
      acc1 = f64x2.add(acc1, high(v));
    }
    for (let i = end4; i < inner; i++) tail += <f64>load<f32>(run + ((<usize>i) << 2));
  }
  return total(acc0, acc1, acc2, acc3) + tail;
}

/** Σ (x − μ)² over the channel's runs (f64), with four accumulators as channelSum. */
function channelSquares(x: usize, outer: i32, inner: i32, stride: usize, mu: f64): f64 {
  const m = f64x2.splat(mu);
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  let acc2 = f64x2.splat(0);
  let acc3 = f64x2.splat(0);
  let tail: f64 = 0;
  const end8 = inner & ~7;
  const end4 = inner & ~3;
  for (let n = 0; n < outer; n++) {
    const run = x + <usize>n * stride;
    for (let i = 0; i < end8; i += 8) {
      const at = run + ((<usize>i) << 2);
      const v = v128.load(at);
      const w = v128.load(at, 16);
      const d0 = f64x2.sub(low(v), m);
      const d1 = f64x2.sub(high(v), m);
      const d2 = f64x2.sub(low(w), m);
      const d3 = f64x2.sub(high(w), m);
      acc0 = f64x2.add(acc0, f64x2.mul(d0, d0));
      acc1 = f64x2.add(acc1, f64x2.mul(d1, d1));
      acc2 = f64x2.add(acc2, f64x2.mul(d2, d2));
      acc3 = f64x2.add(acc3, f64x2.mul(d3, d3));
    }
    if (end4 > end8) {
      const v = v128.load(run + ((<usize>end8) << 2));
      const d0 = f64x2.sub(low(v), m);
      const d1 = f64x2.sub(high(v), m);
      acc0 = f64x2.add(acc0, f64x2.mul(d0, d0));
      acc1 = f64x2.add(acc1, f64x2.mul(d1, d1));
    }
    for (let i = end4; i < inner; i++) {
      const d = <f64>load<f32>(run + ((<usize>i) << 2)) - mu;
      tail += d * d;
    }
  }
  return total(acc0, acc1, acc2, acc3) + tail;
}

/** Two f64x2 rounded to float32 and packed as one f32x4. */
function narrow(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5);
}

/** out = s·x + t over the channel's runs, in f64 and rounded once (the eval map, channelAffineMap). */
function channelAffineWide(
  x: usize,
  out: usize,
  outer: i32,
  inner: i32,
  stride: usize,
  s: f64,
  t: f64,
): void {
  const vs = f64x2.splat(s);
  const vt = f64x2.splat(t);
  const vectorEnd = inner & ~3;
  for (let n = 0; n < outer; n++) {
    const offset = <usize>n * stride;
    for (let i = 0; i < vectorEnd; i += 4) {
      const at = offset + ((<usize>i) << 2);
      const xv = v128.load(x + at);
      const lo = f64x2.add(f64x2.mul(vs, low(xv)), vt);
      const hi = f64x2.add(f64x2.mul(vs, high(xv)), vt);
      v128.store(out + at, narrow(lo, hi));
    }
    for (let i = vectorEnd; i < inner; i++) {
      const at = offset + ((<usize>i) << 2);
      store<f32>(out + at, <f32>(s * <f64>load<f32>(x + at) + t));
    }
  }
}

/**
 * out = a·u + b·x + d over the channel's runs (u = x's term left out when `u` is 0), in float32 with the
 * coefficients rounded to float32, as PyTorch's CPU kernels compute the map; the statistics that give a, b and d
 * are accumulated in float64.
 */
function channelAffine(
  u: usize,
  x: usize,
  out: usize,
  outer: i32,
  inner: i32,
  stride: usize,
  a: f64,
  b: f64,
  d: f64,
): void {
  const fa = <f32>a;
  const fb = <f32>b;
  const fd = <f32>d;
  const va = f32x4.splat(fa);
  const vb = f32x4.splat(fb);
  const vd = f32x4.splat(fd);
  const vectorEnd = inner & ~3;
  for (let n = 0; n < outer; n++) {
    const offset = <usize>n * stride;
    if (u != 0) {
      for (let i = 0; i < vectorEnd; i += 4) {
        const at = offset + ((<usize>i) << 2);
        const bx = f32x4.add(f32x4.mul(vb, v128.load(x + at)), vd);
        v128.store(out + at, f32x4.add(f32x4.mul(va, v128.load(u + at)), bx));
      }
      for (let i = vectorEnd; i < inner; i++) {
        const at = offset + ((<usize>i) << 2);
        store<f32>(out + at, fa * load<f32>(u + at) + (fb * load<f32>(x + at) + fd));
      }
    } else {
      for (let i = 0; i < vectorEnd; i += 4) {
        const at = offset + ((<usize>i) << 2);
        v128.store(out + at, f32x4.add(f32x4.mul(vb, v128.load(x + at)), vd));
      }
      for (let i = vectorEnd; i < inner; i++) {
        const at = offset + ((<usize>i) << 2);
        store<f32>(out + at, fb * load<f32>(x + at) + fd);
      }
    }
  }
}

/**
 * Training-mode batch norm (Backend.batchNorm): per channel μ, σ² (biased), invstd = 1/√(σ² + eps), then
 * out = x·scale + shift with scale = γ·invstd and shift = β − μ·scale. `weight`/`bias` are 0 when absent;
 * `stats` receives 3·channels f64: μ, then σ², then invstd.
 */
export function batchNorm(
  x: usize,
  outer: i32,
  channels: i32,
  inner: i32,
  weight: usize,
  bias: usize,
  eps: f64,
  out: usize,
  stats: usize,
): void {
  const stride = (<usize>(channels * inner)) << 2;
  const count = <f64>outer * <f64>inner;
  for (let c = 0; c < channels; c++) {
    const run = x + ((<usize>(c * inner)) << 2);
    const mu = channelSum(run, outer, inner, stride) / count;
    const sigma2 = channelSquares(run, outer, inner, stride, mu) / count;
    const inv = 1 / Math.sqrt(sigma2 + eps);
    store<f64>(stats + ((<usize>c) << 3), mu);
    store<f64>(stats + ((<usize>(channels + c)) << 3), sigma2);
    store<f64>(stats + ((<usize>(2 * channels + c)) << 3), inv);
    const scale = (weight != 0 ? <f64>load<f32>(weight + ((<usize>c) << 2)) : 1) * inv;
    const shift = (bias != 0 ? <f64>load<f32>(bias + ((<usize>c) << 2)) : 0) - mu * scale;
    channelAffine(0, run, out + ((<usize>(c * inner)) << 2), outer, inner, stride, 0, scale, shift);
  }
}

/**
 * Its VJP (Backend.batchNormBackward) from `stats` (μ at [0, C), invstd at [2C, 3C)): writes Σ∂y to gradBias
 * and Σ∂y·x̂ to gradWeight (each 0 when not wanted), and ∂x = a·∂y + b·x + d to gradInput (when not 0).
 */
export function batchNormBackward(
  gradOut: usize,
  x: usize,
  outer: i32,
  channels: i32,
  inner: i32,
  weight: usize,
  stats: usize,
  gradInput: usize,
  gradWeight: usize,
  gradBias: usize,
): void {
  const stride = (<usize>(channels * inner)) << 2;
  const count = <f64>outer * <f64>inner;
  const vectorEnd = inner & ~3;
  for (let c = 0; c < channels; c++) {
    const offset = (<usize>(c * inner)) << 2;
    const mu = load<f64>(stats + ((<usize>c) << 3));
    const inv = load<f64>(stats + ((<usize>(2 * channels + c)) << 3));
    const m = f64x2.splat(mu);
    // Two accumulators per sum (low and high lanes of each vector), so that consecutive adds do not chain.
    let sumDy0 = f64x2.splat(0);
    let sumDy1 = f64x2.splat(0);
    let sumDyXc0 = f64x2.splat(0);
    let sumDyXc1 = f64x2.splat(0);
    let tailDy: f64 = 0;
    let tailDyXc: f64 = 0;
    for (let n = 0; n < outer; n++) {
      const at = offset + <usize>n * stride;
      for (let i = 0; i < vectorEnd; i += 4) {
        const p = at + ((<usize>i) << 2);
        const dy = v128.load(gradOut + p);
        const xv = v128.load(x + p);
        const dyLo = low(dy);
        const dyHi = high(dy);
        sumDy0 = f64x2.add(sumDy0, dyLo);
        sumDy1 = f64x2.add(sumDy1, dyHi);
        sumDyXc0 = f64x2.add(sumDyXc0, f64x2.mul(dyLo, f64x2.sub(low(xv), m)));
        sumDyXc1 = f64x2.add(sumDyXc1, f64x2.mul(dyHi, f64x2.sub(high(xv), m)));
      }
      for (let i = vectorEnd; i < inner; i++) {
        const p = at + ((<usize>i) << 2);
        const dy = <f64>load<f32>(gradOut + p);
        tailDy += dy;
        tailDyXc += dy * (<f64>load<f32>(x + p) - mu);
      }
    }
    const sumDy = f64x2.add(sumDy0, sumDy1);
    const sumDyXc = f64x2.add(sumDyXc0, sumDyXc1);
    const totalDy = f64x2.extract_lane(sumDy, 0) + f64x2.extract_lane(sumDy, 1) + tailDy;
    const sumDyXhat = (f64x2.extract_lane(sumDyXc, 0) + f64x2.extract_lane(sumDyXc, 1) + tailDyXc) * inv;
    if (gradBias != 0) store<f32>(gradBias + ((<usize>c) << 2), <f32>totalDy);
    if (gradWeight != 0) store<f32>(gradWeight + ((<usize>c) << 2), <f32>sumDyXhat);
    if (gradInput == 0) continue;
    const k = (weight != 0 ? <f64>load<f32>(weight + ((<usize>c) << 2)) : 1) * inv;
    const slope = (sumDyXhat * inv) / count;
    const d = -k * (totalDy / count) + k * slope * mu;
    channelAffine(gradOut + offset, x + offset, gradInput + offset, outer, inner, stride, k, -k * slope, d);
  }
}

/**
 * out = x·scale[c] + shift[c] per channel (Backend.channelAffine), in f64, rounded once; `coefficients` holds
 * `channels` f64 scales, then `channels` f64 shifts.
 */
export function channelAffineMap(
  x: usize,
  outer: i32,
  channels: i32,
  inner: i32,
  coefficients: usize,
  out: usize,
): void {
  const stride = (<usize>(channels * inner)) << 2;
  for (let c = 0; c < channels; c++) {
    const offset = (<usize>(c * inner)) << 2;
    const scale = load<f64>(coefficients + ((<usize>c) << 3));
    const shift = load<f64>(coefficients + ((<usize>(channels + c)) << 3));
    channelAffineWide(x + offset, out + offset, outer, inner, stride, scale, shift);
  }
}
