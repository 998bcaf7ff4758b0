// @file Elementwise kernels of one input for the reference backend.
import type { FloatArray, TypedArray } from '../../tensor/dtype.js';
import type { UnaryGradOp, UnaryOp } from '../types.js';
import { cPow } from './binary.js';
import { erf } from './erf.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Numerically stable logistic function: never evaluates exp of a large positive number. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log σ(x) = min(x, 0) − log1p(e^{−|x|}), finite for every finite x. */
export function logSigmoid(x: number): number {
  return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
}

type Fn = (x: number, p0: number, p1: number) => number;

const relu = (x: number) => (x > 0 ? x : x !== x ? x : 0);
const rsqrt = (x: number) => 1 / Math.sqrt(x);
const square = (x: number) => x * x;
const reciprocal = (x: number) => 1 / x;
const silu = (x: number) => x * sigmoid(x);
// erf to float64 accuracy for both dtypes: float32 results are its rounding, float64 ones match std::erf.
const gelu = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));
const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
// d/dx x·Φ(x) = Φ(x) + x·φ(x)
const geluGrad = (x: number) =>
  0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);
const geluTanhGrad = (x: number) => {
  const inner = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
  const t = Math.tanh(inner);
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
};
const leakyRelu = (x: number, slope: number) => (x > 0 ? x : x * slope);
const elu = (x: number, alpha: number) => (x > 0 ? x : alpha * Math.expm1(x));
const softplus = (x: number, beta: number, threshold: number) =>
  x * beta > threshold ? x : Math.log1p(Math.exp(beta * x)) / beta;
/** min(max(x, min), max): `max` wins when min > max, as in PyTorch; NaN stays NaN. */
const clamp = (x: number, min: number, max: number) => {
  if (x !== x) return x;
  const raised = x < min ? min : x;
  return raised > max ? max : raised;
};

/**
 * The scalar function of each unary op. Parameters: leakyRelu(p0 = negative slope), elu(p0 = α),
 * softplus(p0 = β, p1 = threshold), clamp(p0 = min, p1 = max; ±Infinity for none), powScalar(p0 = exponent:
 * x^p0), scalarPow(p0 = base: p0^x).
 */
export const UNARY: Record<UnaryOp, Fn> = {
  copy: (x) => x,
  neg: (x) => -x,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  rsqrt,
  square,
  reciprocal,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid,
  logSigmoid,
  relu,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), // (0 < x) − (x < 0), as PyTorch: sign(NaN) = 0
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  silu,
  gelu,
  geluTanh,
  geluGrad,
  geluTanhGrad,
  leakyRelu,
  elu,
  softplus,
  clamp,
  powScalar: (x, exponent) => cPow(x, exponent),
  scalarPow: (x, base) => cPow(base, x),
  logicalNot: (x) => (x === 0 ? 1 : 0),
  isNaN: (x) => (x !== x ? 1 : 0),
  isFinite: (x) => (Number.isFinite(x) ? 1 : 0),
};

/** Rounds half to even, as torch.round does. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * out[i] = UNARY[op](x[i], p0, p1). The common ops get a loop of their own, whose call site always sees the
 * same function, so V8 inlines it; a shared loop calling UNARY[op] would make one indirect call per element.
 */
export function unary(op: UnaryOp, x: TypedArray, out: TypedArray, p0 = 0, p1 = 0): void {
  const n = x.length;
  switch (op) {
    case 'copy':
      if (n > 64) out.set(x);
      else for (let i = 0; i < n; i++) out[i] = x[i]!; // TypedArray#set costs more than this below ~64
      return;
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i]!;
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]!);
      return;
    case 'relu':
      if (x instanceof Float32Array && out instanceof Float32Array) reluFloat32(x, out);
      else for (let i = 0; i < n; i++) out[i] = relu(x[i]!);
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!);
      return;
    case 'rsqrt':
      for (let i = 0; i < n; i++) out[i] = rsqrt(x[i]!);
      return;
    case 'square':
      for (let i = 0; i < n; i++) out[i] = square(x[i]!);
      return;
    case 'reciprocal':
      for (let i = 0; i < n; i++) out[i] = reciprocal(x[i]!);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) out[i] = sigmoid(x[i]!);
      return;
    case 'logSigmoid':
      for (let i = 0; i < n; i++) out[i] = logSigmoid(x[i]!);
      return;
    case 'silu':
      for (let i = 0; i < n; i++) out[i] = silu(x[i]!);
      return;
    case 'gelu':
      for (let i = 0; i < n; i++) out[i] = gelu(x[i]!);
      return;
    case 'geluTanh':
      for (let i = 0; i < n; i++) out[i] = geluTanh(x[i]!);
      return;
    case 'geluGrad':
      for (let i = 0; i < n; i++) out[i] = geluGrad(x[i]!);
      return;
    case 'geluTanhGrad':
      for (let i = 0; i < n; i++) out[i] = geluTanhGrad(x[i]!);
      return;
    case 'leakyRelu':
      for (let i = 0; i < n; i++) out[i] = leakyRelu(x[i]!, p0);
      return;
    case 'elu':
      for (let i = 0; i < n; i++) out[i] = elu(x[i]!, p0);
      return;
    case 'softplus':
      for (let i = 0; i < n; i++) out[i] = softplus(x[i]!, p0, p1);
      return;
    case 'clamp':
      for (let i = 0; i < n; i++) out[i] = clamp(x[i]!, p0, p1);
      return;
    default: {
      const f = UNARY[op];
      for (let i = 0; i < n; i++) out[i] = f(x[i]!, p0, p1);
    }
  }
}

/**
 * relu on float32 bit patterns, without the data-dependent branch that costs a misprediction per element on
 * mixed-sign data: a set sign bit clears the value (−0 and negatives become +0) unless the value is NaN.
 */
function reluFloat32(x: Float32Array, out: Float32Array): void {
  const bits = new Int32Array(x.buffer, x.byteOffset, x.length);
  const outBits = new Int32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < bits.length; i++) {
    const v = bits[i]!;
    const notNaN = ~((0x7f800000 - (v & 0x7fffffff)) >> 31); // all ones unless |v| > +∞ (a NaN)
    outBits[i] = v & ~((v >> 31) & notNaN);
  }
}

/**
 * The fused activation gradients (Backend.unaryGrad). For float32 `saved`, Math.fround rounds each intermediate
 * as the float32 tensors of the unfused expression would.
 */
export function unaryGrad(op: UnaryGradOp, g: FloatArray, saved: FloatArray, out: FloatArray): void {
  const n = out.length;
  const f32 = saved instanceof Float32Array;
  switch (op) {
    case 'relu': // PyTorch's threshold_backward: 0 where x ≤ 0 (even for an infinite g), g elsewhere (NaN x too)
      for (let i = 0; i < n; i++) out[i] = saved[i]! <= 0 ? 0 : g[i]!;
      return;
    case 'sigmoid':
      if (f32) {
        for (let i = 0; i < n; i++) {
          const y = saved[i]!;
          out[i] = g[i]! * Math.fround(y * Math.fround(1 - y));
        }
      } else for (let i = 0; i < n; i++) out[i] = g[i]! * (saved[i]! * (1 - saved[i]!));
      return;
    case 'tanh':
      if (f32) {
        for (let i = 0; i < n; i++) {
          const y = saved[i]!;
          out[i] = g[i]! * Math.fround(1 - Math.fround(y * y));
        }
      } else for (let i = 0; i < n; i++) out[i] = g[i]! * (1 - saved[i]! * saved[i]!);
      return;
  }
}
