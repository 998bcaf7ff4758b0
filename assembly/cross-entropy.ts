// @file Cross-entropy on logits with class-index targets, in AssemblyScript: the log-normaliser and loss of each
// row, and the gradient softmax − one-hot. Exported through reduce.ts (an entry); the host (src/backend/wasm/
// loss.ts) takes the common case, rows of contiguous classes without weights or smoothing.
import { expVec } from './simd-math';

/** max over x[0..n): NaN if any element is NaN (f32x4.max propagates it, and so does the tail). */
function rowMax(x: usize, n: i32): f32 {
  let vmax = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) vmax = f32x4.max(vmax, v128.load(x + ((<usize>i) << 2)));
  let m = max(
    max(f32x4.extract_lane(vmax, 0), f32x4.extract_lane(vmax, 1)),
    max(f32x4.extract_lane(vmax, 2), f32x4.extract_lane(vmax, 3)),
  );
  for (; i < n; i++) m = max(m, load<f32>(x + ((<usize>i) << 2)));
  return m;
}

/** Σ e^(x_c − m) over x[0..n), each exponential in float32, the sum in float64. */
function expSum(x: usize, n: i32, m: f32): f64 {
  const shift = f32x4.splat(m);
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const e = inline.always(expVec(f32x4.sub(v128.load(x + ((<usize>i) << 2)), shift)));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(e));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 2, 3)));
  }
  const both = f64x2.add(lo, hi);
  let sum = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
  for (; i < n; i++) {
    const e = inline.always(expVec(f32x4.splat(load<f32>(x + ((<usize>i) << 2)) - m)));
    sum += <f64>f32x4.extract_lane(e, 0);
  }
  return sum;
}

/**
 * Cross-entropy over `rows` rows of `classes` logits at `x` with int32 targets at `labels` (rows whose target is
 * `ignore` are skipped): z = m + log Σ_c e^(x_c − m) (m the row's max) into `normalisers` and z − x_t into
 * `losses` (float64 each), [Σ loss, rows counted] into `sums`. Returns false, leaving the rest undone, at the
 * first row whose z is not finite (NaN or infinite logits): the host then runs the js kernel.
 */
export function crossEntropyRows(
  x: usize,
  labels: usize,
  rows: i32,
  classes: i32,
  ignore: i32,
  normalisers: usize,
  losses: usize,
  sums: usize,
): bool {
  const rowBytes = (<usize>classes) << 2;
  let total: f64 = 0;
  let counted: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * rowBytes;
    const m = rowMax(row, classes);
    const z = <f64>m + Math.log(expSum(row, classes, m));
    if (!isFinite(z)) return false;
    store<f64>(normalisers + ((<usize>r) << 3), z);
    const t = load<i32>(labels + ((<usize>r) << 2));
    if (t == ignore) continue;
    const loss = z - <f64>load<f32>(row + ((<usize>t) << 2));
    store<f64>(losses + ((<usize>r) << 3), loss);
    total += loss;
    counted += 1;
  }
  store<f64>(sums, total);
  store<f64>(sums, counted, 8);
  return true;
}

/**
 * The gradient of crossEntropyRows' losses, each times `s`: out[r, c] = s·e^(x_c − z_r) for c ≠ t and
 * s·(e^(x_t − z_r) − 1) = s·expm1(x_t − z_r) at the target (in float64: no cancellation when p_t is near 1), for
 * the rows not ignored (the others keep what `out` holds). z_r is split into two floats so that x − z keeps
 * float64's precision where it matters.
 */
export function crossEntropyRowsBackward(
  x: usize,
  labels: usize,
  rows: i32,
  classes: i32,
  ignore: i32,
  normalisers: usize,
  s: f64,
  out: usize,
): void {
  const rowBytes = (<usize>classes) << 2;
  const scale = f32x4.splat(<f32>s);
  for (let r = 0; r < rows; r++) {
    const t = load<i32>(labels + ((<usize>r) << 2));
    if (t == ignore) continue;
    const z = load<f64>(normalisers + ((<usize>r) << 3));
    const zHi = <f32>z;
    const zLo = <f32>(z - <f64>zHi);
    const hi = f32x4.splat(zHi);
    const lo = f32x4.splat(zLo);
    const row = x + <usize>r * rowBytes;
    const dst = out + <usize>r * rowBytes;
    let i = 0;
    for (; i + 4 <= classes; i += 4) {
      const o = (<usize>i) << 2;
      const shifted = f32x4.sub(f32x4.sub(v128.load(row + o), hi), lo);
      v128.store(dst + o, f32x4.mul(inline.always(expVec(shifted)), scale));
    }
    for (; i < classes; i++) {
      const o = (<usize>i) << 2;
      const e = f32x4.extract_lane(inline.always(expVec(f32x4.splat(load<f32>(row + o) - zHi - zLo))), 0);
      store<f32>(dst + o, e * <f32>s);
    }
    const xt = <f64>load<f32>(row + ((<usize>t) << 2));
    store<f32>(dst + ((<usize>t) << 2), <f32>(s * Math.expm1(xt - z)));
  }
}
