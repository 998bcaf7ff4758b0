// @file The narrow kernel interface that every backend implements; only ops/ calls it.
import type { FloatArray, ResidentAllocator, TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { LossKernels } from './loss-kernels.js';
import type { OptimizerKernels } from './optimizer-kernels.js';
import type { RecurrentKernels } from './recurrent-kernels.js';

export type * from './loss-kernels.js';
export type * from './optimizer-kernels.js';
export type * from './recurrent-kernels.js';

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

/**
 * Activations whose vector-Jacobian product has a fused kernel (unaryGrad): relu reads the op's input x,
 * sigmoid and tanh read its output y.
 */
export type UnaryGradOp = 'relu' | 'sigmoid' | 'tanh';

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
 * A 2-D sliding window over [inH, inW] planes (convolution and max pooling). `padH`/`padW` are the padding
 * before the first row/column; the caller picks outH/outW, which may imply a different padding after.
 * Output position (oh, ow) reads input rows oh·strideH − padH + ki·dilationH for ki < kernelH (likewise columns).
 */
export interface Window2d {
  readonly inH: number;
  readonly inW: number;
  readonly outH: number;
  readonly outW: number;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly dilationH: number;
  readonly dilationW: number;
}

/**
 * A batched 2-D convolution: `images` inputs [inChannels, inH, inW], a weight [outChannels, inChannels/groups,
 * kernelH, kernelW] and outputs [outChannels, outH, outW]; channels split into `groups` blocked groups.
 */
export interface ConvGeometry {
  readonly images: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly groups: number;
  readonly window: Window2d;
}

/**
 * Averaging windows along one axis: output position o averages inputs [start[o], end[o]) and contributes the
 * factor divisor[o] to the divisor (the 2-D divisor is the product of the row and column factors).
 */
export interface AxisWindows {
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly divisor: Float64Array;
}

/**
 * A backend: typed arrays in, typed arrays out. Every kernel writes into a caller-allocated `out` of the right
 * dtype and size; none allocates tensors or knows about autograd.
 */
export interface Backend extends OptimizerKernels, RecurrentKernels, LossKernels {
  readonly name: string;
  /** The wasm backend's kernel build: 'simd' (multiply, then add) or 'relaxed-simd' (fused multiply-add). */
  readonly kernelBuild?: 'simd' | 'relaxed-simd';
  /**
   * Whether values can be read synchronously (`dataSync`, `toArray`, `item`). A backend whose storage lives on a
   * device (WebGPU) sets false, and then only `await t.data()` / `await t.array()` read (ops/read.ts).
   */
  readonly readsSync: boolean;
  /** Copies a storage to the host; absent, a host-side storage is copied directly. */
  read?(storage: TypedArray): Promise<TypedArray>;
  /**
   * With `readsSync: false`: whether this storage's host copy is current now (e.g. just after `await t.data()`
   * and before any kernel writes it again); the synchronous reads then answer instead of throwing.
   */
  hostCurrent?(storage: TypedArray): boolean;
  /**
   * Where ops' float32 storage is allocated while this backend is active (the wasm backend: its linear memory);
   * absent, plain typed arrays. Any backend's kernels accept any storage, so tensors outlive a backend switch.
   */
  readonly resident?: ResidentAllocator;

  /** out[i] = f(x[i]; p0, p1). `x` and `out` have the same length. */
  unary(op: UnaryOp, x: TypedArray, out: TypedArray, p0?: number, p1?: number): void;

  /**
   * out[i] = g[i]·f′ᵢ, the gradient of an activation in one pass: f′ is [x > 0] for relu (`saved` = x),
   * y(1 − y) for sigmoid and 1 − y² for tanh (`saved` = y). The factor is computed in `saved`'s precision and
   * the product rounded to `out`'s, exactly as the unfused ops would (g·[x > 0], g·(y·(1 − y)), g·(1 − y²)).
   * All three arrays have the same length.
   */
  unaryGrad(op: UnaryGradOp, g: FloatArray, saved: FloatArray, out: FloatArray): void;

  /**
   * out = a ∘ b with NumPy broadcasting of `aShape` and `bShape` to `outShape`. `out` may be `a` itself when
   * `aShape` equals `outShape` (each element is read before it is written).
   */
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

  /**
   * Stable sort of each line along the middle axis of `x` viewed as [outer, size, inner], ascending or
   * descending, NaN counted as the largest value; `indices` gets each sorted value's source position.
   */
  sort(
    x: TypedArray,
    outer: number,
    size: number,
    inner: number,
    descending: boolean,
    values: TypedArray,
    indices: Int32Array,
  ): void;

  /** Running sum or product along the middle axis of `x` viewed as [outer, size, inner] (cumsum, cumprod). */
  scan(op: 'sum' | 'prod', x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void;

  /**
   * ∂ of cumprod along the middle axis of [outer, size, inner] for upstream `grad`, given the forward `output`:
   * PyTorch's algorithm (division by x before a line's first zero, products at it, 0 after).
   */
  cumprodGrad(
    x: TypedArray,
    output: TypedArray,
    grad: TypedArray,
    outer: number,
    size: number,
    inner: number,
    out: TypedArray,
  ): void;

  /**
   * Copies each rows×cols matrix of `x` into the zero-filled `out`, keeping (i, j) where j − i ≤ diagonal
   * (`lower`, tril) or j − i ≥ diagonal (triu).
   */
  triangle(
    x: TypedArray,
    rows: number,
    cols: number,
    diagonal: number,
    lower: boolean,
    out: TypedArray,
  ): void;

  /** out[i] = erf(x[i]) (the error function, to float64 accuracy). */
  erf(x: TypedArray, out: TypedArray): void;

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

  /**
   * Strided window copy: out[i₀, i₁, …] = x[starts₀ + i₀·steps₀, starts₁ + i₁·steps₁, …] over `outShape`.
   * Steps may be negative (flip); narrow, split, index slices and constant-pad crops use it.
   */
  slice(
    x: TypedArray,
    shape: Shape,
    starts: readonly number[],
    steps: readonly number[],
    out: TypedArray,
    outShape: Shape,
  ): void;

  /** The inverse of slice: out[starts₀ + i₀·steps₀, …] = src[i₀, …] over `srcShape`; the rest of `out` is kept. */
  sliceAssign(
    src: TypedArray,
    srcShape: Shape,
    out: TypedArray,
    outShape: Shape,
    starts: readonly number[],
    steps: readonly number[],
  ): void;

  /**
   * torch.gather: out[…, i, …] = x[…, index[…, i, …], …] along `dim`, over every position of `indexShape`
   * (each of its dims ≤ x's except `dim`). Indices are already validated to lie in [0, shape[dim]).
   */
  gather(
    x: TypedArray,
    shape: Shape,
    dim: number,
    index: Int32Array,
    indexShape: Shape,
    out: TypedArray,
  ): void;

  /**
   * torch.scatter / scatter_add into `out` in place: out[…, index[…, i, …], …] = src[…, i, …] (+= when
   * `accumulate`) over every position of `indexShape`; `src` has `srcShape`, each dim ≥ the index's.
   */
  scatter(
    src: TypedArray,
    srcShape: Shape,
    dim: number,
    index: Int32Array,
    indexShape: Shape,
    out: TypedArray,
    outShape: Shape,
    accumulate: boolean,
  ): void;

  /** torch.index_select along the middle axis: x is [outer, size, inner], out is [outer, index.length, inner]. */
  indexSelect(
    x: TypedArray,
    outer: number,
    size: number,
    inner: number,
    index: Int32Array,
    out: TypedArray,
  ): void;

  /** torch.index_add_ into `out` [outer, size, inner] from src [outer, index.length, inner]; repeats add up. */
  indexAdd(
    src: TypedArray,
    outer: number,
    size: number,
    inner: number,
    index: Int32Array,
    out: TypedArray,
  ): void;

  /**
   * The convolution y[n, g·m + o] = W[g·m + o] · im2col(x[n])[g] + b[g·m + o] (m = outChannels/groups) for every
   * image n and group g, b being `bias` ([outChannels]) or 0 when null; `out` is overwritten.
   */
  conv2d(
    x: FloatArray,
    weight: FloatArray,
    bias: FloatArray | null,
    out: FloatArray,
    geo: ConvGeometry,
  ): void;

  /** Its input gradient ∂x[n] = col2im(Wᵀ · ∂y[n]) per group; `gradInput` is overwritten. */
  conv2dInputGrad(gradOut: FloatArray, weight: FloatArray, gradInput: FloatArray, geo: ConvGeometry): void;

  /** Its weight gradient ∂W = Σₙ ∂y[n] · im2col(x[n])ᵀ per group; `gradWeight` is overwritten. */
  conv2dWeightGrad(x: FloatArray, gradOut: FloatArray, gradWeight: FloatArray, geo: ConvGeometry): void;

  /**
   * im2col: x holds `images` images [channels, inH, inW]; cols receives [images, channels·kH·kW, outH·outW],
   * row (c, ki, kj) and column (oh, ow) holding the input the kernel tap reads there (0 in padding).
   */
  im2col(x: FloatArray, images: number, channels: number, window: Window2d, cols: FloatArray): void;

  /** col2im, the adjoint of im2col: adds each column entry onto its input position in `out` (not zeroed here). */
  col2im(cols: FloatArray, images: number, channels: number, window: Window2d, out: FloatArray): void;

  /**
   * Max pooling of `planes` planes [inH, inW] into [outH, outW], with each winner's in-plane flat index h·inW + w.
   * Ties go to the first maximum in row-major order; NaN wins (as in PyTorch's CPU kernel).
   */
  maxPool2d(x: FloatArray, planes: number, window: Window2d, out: FloatArray, indices: Int32Array): void;

  /**
   * The adjoint of maxPool2d: gradIn[p, indices[p, o]] += gradOut[p, o] for every plane p < `planes` and output
   * position o < `positions`; gradIn holds `planes` planes of `inPlane` elements and is not zeroed here.
   */
  maxPool2dBackward(
    gradOut: FloatArray,
    indices: Int32Array,
    planes: number,
    positions: number,
    inPlane: number,
    gradIn: FloatArray,
  ): void;

  /** Windowed average of `planes` planes [inH, inW]: out[p, oh, ow] = Σ over rows[oh] × cols[ow] / divisor. */
  avgPool2d(
    x: FloatArray,
    planes: number,
    inH: number,
    inW: number,
    rows: AxisWindows,
    cols: AxisWindows,
    out: FloatArray,
  ): void;

  /** The adjoint of avgPool2d: adds gradOut/divisor over each window into `gradIn` (not zeroed here). */
  avgPool2dBackward(
    gradOut: FloatArray,
    planes: number,
    inH: number,
    inW: number,
    rows: AxisWindows,
    cols: AxisWindows,
    gradIn: FloatArray,
  ): void;

  /**
   * Training-mode batch normalization of x viewed as [outer, channels, inner] (x is [N, C, *]): per channel c, the
   * batch mean μ_c and biased variance σ²_c over outer × inner values (accumulated in float64), then
   * out = (x − μ_c)·invstd_c·γ_c + β_c with invstd_c = 1/√(σ²_c + eps). `weight` (γ) and `bias` (β) may be
   * null (1 and 0). Writes `out`, and μ, σ² and invstd into the float64 arrays of `channels` entries.
   */
  batchNorm(
    x: FloatArray,
    outer: number,
    channels: number,
    inner: number,
    weight: FloatArray | null,
    bias: FloatArray | null,
    eps: number,
    out: FloatArray,
    mean: Float64Array,
    variance: Float64Array,
    invstd: Float64Array,
  ): void;

  /**
   * A per-channel affine map of x viewed as [outer, channels, inner]: out = x·scale[c] + shift[c], computed in
   * float64 and rounded once (batch norm in eval mode, with scale = γ/√(σ² + ε) and shift = β − μ·scale).
   */
  channelAffine(
    x: FloatArray,
    outer: number,
    channels: number,
    inner: number,
    scale: Float64Array,
    shift: Float64Array,
    out: FloatArray,
  ): void;

  /**
   * The VJP of batchNorm from the saved μ and invstd: with x̂ = (x − μ)·invstd and M = outer·inner values per
   * channel, ∂β = Σ ∂y, ∂γ = Σ ∂y·x̂ and ∂x = γ·invstd·(∂y − ∂β/M − x̂·∂γ/M). Each output may be null (not
   * needed); those given are overwritten.
   */
  batchNormBackward(
    gradOut: FloatArray,
    x: FloatArray,
    outer: number,
    channels: number,
    inner: number,
    weight: FloatArray | null,
    mean: Float64Array,
    invstd: Float64Array,
    gradInput: FloatArray | null,
    gradWeight: FloatArray | null,
    gradBias: FloatArray | null,
  ): void;
}
