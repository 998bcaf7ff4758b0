// @file Elementwise ops (arithmetic, math functions, activations, comparisons, where), forward and backward.
import { isGradEnabled } from '../autograd/grad-mode.js';
import { record, type NodeAttributes } from '../autograd/node.js';
import { backend, type BinaryOp, type UnaryGradOp, type UnaryOp } from '../backend/index.js';
import { DTypeError, ValueError } from '../errors.js';
import { scalar, zerosLike } from '../tensor/create.js';
import {
  allocate,
  allocateUninitialized,
  floatResult,
  isFloat,
  promoteTypes,
  promoteWithScalar,
  resultType,
  type DType,
  type TypedArray,
  type FloatArray,
} from '../tensor/dtype.js';
import { broadcastShapes, numel, shapesEqual, type Shape } from '../tensor/shape.js';
import { broadcastSourceShape } from '../tensor/strided.js';
import { Tensor } from '../tensor/tensor.js';

/** A tensor or a plain number (or boolean) standing for a 0-d tensor. */
export type Operand = Tensor | number | boolean;

// ---- plumbing -----------------------------------------------------------------------------------------

/**
 * The result dtype of a binary op (torch.result_type: dimensioned tensors, then 0-d tensors, then numbers) and
 * both operands as tensors; a number becomes a 0-d tensor of the result dtype. Two numbers compute in float32.
 */
function operands(a: Operand, b: Operand): [Tensor, Tensor, DType] {
  const aIsTensor = a instanceof Tensor;
  const bIsTensor = b instanceof Tensor;
  if (!aIsTensor && !bIsTensor) return [scalar(a, 'float32'), scalar(b, 'float32'), 'float32'];
  const dtype = resultType(a, b);
  return [aIsTensor ? a : scalar(a, dtype), bIsTensor ? b : scalar(b, dtype), dtype];
}

/** The broadcast shape of a and b; an operand's own (frozen) shape when the other one adds nothing to it. */
function resultShape(name: string, a: Shape, b: Shape): Shape {
  if (b.length === 0 || shapesEqual(a, b)) return a;
  if (a.length === 0) return b;
  return broadcastShapes(name, a, b);
}

/**
 * The shape a binary kernel reads `t` as, the other operand having shape `other` and the result `shape`: its own,
 * or for an expanded view of contiguous elements (sum's gradient, `b.expand(…)`) the shape of those elements,
 * which the kernel broadcasts without a gathered copy. Only next to an operand of the result's shape, so that the
 * two kernel shapes still broadcast to the result.
 */
function operandShape(t: Tensor, other: Shape, shape: Shape): Shape {
  if (t.isContiguous() || !shapesEqual(other, shape)) return t.shape;
  return broadcastSourceShape(t.shape, t.strides) ?? t.shape;
}

/** The elements of `t` for a kernel reading it as `shape` (from operandShape). */
function operandElements(t: Tensor, shape: Shape): TypedArray {
  return shape === t.shape ? t.storage : t.storageBase.subarray(t.offset, t.offset + numel(shape));
}

function runBinary(op: BinaryOp, name: string, a: Tensor, b: Tensor, dtype: DType): Tensor {
  const shape = resultShape(name, a.shape, b.shape);
  const out = allocateUninitialized(dtype, numel(shape)); // the kernel writes every element
  const aShape = operandShape(a, b.shape, shape);
  const bShape = aShape === a.shape ? operandShape(b, a.shape, shape) : b.shape;
  backend().binary(op, operandElements(a, aShape), aShape, operandElements(b, bShape), bShape, out, shape);
  return new Tensor(out, shape, dtype);
}

function runUnary(op: UnaryOp, x: Tensor, dtype: DType, p0?: number, p1?: number): Tensor {
  const out = allocateUninitialized(dtype, x.numel());
  backend().unary(op, x.storage, out, p0, p1);
  return new Tensor(out, x.shape, dtype);
}

