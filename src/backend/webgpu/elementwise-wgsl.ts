// @file WGSL of the elementwise ops: f32 helpers (NaN by bits, log1p, expm1, erf, C's pow) and one expression per op.
import type { BinaryOp, UnaryOp } from '../types.js';

/**
 * f32 helpers shared by the elementwise kernels. NaN is tested on the bits (a compiler may fold `x != x`);
 * log1p and expm1 use the classic corrections (log(u)·x/(u−1), (u−1)·x/log u) so small x keep their digits;
 * erf is its Taylor series below 0.5 and Abramowitz & Stegun 7.1.26 above (|error| < 4e-7 in f32); tanh and
 * sigmoid never evaluate exp of a large positive number.
 */
export const MATH_WGSL = /* wgsl */ `
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
// x ≠ 0 on the bits: true for NaN, which a compiler that assumes no NaN may get wrong with x != 0.0.
fn nonzero_f32(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) != 0u; }
// Non-finite constants come from bits in private variables: a constant expression must be finite.
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
fn nan_f32() -> f32 { return bitcast<f32>(NAN_BITS); }
fn inf_f32() -> f32 { return bitcast<f32>(INF_BITS); }
// exp, log and sqrt with IEEE special values (WGSL leaves them to the implementation, and a software
// adapter's fast exp maps NaN to ∞ and log(0) to −88).
fn exp_f32(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 88.72284) { return inf_f32(); }
  if (x < -103.97208) { return 0.0; }
  return exp(x);
}
fn log_f32(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return nan_f32(); }
  if (x == 0.0) { return -inf_f32(); }
  if (is_inf(x)) { return x; }
  return log(x);
}
fn sqrt_f32(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return nan_f32(); }
  if (is_inf(x)) { return x; }
  return sqrt(x);
}
// sin and cos to f32 accuracy (WGSL only promises 2⁻¹¹ absolute): x − k·π/2 in three exact parts (Cody and
// Waite), then Taylor polynomials on [−π/4, π/4] and the quadrant k mod 4; cos(x) = sin(x + π/2).
fn sin_cos_f32(x: f32, cosine: bool) -> f32 {
  if (is_nan(x) || is_inf(x)) { return nan_f32(); }
  let k = round(x * 0.63661977236758134);
  var r = x - k * 1.5703125;
  r = r - k * 4.837512969970703125e-4;
  r = r - k * 7.54978995489188216e-8;
  let z = r * r;
  let s = r + r * z * (-0.16666666666666666 + z * (0.0083333333333333332 + z * (-0.00019841269841269841
    + z * 2.7557319223985893e-6)));
  let c = 1.0 - 0.5 * z + z * z * (0.041666666666666664 + z * (-0.0013888888888888889
    + z * 2.4801587301587302e-5));
  var quadrant = i32(k) & 3;
  if (cosine) { quadrant = (quadrant + 1) & 3; }
  switch quadrant {
    case 0: { return s; }
    case 1: { return c; }
    case 2: { return -s; }
    default: { return -c; }
  }
}
// a / b with IEEE's answers where a GPU's a·(1/b) differs: division by ±0 (±∞, or NaN for 0/0 and NaN/0,
// the sign from both operands), and |b| > 2¹²⁶, where 1/b would flush to zero.
fn div_f32(a: f32, b: f32) -> f32 {
  if (!nonzero_f32(b) && !is_nan(b)) {
    if (!nonzero_f32(a) || is_nan(a)) { return nan_f32(); }
    return bitcast<f32>(INF_BITS | ((bitcast<u32>(a) ^ bitcast<u32>(b)) & 0x80000000u));
  }
  if (abs(b) > 8.5e37 && !is_inf(b)) { return (a * 0.25) / (b * 0.25); }
  return a / b;
}
fn log1p_f32(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (is_inf(x) && x > 0.0) { return x; }
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  return log_f32(u) * x / (u - 1.0);
}
fn expm1_f32(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 88.72) { return inf_f32(); }
  let u = exp_f32(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0) { return -1.0; }
  return um1 * x / log_f32(u);
}
fn tanh_f32(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let e = exp_f32(-2.0 * abs(x));
  let t = (1.0 - e) / (1.0 + e);
  return select(t, -t, x < 0.0);
}
fn sigmoid_f32(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp_f32(-x)); }
  let e = exp_f32(x);
  return e / (1.0 + e);
}
fn erf_f32(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = abs(x);
  var r: f32;
  if (a < 0.5) {
    // Taylor series of erf about 0 to x^13: relative error < 1e-8 here.
    let z = a * a;
    r = a * (1.1283791671 + z * (-0.3761263890 + z * (0.1128379167 + z * (-0.0268661706
      + z * (0.0052239776 + z * (-0.0008548327 + z * 0.0001205493))))));
  } else {
    // Abramowitz & Stegun 7.1.26: |error| < 1.5e-7 (measured in f32: < 4e-7 over [0.5, 6]).
    let t = 1.0 / (1.0 + 0.3275911 * a);
    let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    r = 1.0 - poly * exp_f32(-a * a);
  }
  return select(r, -r, x < 0.0);
}
fn maximum_f32(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; }
  if (is_nan(b)) { return b; }
  return select(b, a, a > b);
}
fn minimum_f32(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; }
  if (is_nan(b)) { return b; }
  return select(b, a, a < b);
}
fn is_odd_integer(y: f32) -> bool {
  return floor(y) == y && abs(y) < 16777216.0 && (i32(abs(y)) & 1) == 1;
}
// C's pow, as PyTorch: 1^y = 1 and (−1)^±∞ = 1; x^0 = 1; negative x needs an integer exponent.
fn cpow_f32(x: f32, y: f32) -> f32 {
  if (x == 1.0 || y == 0.0) { return 1.0; }
  if (is_nan(x) || is_nan(y)) { return nan_f32(); }
  if (y == 1.0) { return x; }
  if (y == 2.0) { return x * x; }
  if (y == 0.5 && x >= 0.0) { return sqrt_f32(x); }
  if (x == -1.0 && is_inf(y)) { return 1.0; }
  let ax = abs(x);
  if (is_inf(y)) {
    if (ax == 1.0) { return 1.0; }
    return select(0.0, inf_f32(), (ax > 1.0) == (y > 0.0));
  }
  if (x == 0.0) {
    let odd = is_odd_integer(y);
    if (y > 0.0) { return select(0.0, x, odd); }
    return select(inf_f32(), select(inf_f32(), -inf_f32(), bitcast<u32>(x) != 0u), odd);
  }
  if (x < 0.0) {
    if (floor(y) != y) { return nan_f32(); }
    let magnitude = exp_f32(y * log_f32(ax));
    return select(magnitude, -magnitude, is_odd_integer(y));
  }
  return exp_f32(y * log_f32(x));
}
`;

