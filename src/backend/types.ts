// @file The narrow kernel interface that every backend implements; only ops/ calls it.
import type { FloatArray, TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';

/** Elementwise functions of one input. Parameters (`p0`, `p1`) are documented per op in backend/js/unary.ts. */
export type UnaryOp =
  | 'copy'
  | 'neg'
  | 'abs'
  | 'exp'
  | 'log'
  | 'log1p'
  | 'expm1'
  | 'sqrt'
  | 'rsqrt'
  | 'square'
  | 'reciprocal'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sigmoid'
  | 'logSigmoid'
  | 'relu'
  | 'sign'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'silu'
  | 'gelu'
  | 'geluTanh'
  | 'geluGrad'
  | 'geluTanhGrad'
  | 'leakyRelu'
  | 'elu'
  | 'softplus'
  | 'clamp'
  | 'powScalar'
  | 'scalarPow'
  | 'logicalNot'
  | 'isNaN'
  | 'isFinite';

/** Elementwise functions of two broadcast inputs. Comparisons and logical ops write 0/1. */
export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'logicalAnd'
  | 'logicalOr';

/** Reductions over a set of axes; accumulation is in float64 like PyTorch's CPU kernels. */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min';

/**
 * A backend: typed arrays in, typed arrays out. Every kernel writes into a caller-allocated `out` of the right
 * dtype and size; none allocates tensors or knows about autograd.
 */
export interface Backend {
  readonly name: string;

  /** out[i] = f(x[i]; p0, p1). `x` and `out` have the same length. */
  unary(op: UnaryOp, x: TypedArray, out: TypedArray, p0?: number, p1?: number): void;

  /** out = a ∘ b with NumPy broadcasting of `aShape` and `bShape` to `outShape`. */
  binary(
    op: BinaryOp,
    a: TypedArray,
    aShape: Shape,
    b: TypedArray,
    bShape: Shape,
    out: TypedArray,
    outShape: Shape,
  ): void;

  /** out = cond ? a : b, all three broadcast to `outShape`. */
  where(
    cond: TypedArray,
    condShape: Shape,
    a: TypedArray,
    aShape: Shape,
    b: TypedArray,
    bShape: Shape,
    out: TypedArray,
    outShape: Shape,
  ): void;

  /** Reduces `x` of `shape` over the sorted `axes`; `out` holds the result with those axes removed. */
  reduce(op: ReduceOp, x: TypedArray, shape: Shape, axes: readonly number[], out: TypedArray): void;

  /**
   * Max or min along the middle axis of `x` viewed as [outer, size, inner], with the index of the first
   * extreme element (NaN wins, as in PyTorch).
   */
  argReduce(
    op: 'max' | 'min',
    x: TypedArray,
    outer: number,
    size: number,
    inner: number,
    values: TypedArray,
    indices: Int32Array,
  ): void;

  /** Softmax (or log-softmax when `log`) along the middle axis of [outer, size, inner], max-shifted. */
  softmax(x: FloatArray, out: FloatArray, outer: number, size: number, inner: number, log: boolean): void;

  /**
   * Batched matrix product: for each batch index i, out[i] (m×n) = op(a[aOffsets[i]]) · op(b[bOffsets[i]]) where
   * op transposes when the flag is set (a is stored k×m when `transA`, b is stored n×k when `transB`).
   */
  matmul(
    a: FloatArray,
    aOffsets: readonly number[],
    b: FloatArray,
    bOffsets: readonly number[],
    out: FloatArray,
    m: number,
    k: number,
    n: number,
    transA: boolean,
    transB: boolean,
  ): void;

  /** out = x permuted: out's dim i is x's dim perm[i]. */
  permute(x: TypedArray, shape: Shape, perm: readonly number[], out: TypedArray): void;

  /** out = x broadcast to `outShape` (materialised). */
  expand(x: TypedArray, shape: Shape, out: TypedArray, outShape: Shape): void;
}
