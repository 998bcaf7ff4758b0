// @file Vector math for the wasm kernels, in AssemblyScript: exp, the logistic function and tanh on f32x4.
// Imported by the kernel files (not an entry, so nothing here is exported from the module).
//
// Callers wrap calls in `inline.always(…)`: V8's wasm calling convention saves no vector register across a call,
// so a loop calling expVec spills and reloads everything it keeps live (measured on the unary kernels, ns per
// element: exp 1.7 → 1.0, sigmoid 2.6 → 1.7, tanh 2.3 → 1.6). With relaxed SIMD the polynomials use fused
// multiply-adds (mulAdd); the plain build computes exactly what it did before them.

// Constants as vectors in linear memory: TurboFan rebuilds a v128.const inside the loop at every use (three
// instructions each), whereas a load from this table is one (exp: 2.8 → 1.? ns per element, measured).
const EXP_HI = 0;
const EXP_LO = 1;
const LOG2E = 2;
const NEG_LN2_HI = 3;
const NEG_LN2_LO = 4;
const MAGIC = 5; // 1.5·2²³: adding it rounds to an integer, left in the low mantissa bits
const P0 = 6;
const P1 = 7;
const P2 = 8;
const P3 = 9;
const P4 = 10;
const P5 = 11;
const ONE = 12;
const T0 = 13; // tanh's odd polynomial, highest degree first
const T1 = 14;
const T2 = 15;
const T3 = 16;
const T4 = 17;
const TANH_SMALL = 18; // below this |x| tanh takes the polynomial
const TWO = 19;
const MAGIC_BIASED = 20; // 1.5·2²³ + 127: as MAGIC, with the exponent bias added to n in the low bits
const EXP_NEG_FAST_MIN = 21; // from here up to 0, e^x and 2ⁿ are normal floats
const SIGN = 22; // −0: only the sign bit
// prettier-ignore
const CONSTANTS = memory.data<f32>(
  [
    89, 89, 89, 89,
    -104, -104, -104, -104,
    1.4426950408889634, 1.4426950408889634, 1.4426950408889634, 1.4426950408889634,
    -0.693359375, -0.693359375, -0.693359375, -0.693359375,
    2.1219444e-4, 2.1219444e-4, 2.1219444e-4, 2.1219444e-4,
    12582912, 12582912, 12582912, 12582912,
    1.98756915e-4, 1.98756915e-4, 1.98756915e-4, 1.98756915e-4,
    1.39819995e-3, 1.39819995e-3, 1.39819995e-3, 1.39819995e-3,
    8.33345191e-3, 8.33345191e-3, 8.33345191e-3, 8.33345191e-3,
    4.16657959e-2, 4.16657959e-2, 4.16657959e-2, 4.16657959e-2,
    1.66666655e-1, 1.66666655e-1, 1.66666655e-1, 1.66666655e-1,
    5.00000012e-1, 5.00000012e-1, 5.00000012e-1, 5.00000012e-1,
    1, 1, 1, 1,
    -5.70498872745e-3, -5.70498872745e-3, -5.70498872745e-3, -5.70498872745e-3,
    2.06390887954e-2, 2.06390887954e-2, 2.06390887954e-2, 2.06390887954e-2,
    -5.37397155531e-2, -5.37397155531e-2, -5.37397155531e-2, -5.37397155531e-2,
    1.33314422036e-1, 1.33314422036e-1, 1.33314422036e-1, 1.33314422036e-1,
    -3.33332819422e-1, -3.33332819422e-1, -3.33332819422e-1, -3.33332819422e-1,
    0.625, 0.625, 0.625, 0.625,
    2, 2, 2, 2,
    12583039, 12583039, 12583039, 12583039,
    -87, -87, -87, -87,
    -0.0, -0.0, -0.0, -0.0,
  ],
  16,
);
const EXPONENT_BIAS = memory.data<i32>([127, 127, 127, 127], 16);

/** a·b + c: one fused multiply-add where relaxed SIMD is compiled in, else a multiply and an add. */
function mulAdd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

function constant(index: i32): v128 {
  return v128.load(CONSTANTS + ((<usize>index) << 4));
}

/**
 * e^x to about 1 ulp (Cephes' expf polynomial on r = x − n·ln 2, |r| ≤ ln 2 / 2). 2ⁿ is applied as two
 * factors 2^⌊n/2⌋·2^(n−⌊n/2⌋) so that results overflow to +∞ and underflow through the subnormals like the
 * exact function; NaN stays NaN.
 */
