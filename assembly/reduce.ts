// @file The wasm reductions, in AssemblyScript: sums accumulated in float64 (like the js kernels), softmax, a NaN test.
import { expVec } from './simd-math';

export { crossEntropyRows, crossEntropyRowsBackward } from './cross-entropy';

/** Σ of x[0..n) in float64: two f64x2 accumulators fed by promoted f32x4 loads. */
function rowSum(x: usize, n: i32): f64 {
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + ((<usize>i) << 2));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
  }
  const both = f64x2.add(lo, hi);
  let sum = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
  for (; i < n; i++) sum += <f64>load<f32>(x + ((<usize>i) << 2));
  return sum;
}

/** acc[0..n) += x[0..n) in float64 (acc 16-byte aligned). */
function addRow(acc: usize, x: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + ((<usize>i) << 2));
    const at = acc + ((<usize>i) << 3);
    v128.store(at, f64x2.add(v128.load(at), f64x2.promote_low_f32x4(v)));
    v128.store(
      at,
      f64x2.add(v128.load(at, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3))),
      16,
    );
  }
  for (; i < n; i++) {
    const at = acc + ((<usize>i) << 3);
    store<f64>(at, load<f64>(at) + <f64>load<f32>(x + ((<usize>i) << 2)));
  }
}

/**
 * x viewed as [outer, size, inner]: out[o, i] = Σ_s x[o, s, i], rounded once from float64. `acc` holds
 * `inner` doubles of scratch.
 */
export function sumMiddle(x: usize, outer: i32, size: i32, inner: i32, acc: usize, out: usize): void {
  for (let o = 0; o < outer; o++) {
    if (inner == 1) {
      store<f32>(out + ((<usize>o) << 2), <f32>rowSum(x + ((<usize>(o * size)) << 2), size));
      continue;
    }
    memory.fill(acc, 0, (<usize>inner) << 3);
    for (let s = 0; s < size; s++) addRow(acc, x + ((<usize>((o * size + s) * inner)) << 2), inner);
    const dst = out + ((<usize>(o * inner)) << 2);
    for (let i = 0; i < inner; i++)
      store<f32>(dst + ((<usize>i) << 2), <f32>load<f64>(acc + ((<usize>i) << 3)));
  }
}

/** x viewed as [before, kept, after]: out[k] = Σ_b Σ_a x[b, k, a], rounded once from float64 (`acc`: kept doubles). */
export function sumOuterInner(x: usize, before: i32, kept: i32, after: i32, acc: usize, out: usize): void {
  memory.fill(acc, 0, (<usize>kept) << 3);
  for (let b = 0; b < before; b++) {
    for (let k = 0; k < kept; k++) {
      const at = acc + ((<usize>k) << 3);
      store<f64>(at, load<f64>(at) + rowSum(x + ((<usize>((b * kept + k) * after)) << 2), after));
    }
  }
  for (let k = 0; k < kept; k++) store<f32>(out + ((<usize>k) << 2), <f32>load<f64>(acc + ((<usize>k) << 3)));
}

/** The running max of the js kernels: the new value if larger or NaN. */
function larger(max: f32, v: f32): f32 {
  return v > max || v != v ? v : max;
}

/**
 * Softmax (or log-softmax) of contiguous rows of `size`: m = max (NaN wins; 0 if all −∞), e = exp(x − m),
 * softmax = e / Σe and log-softmax = x − m − log Σe, the sum in float64.
 */
function softmaxRow(x: usize, out: usize, size: i32, log: bool): void {
  let vmax = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= size; i += 4) vmax = f32x4.max(vmax, v128.load(x + ((<usize>i) << 2)));
  let max = f32x4.extract_lane(vmax, 0);
  max = larger(max, f32x4.extract_lane(vmax, 1));
  max = larger(max, f32x4.extract_lane(vmax, 2));
  max = larger(max, f32x4.extract_lane(vmax, 3));
  for (; i < size; i++) max = larger(max, load<f32>(x + ((<usize>i) << 2)));
  if (max == -Infinity) max = 0;
  const shift = f32x4.splat(max);
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let sumTail: f64 = 0;
  i = 0;
  for (; i + 4 <= size; i += 4) {
    const o = (<usize>i) << 2;
    const e = inline.always(expVec(f32x4.sub(v128.load(x + o), shift)));
    if (!log) v128.store(out + o, e);
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(e));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 2, 3)));
  }
  for (; i < size; i++) {
    const o = (<usize>i) << 2;
    const e = f32x4.extract_lane(inline.always(expVec(f32x4.splat(load<f32>(x + o) - max))), 0);
    if (!log) store<f32>(out + o, e);
    sumTail += <f64>e;
  }
  const both = f64x2.add(lo, hi);
  const sum = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1) + sumTail;
  if (log) {
    // (x − m) − log Σe: both terms small where the result is, so float32 loses nothing to cancellation
    // (x − (m + log Σe) would round m + log Σe first, an error of ulp(m) in a result that may be far smaller).
    const logSum = f32x4.splat(<f32>Math.log(sum));
    i = 0;
    for (; i + 4 <= size; i += 4) {
      const o = (<usize>i) << 2;
      v128.store(out + o, f32x4.sub(f32x4.sub(v128.load(x + o), shift), logSum));
    }
    for (; i < size; i++) {
      const o = (<usize>i) << 2;
      store<f32>(out + o, load<f32>(x + o) - max - f32x4.extract_lane(logSum, 0));
    }
  } else {
    const total = f32x4.splat(<f32>sum);
    i = 0;
    for (; i + 4 <= size; i += 4) {
      const o = (<usize>i) << 2;
      v128.store(out + o, f32x4.div(v128.load(out + o), total));
    }
    for (; i < size; i++) {
      const o = (<usize>i) << 2;
      store<f32>(out + o, load<f32>(out + o) / <f32>sum);
    }
  }
}

