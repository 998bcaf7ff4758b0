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
const Q0 = 6; // (e^r − 1 − r)/r² ≈ Q0·r⁴ + Q1·r³ + Q2·r² + Q3·r + Q4 on |r| ≤ ln 2 / 2
const Q1 = 7;
const Q2 = 8;
const Q3 = 9;
const Q4 = 10;
const ONE = 11;
const T0 = 12; // tanh's odd polynomial, highest degree first
const T1 = 13;
const T2 = 14;
const T3 = 15;
const T4 = 16;
const TANH_SMALL = 17; // below this |x| tanh takes the polynomial
// 18 holds 2.0, unused since the fast exp; kept so that the indices stay as they are
const MAGIC_BIASED = 19; // 1.5·2²³ + 127: as MAGIC, with the exponent bias added to n in the low bits
const EXP_NEG_FAST_MIN = 20; // from here up to 0, e^x and 2ⁿ are normal floats
const SIGN = 21; // −0: only the sign bit
// prettier-ignore
const CONSTANTS = memory.data<f32>(
  [
    89, 89, 89, 89,
    -104, -104, -104, -104,
    1.4426950408889634, 1.4426950408889634, 1.4426950408889634, 1.4426950408889634,
    -0.693359375, -0.693359375, -0.693359375, -0.693359375,
    2.1219444e-4, 2.1219444e-4, 2.1219444e-4, 2.1219444e-4,
    12582912, 12582912, 12582912, 12582912,
    1.3814613e-3, 1.3814613e-3, 1.3814613e-3, 1.3814613e-3,
    8.3687101e-3, 8.3687101e-3, 8.3687101e-3, 8.3687101e-3,
    4.1668389e-2, 4.1668389e-2, 4.1668389e-2, 4.1668389e-2,
    1.6666521e-1, 1.6666521e-1, 1.6666521e-1, 1.6666521e-1,
    4.9999994e-1, 4.9999994e-1, 4.9999994e-1, 4.9999994e-1,
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
 * e^r − 1 = r + r²·q(r) for |r| ≤ ln 2 / 2, q of degree 4 fitted for the least maximum relative error of e^r
 * (3·10⁻⁹, 0.03 float32 ulp: as accurate as Cephes' degree-5 q in float32, one multiply-add fewer). Estrin's
 * scheme: two independent pairs, then r², instead of Horner's chain of dependent operations.
 */
function expm1Reduced(r: v128): v128 {
  const r2 = f32x4.mul(r, r);
  const high = mulAdd(constant(Q1), r, constant(Q2));
  const low = mulAdd(constant(Q3), r, constant(Q4));
  const q = mulAdd(mulAdd(constant(Q0), r2, high), r2, low);
  return mulAdd(q, r2, r);
}

/**
 * e^x to about 1 ulp (the polynomial of expm1Reduced on r = x − n·ln 2, |r| ≤ ln 2 / 2). 2ⁿ is applied as two
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
  const y = f32x4.add(inline.always(expm1Reduced(r)), constant(ONE));
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
  const em1 = inline.always(expm1Reduced(r));
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
 * σ of the 4 vectors at `x` into `out`: sigmoidVec's arithmetic (same bits), the four computations interleaved
 * step by step. One vector's chain of dependent operations (two dozen, then a division) is longer than the core's
 * scheduler overlaps across loop turns; four interleaved chains keep its units busy (measured on 1000×1000, Zen
 * with AVX2: 1.77 → 1.33 ms plain, 1.31 → 1.01 ms with FMA; two chains gave 1.55). A group with any lane below
 * the fast exp's range takes expVec for all four vectors.
 */
export function sigmoidGroup(x: usize, out: usize): void {
  const x0 = v128.load(x, 0);
  const x1 = v128.load(x, 16);
  const x2 = v128.load(x, 32);
  const x3 = v128.load(x, 48);
  const sign = constant(SIGN);
  const z0 = v128.or(x0, sign);
  const z1 = v128.or(x1, sign);
  const z2 = v128.or(x2, sign);
  const z3 = v128.or(x3, sign);
  const fastMin = constant(EXP_NEG_FAST_MIN);
  let e0: v128, e1: v128, e2: v128, e3: v128;
  // Compared vector by vector and or-ed: a min of the four would let a NaN lane hide another vector's −∞.
  const below01 = v128.or(f32x4.lt(z0, fastMin), f32x4.lt(z1, fastMin));
  const below23 = v128.or(f32x4.lt(z2, fastMin), f32x4.lt(z3, fastMin));
  if (i32x4.bitmask(v128.or(below01, below23)) != 0) {
    e0 = inline.always(expVec(z0));
    e1 = inline.always(expVec(z1));
    e2 = inline.always(expVec(z2));
    e3 = inline.always(expVec(z3));
  } else {
    const magic = constant(MAGIC_BIASED);
    const t0 = mulAdd(z0, constant(LOG2E), magic);
    const t1 = mulAdd(z1, constant(LOG2E), magic);
    const t2 = mulAdd(z2, constant(LOG2E), magic);
    const t3 = mulAdd(z3, constant(LOG2E), magic);
    const n0 = f32x4.sub(t0, magic);
    const n1 = f32x4.sub(t1, magic);
    const n2 = f32x4.sub(t2, magic);
    const n3 = f32x4.sub(t3, magic);
    let r0 = mulAdd(n0, constant(NEG_LN2_HI), z0);
    let r1 = mulAdd(n1, constant(NEG_LN2_HI), z1);
    let r2 = mulAdd(n2, constant(NEG_LN2_HI), z2);
    let r3 = mulAdd(n3, constant(NEG_LN2_HI), z3);
    r0 = mulAdd(n0, constant(NEG_LN2_LO), r0);
    r1 = mulAdd(n1, constant(NEG_LN2_LO), r1);
    r2 = mulAdd(n2, constant(NEG_LN2_LO), r2);
    r3 = mulAdd(n3, constant(NEG_LN2_LO), r3);
    const s0 = f32x4.mul(r0, r0);
    const s1 = f32x4.mul(r1, r1);
    const s2 = f32x4.mul(r2, r2);
    const s3 = f32x4.mul(r3, r3);
    const h0 = mulAdd(constant(Q1), r0, constant(Q2));
    const h1 = mulAdd(constant(Q1), r1, constant(Q2));
    const h2 = mulAdd(constant(Q1), r2, constant(Q2));
    const h3 = mulAdd(constant(Q1), r3, constant(Q2));
    const l0 = mulAdd(constant(Q3), r0, constant(Q4));
    const l1 = mulAdd(constant(Q3), r1, constant(Q4));
    const l2 = mulAdd(constant(Q3), r2, constant(Q4));
    const l3 = mulAdd(constant(Q3), r3, constant(Q4));
    const q0 = mulAdd(mulAdd(constant(Q0), s0, h0), s0, l0);
    const q1 = mulAdd(mulAdd(constant(Q0), s1, h1), s1, l1);
    const q2 = mulAdd(mulAdd(constant(Q0), s2, h2), s2, l2);
    const q3 = mulAdd(mulAdd(constant(Q0), s3, h3), s3, l3);
    const m0 = mulAdd(q0, s0, r0);
    const m1 = mulAdd(q1, s1, r1);
    const m2 = mulAdd(q2, s2, r2);
    const m3 = mulAdd(q3, s3, r3);
    const p0 = i32x4.shl(t0, 23);
    const p1 = i32x4.shl(t1, 23);
    const p2 = i32x4.shl(t2, 23);
    const p3 = i32x4.shl(t3, 23);
    e0 = mulAdd(m0, p0, p0);
    e1 = mulAdd(m1, p1, p1);
    e2 = mulAdd(m2, p2, p2);
    e3 = mulAdd(m3, p3, p3);
  }
  const one = constant(ONE);
  const zero = f32x4.splat(0);
  const d0 = f32x4.div(e0, f32x4.add(one, e0));
  const d1 = f32x4.div(e1, f32x4.add(one, e1));
  const d2 = f32x4.div(e2, f32x4.add(one, e2));
  const d3 = f32x4.div(e3, f32x4.add(one, e3));
  v128.store(out, v128.bitselect(f32x4.sub(one, d0), d0, f32x4.ge(x0, zero)), 0);
  v128.store(out, v128.bitselect(f32x4.sub(one, d1), d1, f32x4.ge(x1, zero)), 16);
  v128.store(out, v128.bitselect(f32x4.sub(one, d2), d2, f32x4.ge(x2, zero)), 32);
  v128.store(out, v128.bitselect(f32x4.sub(one, d3), d3, f32x4.ge(x3, zero)), 48);
}

/**
 * tanh of the 2 vectors at `x` into `out`: tanhVec's arithmetic (same bits), the computations interleaved step by
 * step, as sigmoidGroup does for σ (1000×1000, Zen with AVX2: 2.52 → 2.0–2.25 ms plain, 1.8 → 1.6 ms FMA). Four
 * vectors were faster still for tanh (2.16) but slowed the unary kernel's sigmoid by a tenth: TurboFan allocates
 * registers over the whole `unary` function.
 */
export function tanhGroup(x: usize, out: usize): void {
  const x0 = v128.load(x, 0);
  const x1 = v128.load(x, 16);
  const sign = constant(SIGN);
  const fastMin = constant(EXP_NEG_FAST_MIN);
  const n0 = v128.or(x0, sign);
  const n1 = v128.or(x1, sign);
  const z0 = f32x4.pmax(f32x4.add(n0, n0), fastMin);
  const z1 = f32x4.pmax(f32x4.add(n1, n1), fastMin);
  const magic = constant(MAGIC_BIASED);
  const t0 = mulAdd(z0, constant(LOG2E), magic);
  const t1 = mulAdd(z1, constant(LOG2E), magic);
  const m0 = f32x4.sub(t0, magic);
  const m1 = f32x4.sub(t1, magic);
  let r0 = mulAdd(m0, constant(NEG_LN2_HI), z0);
  let r1 = mulAdd(m1, constant(NEG_LN2_HI), z1);
  r0 = mulAdd(m0, constant(NEG_LN2_LO), r0);
  r1 = mulAdd(m1, constant(NEG_LN2_LO), r1);
  const s0 = f32x4.mul(r0, r0);
  const s1 = f32x4.mul(r1, r1);
  const h0 = mulAdd(constant(Q1), r0, constant(Q2));
  const h1 = mulAdd(constant(Q1), r1, constant(Q2));
  const l0 = mulAdd(constant(Q3), r0, constant(Q4));
  const l1 = mulAdd(constant(Q3), r1, constant(Q4));
  const q0 = mulAdd(mulAdd(constant(Q0), s0, h0), s0, l0);
  const q1 = mulAdd(mulAdd(constant(Q0), s1, h1), s1, l1);
  const em0 = mulAdd(q0, s0, r0);
  const em1 = mulAdd(q1, s1, r1);
  const sc0 = i32x4.shl(t0, 23);
  const sc1 = i32x4.shl(t1, 23);
  const e0 = mulAdd(em0, sc0, sc0);
  const e1 = mulAdd(em1, sc1, sc1);
  const one = constant(ONE);
  const large0 = f32x4.div(f32x4.sub(one, e0), f32x4.add(one, e0));
  const large1 = f32x4.div(f32x4.sub(one, e1), f32x4.add(one, e1));
  const w0 = f32x4.mul(x0, x0);
  const w1 = f32x4.mul(x1, x1);
  let p0 = mulAdd(constant(T0), w0, constant(T1));
  let p1 = mulAdd(constant(T0), w1, constant(T1));
  p0 = mulAdd(p0, w0, constant(T2));
  p1 = mulAdd(p1, w1, constant(T2));
  p0 = mulAdd(p0, w0, constant(T3));
  p1 = mulAdd(p1, w1, constant(T3));
  p0 = mulAdd(p0, w0, constant(T4));
  p1 = mulAdd(p1, w1, constant(T4));
  const small0 = mulAdd(f32x4.mul(p0, w0), x0, x0);
  const small1 = mulAdd(f32x4.mul(p1, w1), x1, x1);
  const signed0 = v128.or(large0, v128.and(x0, sign));
  const signed1 = v128.or(large1, v128.and(x1, sign));
  v128.store(out, v128.bitselect(small0, signed0, f32x4.lt(f32x4.abs(x0), constant(TANH_SMALL))), 0);
  v128.store(out, v128.bitselect(small1, signed1, f32x4.lt(f32x4.abs(x1), constant(TANH_SMALL))), 16);
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