/** Arithmetic never computes in bool (1 + 1 would wrap to 0/1 storage): bool operands act as int32. */
function arithmeticType(dtype: DType): DType {
  return dtype === 'bool' ? 'int32' : dtype;
}

/**
 * A math function of a float: ints and bools compute in float32 (torch.exp(int) is float). `saves` names the
 * tensor the gradient reads, checked for in-place changes before backward (record's `saved`).
 */
function mathUnary(
  op: UnaryOp,
  name: string,
  x: Tensor,
  grad: (g: Tensor, out: Tensor) => Tensor,
  p0?: number,
  p1?: number,
  attrs?: NodeAttributes,
  saves?: 'input' | 'output',
): Tensor {
  const out = runUnary(op, x, floatResult(x.dtype), p0, p1);
  const saved = saves === undefined ? undefined : [saves === 'input' ? x : out];
  return record(out, name, [x], (g) => [grad(g, out)], attrs, saved);
}

/** A function that keeps the input's dtype (neg, abs, relu, clamp…). */
function sameTypeUnary(
  op: UnaryOp,
  name: string,
  x: Tensor,
  grad: (g: Tensor, out: Tensor) => Tensor,
  p0?: number,
  p1?: number,
  saves?: 'input',
): Tensor {
  const out = runUnary(op, x, arithmeticType(x.dtype), p0, p1);
  return record(out, name, [x], (g) => [grad(g, out)], undefined, saves === 'input' ? [x] : undefined);
}

/**
 * An activation's vector-Jacobian product (g times its derivative) from the backend's fused kernel: one pass
 * and one allocation instead of the two or three of the same expression built from ops. Null while grad mode is
 * on (backward with createGraph), where the caller builds the expression from ops so that it is differentiable.
 */
function fusedActivationGrad(op: UnaryGradOp, g: Tensor, saved: Tensor): Tensor | null {
  if (isGradEnabled() || !isFloat(g.dtype) || !isFloat(saved.dtype) || g.numel() !== saved.numel())
    return null;
  const dtype = op === 'relu' ? g.dtype : promoteTypes(g.dtype, saved.dtype);
  const out = allocateUninitialized(dtype, saved.numel()) as FloatArray;
  backend().unaryGrad(op, g.storage as FloatArray, saved.storage as FloatArray, out);
  return new Tensor(out, saved.shape, dtype);
}

// ---- arithmetic ---------------------------------------------------------------------------------------

/** a + b, broadcast. ∂/∂a = g, ∂/∂b = g. */
export function add(a: Operand, b: Operand): Tensor {
  const [x, y, dtype] = operands(a, b);
  return record(runBinary('add', 'add', x, y, arithmeticType(dtype)), 'add', [x, y], (g) => [g, g]);
}

/** a − b, broadcast. ∂/∂a = g, ∂/∂b = −g. */
export function sub(a: Operand, b: Operand): Tensor {
  const [x, y, dtype] = operands(a, b);
  return record(runBinary('sub', 'sub', x, y, arithmeticType(dtype)), 'sub', [x, y], (g) => [g, neg(g)]);
}

/** a · b, broadcast. ∂/∂a = g·b, ∂/∂b = g·a. */
export function mul(a: Operand, b: Operand): Tensor {
  const [x, y, dtype] = operands(a, b);
  return record(
    runBinary('mul', 'mul', x, y, arithmeticType(dtype)),
    'mul',
    [x, y],
    (g) => [x.requiresGrad ? mul(g, y) : null, y.requiresGrad ? mul(g, x) : null],
    undefined,
    x.requiresGrad ? (y.requiresGrad ? [x, y] : [y]) : [x],
  );
}

/**
 * a / b (true division: ints give float32). ∂/∂a = g/b, ∂/∂b = −g·(a/b)/b (PyTorch's order: −g·a/b² would
 * overflow in b² where the quotients stay finite, a = b = 3e38).
 */