/** The f32 expression of each unary op in `x` (and uniform parameters `p0`, `p1`), as backend/js/unary.ts. */
export const UNARY_WGSL: Record<UnaryOp, string> = {
  copy: 'x',
  neg: '-x',
  abs: 'abs(x)',
  exp: 'exp_f32(x)',
  log: 'log_f32(x)',
  log1p: 'log1p_f32(x)',
  expm1: 'expm1_f32(x)',
  sqrt: 'sqrt_f32(x)',
  rsqrt: 'div_f32(1.0, sqrt_f32(x))',
  square: 'x * x',
  reciprocal: 'div_f32(1.0, x)',
  sin: 'sin_cos_f32(x, false)',
  cos: 'sin_cos_f32(x, true)',
  tanh: 'tanh_f32(x)',
  sigmoid: 'sigmoid_f32(x)',
  logSigmoid: 'min(x, 0.0) - log1p_f32(exp_f32(-abs(x)))',
  relu: 'select(0.0, x, x > 0.0 || is_nan(x))',
  sign: 'select(select(0.0, -1.0, x < 0.0), 1.0, x > 0.0)',
  floor: 'floor(x)',
  ceil: 'ceil(x)',
  round: 'round(x)', // WGSL rounds half to even, as torch.round
  silu: 'x * sigmoid_f32(x)',
  gelu: '0.5 * x * (1.0 + erf_f32(x * 0.70710678118654752))',
  geluTanh: '0.5 * x * (1.0 + tanh_f32(0.79788456080286536 * (x + 0.044715 * x * x * x)))',
  geluGrad:
    '0.5 * (1.0 + erf_f32(x * 0.70710678118654752)) + x * exp_f32(-0.5 * x * x) * 0.39894228040143268',
  geluTanhGrad:
    '0.5 * (1.0 + tanh_f32(0.79788456080286536 * (x + 0.044715 * x * x * x))) + 0.5 * x * ' +
    '(1.0 - tanh_f32(0.79788456080286536 * (x + 0.044715 * x * x * x)) * tanh_f32(0.79788456080286536 * ' +
    '(x + 0.044715 * x * x * x))) * 0.79788456080286536 * (1.0 + 3.0 * 0.044715 * x * x)',
  leakyRelu: 'select(x * p0, x, x > 0.0)',
  elu: 'select(p0 * expm1_f32(x), x, x > 0.0)',
  softplus: 'select(log1p_f32(exp_f32(p0 * x)) / p0, x, x * p0 > p1)',
  clamp: 'select(min(max(x, p0), p1), x, is_nan(x))',
  powScalar: 'cpow_f32(x, p0)',
  scalarPow: 'cpow_f32(p0, x)',
  logicalNot: 'select(0.0, 1.0, !nonzero_f32(x))',
  isNaN: 'select(0.0, 1.0, is_nan(x))',
  isFinite: 'select(0.0, 1.0, !is_nan(x) && !is_inf(x))',
};