export function expVec(x: v128): v128 {
  // pmin/pmax (one instruction each on x64; f32x4.min/max take eight) keep a NaN x: it fails both compares.
  const xc = f32x4.pmax(f32x4.pmin(x, constant(EXP_HI)), constant(EXP_LO));
  const magic = constant(MAGIC);
  const t = mulAdd(xc, constant(LOG2E), magic); // n in the low mantissa bits
  const n = f32x4.sub(t, magic);
  let r = mulAdd(n, constant(NEG_LN2_HI), xc); // x − n·ln 2 in two parts (ln 2 = hi + lo)
  r = mulAdd(n, constant(NEG_LN2_LO), r);
  // Estrin's scheme (three independent pairs, then r², r⁴) halves Horner's chain of dependent operations.
  const r2 = f32x4.mul(r, r);
  const r4 = f32x4.mul(r2, r2);
  const q0 = mulAdd(constant(P0), r, constant(P1));
  const q1 = mulAdd(constant(P2), r, constant(P3));
  const q2 = mulAdd(constant(P4), r, constant(P5));
  const p = mulAdd(q0, r4, mulAdd(q1, r2, q2));
  const y = f32x4.add(mulAdd(p, r2, r), constant(ONE));
  const ni = i32x4.sub(t, magic);
  const half = i32x4.shr_s(ni, 1);
  const bias = v128.load(EXPONENT_BIAS);
  const scale1 = i32x4.shl(i32x4.add(half, bias), 23);
  const scale2 = i32x4.shl(i32x4.add(i32x4.sub(ni, half), bias), 23);
  return f32x4.mul(f32x4.mul(y, scale1), scale2);
}

/**
 * e^z for z in [−87, 0] (or NaN, which stays NaN): expVec's polynomial with 2ⁿ built in one shift, since neither
 * overflow nor subnormal results can occur there. Same bits as expVec on that range.
 */
function expNonPositiveVec(z: v128): v128 {
  const magic = constant(MAGIC_BIASED);
  const t = mulAdd(z, constant(LOG2E), magic); // n + 127 in the low mantissa bits
  const scale = i32x4.shl(t, 23); // 2ⁿ: the exponent field is n + 127, the mantissa's higher bits shift out
  const n = f32x4.sub(t, magic);
  let r = mulAdd(n, constant(NEG_LN2_HI), z);
  r = mulAdd(n, constant(NEG_LN2_LO), r);
  const r2 = f32x4.mul(r, r);
  const r4 = f32x4.mul(r2, r2);
  const q0 = mulAdd(constant(P0), r, constant(P1));
  const q1 = mulAdd(constant(P2), r, constant(P3));
  const q2 = mulAdd(constant(P4), r, constant(P5));
  const p = mulAdd(q0, r4, mulAdd(q1, r2, q2));
  const em1 = mulAdd(p, r2, r); // e^r − 1
  return mulAdd(em1, scale, scale); // 2ⁿ·e^r, exact scaling of the rounded 1 + (e^r − 1)
}

/** Whether any lane of z (from −|x|) is below the range of expNonPositiveVec (NaN is not). */
function belowFastExp(z: v128): bool {
  return i32x4.bitmask(f32x4.lt(z, constant(EXP_NEG_FAST_MIN))) != 0;
}

/**
 * The logistic function, stably: with e = e^(−|x|) and s = e/(1 + e), s below 0 and 1 − s from 0 up. (1 − s
 * rather than 1/(1 + e): 1 + e rounds e away in float32 from x ≈ 16.6, and σ would reach exactly 1 much
 * earlier than the js kernel's, which makes log(1 − σ) −∞.) e comes from expNonPositiveVec unless a lane has
 * |x| > 87 (σ subnormal or 1) or ±∞, which take expVec (measured on 1000×1000: 1.55 → 1.1 ms). NaN stays NaN.
 */
export function sigmoidVec(x: v128): v128 {
  const z = v128.or(x, constant(SIGN)); // −|x|
  const e = belowFastExp(z) ? inline.always(expVec(z)) : inline.always(expNonPositiveVec(z));
  const one = constant(ONE);
  const s = f32x4.div(e, f32x4.add(one, e));
  return v128.bitselect(f32x4.sub(one, s), s, f32x4.ge(x, f32x4.splat(0)));
}

/**
 * tanh: Cephes' odd polynomial for |x| < 0.625, else sign(x)·(1 − e)/(1 + e) with e = e^(−2|x|) from
 * expNonPositiveVec (−2|x| held at −87 or above: tanh is 1 in float32 from |x| ≈ 9; NaN passes the hold).
 */
export function tanhVec(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = mulAdd(constant(T0), z, constant(T1));
  p = mulAdd(p, z, constant(T2));
  p = mulAdd(p, z, constant(T3));
  p = mulAdd(p, z, constant(T4));
  const small = mulAdd(f32x4.mul(p, z), x, x);
  const negAx = v128.or(x, constant(SIGN));
  // pmax(a, b) = a < b ? b : a keeps a NaN a (one instruction on x64, where f32x4.max takes eight)
  const e = inline.always(expNonPositiveVec(f32x4.pmax(f32x4.add(negAx, negAx), constant(EXP_NEG_FAST_MIN))));
  const one = constant(ONE);
  const large = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
  const signed = v128.or(large, v128.and(x, constant(SIGN)));
  return v128.bitselect(small, signed, f32x4.lt(ax, constant(TANH_SMALL)));
}