/**
 * Softmax along the middle axis of [outer, size, inner] for four adjacent inner positions at once (`lanes`
 * of them valid): the same steps as softmaxRow with one vector lane per position.
 */
function softmaxColumns(x: usize, out: usize, size: i32, inner: i32, lanes: i32, log: bool): void {
  const step = (<usize>inner) << 2;
  let vmax = f32x4.splat(-Infinity);
  for (let s = 0; s < size; s++) vmax = f32x4.max(vmax, loadLanes(x + <usize>s * step, lanes));
  vmax = v128.bitselect(f32x4.splat(0), vmax, f32x4.eq(vmax, f32x4.splat(-Infinity)));
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  for (let s = 0; s < size; s++) {
    const e = inline.always(expVec(f32x4.sub(loadLanes(x + <usize>s * step, lanes), vmax)));
    if (!log) storeLanes(out + <usize>s * step, e, lanes);
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(e));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 2, 3)));
  }
  const total = v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
  if (log) {
    let logSum = f32x4.splat(0);
    logSum = f32x4.replace_lane(logSum, 0, <f32>Math.log(f64x2.extract_lane(lo, 0)));
    logSum = f32x4.replace_lane(logSum, 1, <f32>Math.log(f64x2.extract_lane(lo, 1)));
    logSum = f32x4.replace_lane(logSum, 2, <f32>Math.log(f64x2.extract_lane(hi, 0)));
    logSum = f32x4.replace_lane(logSum, 3, <f32>Math.log(f64x2.extract_lane(hi, 1)));
    for (let s = 0; s < size; s++) {
      const shifted = f32x4.sub(loadLanes(x + <usize>s * step, lanes), vmax);
      storeLanes(out + <usize>s * step, f32x4.sub(shifted, logSum), lanes);
    }
  } else {
    for (let s = 0; s < size; s++) {
      storeLanes(out + <usize>s * step, f32x4.div(loadLanes(out + <usize>s * step, lanes), total), lanes);
    }
  }
}

/** The first `lanes` floats at p (the rest −∞, which neither wins a max nor adds to a sum). */
function loadLanes(p: usize, lanes: i32): v128 {
  if (lanes == 4) return v128.load(p);
  let v = f32x4.splat(-Infinity);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

function storeLanes(p: usize, v: v128, lanes: i32): void {
  if (lanes == 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** Softmax or log-softmax along the middle axis of x viewed as [outer, size, inner]. */
export function softmax(x: usize, out: usize, outer: i32, size: i32, inner: i32, log: bool): void {
  for (let o = 0; o < outer; o++) {
    const base = (<usize>(o * size * inner)) << 2;
    if (inner == 1) {
      softmaxRow(x + base, out + base, size, log);
      continue;
    }
    for (let i = 0; i < inner; i += 4) {
      const at = base + ((<usize>i) << 2);
      softmaxColumns(x + at, out + at, size, inner, min(4, inner - i), log);
    }
  }
}

/** Whether x[0..n) holds a NaN: lanes that differ from themselves, or-ed over the array. */
export function hasNaN(x: usize, n: i32): bool {
  let seen = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const at = x + ((<usize>i) << 2);
    const a = v128.load(at);
    const b = v128.load(at, 16);
    const c = v128.load(at, 32);
    const d = v128.load(at, 48);
    seen = v128.or(
      seen,
      v128.or(v128.or(f32x4.ne(a, a), f32x4.ne(b, b)), v128.or(f32x4.ne(c, c), f32x4.ne(d, d))),
    );
  }
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + ((<usize>i) << 2));
    seen = v128.or(seen, f32x4.ne(v, v));
  }
  if (v128.any_true(seen)) return true;
  for (; i < n; i++) {
    const v = load<f32>(x + ((<usize>i) << 2));
    if (v != v) return true;
  }
  return false;
}