/** Unary ops whose expression already gives PyTorch's answer for NaN; the others return a NaN input as is. */
export const NAN_AWARE: ReadonlySet<UnaryOp> = new Set<UnaryOp>([
  'relu',
  'sign',
  'clamp',
  'logicalNot',
  'isNaN',
  'isFinite',
  'powScalar',
  'scalarPow',
]);

/**
 * Unary ops that int32 (and bool) inputs compute exactly in i32, as the js kernel does in doubles; the others
 * compute in f32. `x` is i32 here; `p0`/`p1` are the f32 parameters.
 */
export const UNARY_INT_WGSL: Partial<Record<UnaryOp, string>> = {
  copy: 'x',
  neg: '-x',
  abs: 'abs(x)',
  square: 'x * x',
  relu: 'max(x, 0)',
  sign: 'sign(x)',
  floor: 'x',
  ceil: 'x',
  round: 'x',
  logicalNot: 'select(0, 1, x == 0)',
  isNaN: '0',
  isFinite: '1',
};

/** The expression of each binary op in `a` and `b` of compute type T (f32 or i32). */
export function binaryWgsl(op: BinaryOp, float: boolean): string {
  const zero = float ? '0.0' : '0';
  const one = float ? '1.0' : '1';
  const flag = (condition: string) => `select(${zero}, ${one}, ${condition})`;
  switch (op) {
    case 'add':
      return 'a + b';
    case 'sub':
      return 'a - b';
    case 'mul':
      return 'a * b';
    case 'div':
      return float ? 'div_f32(a, b)' : 'select(0, a / b, b != 0)';
    case 'pow':
      return float ? 'cpow_f32(a, b)' : 'i32(cpow_f32(f32(a), f32(b)))';
    case 'maximum':
      return float ? 'maximum_f32(a, b)' : 'max(a, b)';
    case 'minimum':
      return float ? 'minimum_f32(a, b)' : 'min(a, b)';
    case 'eq':
      return flag('a == b' + (float ? ' && !is_nan(a)' : ''));
    case 'ne':
      return flag('a != b' + (float ? ' || is_nan(a) || is_nan(b)' : ''));
    case 'lt':
      return flag('a < b');
    case 'le':
      return flag('a <= b');
    case 'gt':
      return flag('a > b');
    case 'ge':
      return flag('a >= b');
    case 'logicalAnd':
      return flag(float ? 'nonzero_f32(a) && nonzero_f32(b)' : 'a != 0 && b != 0');
    case 'logicalOr':
      return flag(float ? 'nonzero_f32(a) || nonzero_f32(b)' : 'a != 0 || b != 0');
  }
}