export function div(a: Operand, b: Operand): Tensor {
  const [x, y, dtype] = operands(a, b);
  return record(
    runBinary('div', 'div', x, y, floatResult(dtype)),
    'div',
    [x, y],
    (g) => [x.requiresGrad ? div(g, y) : null, y.requiresGrad ? mul(neg(g), div(div(x, y), y)) : null],
    undefined,
    y.requiresGrad ? [x, y] : [y],
  );
}

/**
 * aᵇ, broadcast, with C's special values (1ʸ = 1 and x⁰ = 1 for every x and y, NaN included; (−1)^±∞ = 1).
 * ∂/∂a = g·b·aᵇ⁻¹, taken as 0 where b = 0; ∂/∂b = g·(aᵇ·ln a), the factor taken as 0 where a = 0 and b ≥ 0
 * (PyTorch's pow_backward rules: the first is selected, so an infinite g stays out; the second multiplies).
 * An int tensor to a negative integral number is a ValueError, as in PyTorch.
 */
export function pow(a: Operand, b: Operand): Tensor {
  if (a instanceof Tensor && typeof b === 'number') {
    const exponent = b;
    const dtype = arithmeticType(promoteWithScalar(a.dtype, exponent));
    if (!isFloat(dtype) && exponent < 0) {
      throw new ValueError(
        'pow',
        `Integers to negative integer powers are not allowed (a ${a.dtype} tensor to the power ${exponent})`,
      );
    }
    const out = runUnary('powScalar', a, dtype, exponent);
    return record(
      out,
      'pow',
      [a],
      (g) => [exponent === 0 ? zerosLike(g) : mul(g, mul(pow(a, exponent - 1), exponent))],
      { exponent },
      [a],
    );
  }
  if (typeof a === 'number' && b instanceof Tensor) {
    const base = a;
    // An integral base on an int tensor stays integral (3 ** −3 = 0), as in PyTorch.
    const out = runUnary('scalarPow', b, arithmeticType(promoteWithScalar(b.dtype, base)), base);
    return record(
      out,
      'pow',
      [b],
      (g) => {
        const factor = mul(out, Math.log(base));
        return [mul(g, base === 0 ? where(ge(b, 0), 0, factor) : factor)];
      },
      { base },
      [b, out],
    );
  }
  const [x, y, dtype] = operands(a, b);
  const out = runBinary('pow', 'pow', x, y, arithmeticType(dtype));
  return record(
    out,
    'pow',
    [x, y],
    (g) => [
      x.requiresGrad ? where(eq(y, 0), 0, mul(g, mul(y, pow(x, sub(y, 1))))) : null,
      y.requiresGrad ? mul(g, where(logicalAnd(eq(x, 0), ge(y, 0)), 0, mul(out, log(x)))) : null,
    ],
    undefined,
    y.requiresGrad ? [x, y, out] : [x, y],
  );
}

function extremum(op: 'maximum' | 'minimum', a: Operand, b: Operand): Tensor {
  const [x, y, dtype] = operands(a, b);
  const out = runBinary(op, op, x, y, dtype);
  // PyTorch's rule: ties split the gradient evenly; an operand gets g unless the other one strictly wins, so a
  // NaN (every comparison false) passes g to both.
  return record(out, op, [x, y], (g) => {
    const tie = eq(x, y);
    const half = mul(g, 0.5);
    const xLoses = op === 'maximum' ? lt(x, y) : gt(x, y);
    const yLoses = op === 'maximum' ? gt(x, y) : lt(x, y);
    return [where(tie, half, where(xLoses, 0, g)), where(tie, half, where(yLoses, 0, g))];
  });
}

/** Elementwise max of a and b (NaN propagates). */
export function maximum(a: Operand, b: Operand): Tensor {
  return extremum('maximum', a, b);
}

/** Elementwise min of a and b (NaN propagates). */
export function minimum(a: Operand, b: Operand): Tensor {
  return extremum('minimum', a, b);
}

// ---- math functions -----------------------------------------------------------------------------------

/** −x. */
export function neg(x: Tensor): Tensor {
  return sameTypeUnary('neg', 'neg', x, (g) => neg(g));
}

/** |x|; ∂ = g·sign(x). */
export function abs(x: Tensor): Tensor {
  return sameTypeUnary('abs', 'abs', x, (g) => mul(g, sign(x)));
}

/** eˣ; ∂ = g·eˣ. */
export function exp(x: Tensor): Tensor {
  return mathUnary('exp', 'exp', x, (g, out) => mul(g, out), undefined, undefined, undefined, 'output');
}

/** ln x; ∂ = g/x. */
export function log(x: Tensor): Tensor {
  return mathUnary('log', 'log', x, (g) => div(g, x), undefined, undefined, undefined, 'input');
}

/** ln(1 + x), accurate near 0; ∂ = g/(1 + x). */
export function log1p(x: Tensor): Tensor {
  return mathUnary('log1p', 'log1p', x, (g) => div(g, add(x, 1)));
}

/** eˣ − 1, accurate near 0; ∂ = g·eˣ. */
export function expm1(x: Tensor): Tensor {
  return mathUnary('expm1', 'expm1', x, (g, out) => mul(g, add(out, 1)));
}

/** √x; ∂ = g/(2√x). */
export function sqrt(x: Tensor): Tensor {
  return mathUnary('sqrt', 'sqrt', x, (g, out) => div(g, mul(out, 2)));
}

/** 1/√x; ∂ = −g/(2·x^{3/2}). */
export function rsqrt(x: Tensor): Tensor {
  return mathUnary('rsqrt', 'rsqrt', x, (g, out) => mul(g, mul(pow(out, 3), -0.5)));
}

/** x²; ∂ = 2·g·x. */
export function square(x: Tensor): Tensor {
  return sameTypeUnary('square', 'square', x, (g) => mul(g, mul(x, 2)));
}

/** 1/x; ∂ = −g/x². */
export function reciprocal(x: Tensor): Tensor {
  return mathUnary('reciprocal', 'reciprocal', x, (g, out) => neg(mul(g, square(out))));
}

/** sin x; ∂ = g·cos x. */
export function sin(x: Tensor): Tensor {
  return mathUnary('sin', 'sin', x, (g) => mul(g, cos(x)));
}

/** cos x; ∂ = −g·sin x. */
export function cos(x: Tensor): Tensor {
  return mathUnary('cos', 'cos', x, (g) => neg(mul(g, sin(x))));
}

/** tanh x; ∂ = g·(1 − tanh²x). */
export function tanh(x: Tensor): Tensor {
  return mathUnary(
    'tanh',
    'tanh',
    x,
    (g, out) => fusedActivationGrad('tanh', g, out) ?? mul(g, sub(1, square(out))),
    undefined,
    undefined,
    undefined,
    'output',
  );
}

/** σ(x) = 1/(1 + e⁻ˣ), evaluated stably; ∂ = g·σ(x)(1 − σ(x)). */
export function sigmoid(x: Tensor): Tensor {
  return mathUnary(
    'sigmoid',
    'sigmoid',
    x,
    (g, out) => fusedActivationGrad('sigmoid', g, out) ?? mul(g, mul(out, sub(1, out))),
    undefined,
    undefined,
    undefined,
    'output',
  );
}

/** log σ(x) = min(x, 0) − log1p(e^{−|x|}), finite everywhere; ∂ = g·σ(−x). */
export function logSigmoid(x: Tensor): Tensor {
  return mathUnary('logSigmoid', 'logSigmoid', x, (g) => mul(g, sigmoid(neg(x))));
}

/** max(x, 0); ∂ = 0 where x ≤ 0, else g (a NaN x passes g, as in PyTorch). */
export function relu(x: Tensor): Tensor {
  return sameTypeUnary(
    'relu',
    'relu',
    x,
    (g) => fusedActivationGrad('relu', g, x) ?? where(le(x, 0), 0, g),
    undefined,
    undefined,
    'input',
  );
}

/** x for x > 0, negativeSlope·x otherwise (default 0.01). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return mathUnary(
    'leakyRelu',
    'leakyRelu',
    x,
    (g) => where(gt(x, 0), g, mul(g, negativeSlope)), // the slope in g's dtype, not rounded to float32
    negativeSlope,
    undefined,
    { negativeSlope },
  );
}

/** x for x > 0, α(eˣ − 1) otherwise (default α = 1); ∂ = g·(out + α) for x ≤ 0, g otherwise (NaN too). */
export function elu(x: Tensor, alpha = 1): Tensor {
  return mathUnary(
    'elu',
    'elu',
    x,
    (g, out) => where(le(x, 0), mul(g, add(out, alpha)), g),
    alpha,
    undefined,
    {
      alpha,
    },
  );
}

/**
 * GELU: x·Φ(x) with Φ the standard normal CDF ('none'), or the tanh approximation
 * 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) ('tanh').
 */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ValueError('gelu', `approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  }
  const tanhForm = approximate === 'tanh';
  return mathUnary(
    tanhForm ? 'geluTanh' : 'gelu',
    'gelu',
    x,
    (g) => mul(g, runUnary(tanhForm ? 'geluTanhGrad' : 'geluGrad', x, floatResult(x.dtype))),
    undefined,
    undefined,
    { approximate },
  );
}

/** SiLU (swish): x·σ(x); ∂ = g·σ(x)(1 + x(1 − σ(x))). */
export function silu(x: Tensor): Tensor {
  return mathUnary('silu', 'silu', x, (g) => {
    const s = sigmoid(x);
    return mul(g, mul(s, add(mul(x, sub(1, s)), 1)));
  });
}

/** (1/β)·log(1 + e^{βx}), linear where βx > threshold (defaults β = 1, threshold = 20); ∂ = g·σ(βx). */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  return mathUnary(
    'softplus',
    'softplus',
    x,
    (g) => mul(g, where(gt(mul(x, beta), threshold), 1, sigmoid(mul(x, beta)))),
    beta,
    threshold,
    { beta, threshold },
  );
}

/**
 * Clamps into [min, max] (either may be null/undefined): min(max(x, min), max), so max everywhere when
 * min > max. ∂ = g where min ≤ x ≤ max, else 0 (selected, so an infinite or NaN g stays out, as in PyTorch).
 * NaN bounds as in PyTorch: with both bounds given, a NaN one makes every element NaN; a lone NaN bound leaves
 * x as it is. The gradient is then 0 everywhere (no comparison with NaN holds).
 */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  if (min == null && max == null) throw new ValueError('clamp', 'at least one of min and max must be given');
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  const dtype = arithmeticType(promoteWithScalar(promoteWithScalar(x.dtype, min ?? 0), max ?? 0));
  // The kernels never see a NaN bound (wasm's min/max would spread it, the js comparisons would ignore it).
  let out: Tensor;
  if (lo === lo && hi === hi) out = runUnary('clamp', x, dtype, lo, hi);
  else if (min != null && max != null) out = new Tensor(allocate(dtype, x.numel()).fill(NaN), x.shape, dtype);
  else out = runUnary('copy', x, dtype);
  return record(out, 'clamp', [x], (g) => [where(logicalAnd(ge(x, lo), le(x, hi)), g, 0)]);
}

function piecewiseConstant(op: UnaryOp, x: Tensor): Tensor {
  // Derivative is 0 almost everywhere; recorded so that graphs through it stay connected (as in PyTorch).
  return sameTypeUnary(op, op, x, (g) => zerosLike(g));
}

/** −1, 0 or 1 by the sign of x (NaN stays NaN). */
export function sign(x: Tensor): Tensor {
  return piecewiseConstant('sign', x);
}

export function floor(x: Tensor): Tensor {
  return piecewiseConstant('floor', x);
}

export function ceil(x: Tensor): Tensor {
  return piecewiseConstant('ceil', x);
}

/** Rounds half to even, like torch.round. */
export function round(x: Tensor): Tensor {
  return piecewiseConstant('round', x);
}

// ---- selection ----------------------------------------------------------------------------------------

/** condition ? a : b elementwise, all three broadcast; ∂/∂a = g where condition, ∂/∂b = g elsewhere. */
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  if (condition.dtype !== 'bool') {
    throw new DTypeError('where', `condition must be a bool tensor, got dtype ${condition.dtype}`);
  }
  const [x, y, dtype] = operands(a, b);
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, x.shape), y.shape);
  const out = allocate(dtype, numel(shape));
  backend().where(condition.storage, condition.shape, x.storage, x.shape, y.storage, y.shape, out, shape);
  return record(new Tensor(out, shape, dtype), 'where', [x, y], (g) => [
    x.requiresGrad ? where(condition, g, 0) : null,
    y.requiresGrad ? where(condition, 0, g) : null,
  ]);
}

// ---- comparisons and logic (bool results, no gradient) -------------------------------------------------

function compare(op: BinaryOp, a: Operand, b: Operand): Tensor {
  const [x, y] = operands(a, b);
  return runBinary(op, op, x, y, 'bool');
}

/** a == b → bool. */
export function eq(a: Operand, b: Operand): Tensor {
  return compare('eq', a, b);
}
/** a != b → bool. */
export function ne(a: Operand, b: Operand): Tensor {
  return compare('ne', a, b);
}
/** a < b → bool. */
export function lt(a: Operand, b: Operand): Tensor {
  return compare('lt', a, b);
}
/** a ≤ b → bool. */
export function le(a: Operand, b: Operand): Tensor {
  return compare('le', a, b);
}
/** a > b → bool. */
export function gt(a: Operand, b: Operand): Tensor {
  return compare('gt', a, b);
}
/** a ≥ b → bool. */
export function ge(a: Operand, b: Operand): Tensor {
  return compare('ge', a, b);
}
/** a ∧ b (non-zero is true) → bool. */
export function logicalAnd(a: Operand, b: Operand): Tensor {
  return compare('logicalAnd', a, b);
}
/** a ∨ b (non-zero is true) → bool. */
export function logicalOr(a: Operand, b: Operand): Tensor {
  return compare('logicalOr', a, b);
}
/** ¬x (zero is false) → bool. */
export function logicalNot(x: Tensor): Tensor {
  return runUnary('logicalNot', x, 'bool');
}
/** True where x is NaN. */
export function isNaN(x: Tensor): Tensor {
  return runUnary('isNaN', x, 'bool');
}
/** True where x is neither NaN nor ±Inf. */
export function isFinite(x: Tensor): Tensor {
  return runUnary('isFinite', x, 'bool');
}

// ---- copies and casts ---------------------------------------------------------------------------------

/** A copy in `dtype`; differentiable when both dtypes are floating point. */
export function cast(x: Tensor, dtype: DType): Tensor {
  const out = allocate(dtype, x.numel());
  const src = x.storage; // read once: a strided x gathers a copy on each read
  if (!backend().readsSync) castOnDevice(src, x.shape, out, dtype);
  else if (dtype === 'bool') for (let i = 0; i < out.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
  else if (dtype === 'int32' && isFloat(x.dtype))
    for (let i = 0; i < out.length; i++) out[i] = Math.trunc(src[i]!);
  else out.set(src);
  const result = new Tensor(out, x.shape, dtype);
  if (!isFloat(dtype)) return result;
  return record(result, 'to', [x], (g) => [g.to(x.dtype)]);
}

/**
 * cast's conversion on a backend whose values live on a device: x ≠ 0 for bool; otherwise a converting copy
 * (its store truncates toward zero into int32, as Math.trunc does above).
 */
function castOnDevice(src: TypedArray, shape: Shape, out: TypedArray, dtype: DType): void {
  if (dtype === 'bool') backend().binary('ne', src, shape, new Float32Array(1), [], out, shape);
  else backend().unary('copy', src, out);
}

/** A copy with its own storage; ∂ = g. */
export function clone(x: Tensor): Tensor {
  return record(runUnary('copy', x, x.dtype), 'clone', [x], (g) => [g]);
}
