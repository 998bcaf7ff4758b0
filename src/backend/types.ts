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
 * The scalars of one fused optimizer step (Backend.optimizerStep), by optimizer family: each is the family's
 * torch.optim options, plus what the step needs to know about its state. `maximize` negates the gradient first;
 * `weightDecay` adds the L2 term λθ to it (AdamW's `decoupled` instead shrinks θ by 1 − γλ).
 */
export type OptimizerUpdate = SGDUpdate | RMSpropUpdate | AdagradUpdate | AdadeltaUpdate | AdamUpdate;

/** The optimizer families Backend.optimizerStep serves. */
export type OptimizerKind = OptimizerUpdate['kind'];

/** SGD; state `[momentumBuffer]` when momentum ≠ 0, else `[]`. */
export interface SGDUpdate {
  readonly kind: 'sgd';
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;
  /** The momentum buffer was just created: b ← g this step (no momentum, no dampening), as PyTorch does. */
  readonly freshBuffer: boolean;
}

/** RMSprop; state `[squareAvg, gradAvg (centered only), momentumBuffer (momentum > 0 only)]`. */
export interface RMSpropUpdate {
  readonly kind: 'rmsprop';
  readonly lr: number;
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly maximize: boolean;
}

/** Adagrad at step t (from 1); state `[sum]`. */
export interface AdagradUpdate {
  readonly kind: 'adagrad';
  readonly step: number;
  readonly lr: number;
  readonly lrDecay: number;
  readonly weightDecay: number;
  readonly eps: number;
  readonly maximize: boolean;
}

/** Adadelta; state `[squareAvg, accDelta]`. */
export interface AdadeltaUpdate {
  readonly kind: 'adadelta';
  readonly lr: number;
  readonly rho: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly maximize: boolean;
}

/**
 * Adam/AdamW at step t (from 1); state `[expAvg, expAvgSq, maxExpAvgSq (amsgrad only)]`. `decoupled` selects
 * AdamW's θ ← θ·(1 − γλ) instead of the coupled L2 term g + λθ.
 */
export interface AdamUpdate {
  readonly kind: 'adam';
  readonly step: number;
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  readonly amsgrad: boolean;
  readonly maximize: boolean;
}

/**
 * A backend: typed arrays in, typed arrays out. Every kernel writes into a caller-allocated `out` of the right
 * dtype and size; none allocates tensors or knows about autograd.
 */
/** The cell of a recurrence: Elman RNN (tanh or ReLU), LSTM (gates i, f, g, o) or GRU (gates r, z, n). */
export type RecurrentCellKind = 'rnnTanh' | 'rnnRelu' | 'lstm' | 'gru';

/** The sizes of one recurrence (one layer in one direction): T steps of `batch` rows, `inputSize` → `hidden` units. */
export interface RecurrenceShape {
  readonly kind: RecurrentCellKind;
  readonly steps: number;
  readonly batch: number;
  readonly inputSize: number;
  readonly hidden: number;
  /** Run from t = T − 1 down to 0. */
  readonly reverse: boolean;
}

/**
 * The arrays of Backend.recurrenceForward (G gates: 1 for RNN, 4 for LSTM, 3 for GRU). Inputs: `input`
 * [T, B, I], `weightIh` [G·H, I], `biasIh` [G·H] or null, `weightHh` [G·H, H], `biasHh` [G·H] or null, `h0`
 * [B, H], `c0` [B, H] (LSTM only). Outputs: `out` [T + 1, B, H] (LSTM: [T + 2, B, H]): h_t at row t, the final h
 * at row T and the LSTM's final c at row T + 1; and what the backward pass reads, by time position t: `hPrev`
 * [T, B, H] (the h that step t started from), `saved` [T, B, 4H] (LSTM: the activated gates; GRU: r, z, n and
 * W_hn·h + b_hn; null for RNN), `cPrev` and `cells` [T, B, H] (LSTM: c before and after step t; null otherwise).
 */
export interface RecurrenceForwardArrays {
  readonly input: FloatArray;
  readonly weightIh: FloatArray;
  readonly biasIh: FloatArray | null;
  readonly weightHh: FloatArray;
  readonly biasHh: FloatArray | null;
  readonly h0: FloatArray;
  readonly c0: FloatArray | null;
  readonly out: FloatArray;
  readonly hPrev: FloatArray;
  readonly saved: FloatArray | null;
  readonly cPrev: FloatArray | null;
  readonly cells: FloatArray | null;
}

/**
 * The arrays of Backend.recurrenceBackward: `gradOut` (∂L/∂out, out's shape) and the forward pass's arrays in;
 * written: `gradInput` [T, B, I], `gradWeightIh` [G·H, I], `gradBiasIh` [G·H] (or null without biases),
 * `gradWeightHh` [G·H, H], `gradBiasHh` [G·H] (or null), `gradH0` and `gradC0` [B, H] (the latter LSTM only).
 */
export interface RecurrenceBackwardArrays extends RecurrenceForwardArrays {
  readonly gradOut: FloatArray;
  readonly gradInput: FloatArray;
  readonly gradWeightIh: FloatArray;
  readonly gradBiasIh: FloatArray | null;
  readonly gradWeightHh: FloatArray;
  readonly gradBiasHh: FloatArray | null;
  readonly gradH0: FloatArray;
  readonly gradC0: FloatArray | null;
}

/** A fused class loss over scores [N, C, d1, …] (or [C]): x[n, c, k] sits at (n·C + c)·inner + k (ops/loss.ts). */
export interface ClassLossSpec {
  readonly batch: number;
  readonly classes: number;
  /** d1·d2·…: the stride between classes. */
  readonly inner: number;
  /** Class-index targets equal to this contribute nothing. */
  readonly ignoreIndex: number;
  /** ε: the target becomes (1 − ε)·target + ε/C. */
  readonly labelSmoothing: number;
}

/** The upstream gradient of a fused loss as its kernels read it: g at position i is scale·values[i·step]. */
export interface LossUpstream {
  readonly values: FloatArray;
  /** 1 for per-position losses (reduction 'none'), 0 for one reduced value. */
  readonly step: 0 | 1;
  /** 1/denominator for reduction 'mean', else 1. */
  readonly scale: number;
}

/** Elementwise losses with fused kernels: binary cross-entropy on probabilities, and on logits. */
export type PointwiseLossKind = 'bce' | 'bceWithLogits';

export interface Backend {
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

  /**
   * One optimizer step in place over arrays of the same length (torch.optim's `step` for one parameter):
   * `param` and the `state` arrays (the moments and buffers of `update.kind`, in the order its type lists) are
   * updated from `grad`. One entry serves every family; the formulas are PyTorch's, in its order of operations
   * (see src/optim/*.ts and src/backend/js/optim.ts).
   */
  optimizerStep(
    update: OptimizerUpdate,
    param: FloatArray,
    grad: FloatArray,
    state: readonly FloatArray[],
  ): void;

  /**
   * One LSTM time step over `batch` rows of `hidden` units, gates in PyTorch's order i, f, g, o (rows of
   * 4·hidden): with a = xGates + hGates (+ bias, one row broadcast over the batch),
   * i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o), c = f⊙cPrev + i⊙g and h = o⊙tanh(c). Writes h and c
   * ([batch, hidden]) and the activated gates ([batch, 4·hidden], saved for lstmCellBackward); `gates` may be
   * `hGates` itself.
   */
  lstmCell(
    xGates: FloatArray,
    hGates: FloatArray,
    bias: FloatArray | null,
    cPrev: FloatArray,
    batch: number,
    hidden: number,
    h: FloatArray,
    c: FloatArray,
    gates: FloatArray,
  ): void;

  /**
   * The VJP of lstmCell from its saved gates, cPrev and c: with ∂c_total = ∂c + ∂h⊙o⊙(1 − tanh²c), writes
   * the gradient of the pre-activations a (∂a_i = ∂c_total⊙g⊙i(1 − i), ∂a_f = ∂c_total⊙cPrev⊙f(1 − f),
   * ∂a_g = ∂c_total⊙i⊙(1 − g²), ∂a_o = ∂h⊙tanh(c)⊙o(1 − o)) and ∂cPrev = ∂c_total⊙f. `gradC` null means 0.
   */
  lstmCellBackward(
    gradH: FloatArray,
    gradC: FloatArray | null,
    gates: FloatArray,
    cPrev: FloatArray,
    c: FloatArray,
    batch: number,
    hidden: number,
    gradGates: FloatArray,
    gradCPrev: FloatArray,
  ): void;

  /**
   * One GRU time step over `batch` rows of `hidden` units, gates in PyTorch's order r, z, n (rows of 3·hidden):
   * with hn = hGates_n + bias_n, r = σ(x_r + hGates_r + bias_r), z = σ(x_z + hGates_z + bias_z),
   * n = tanh(x_n + r⊙hn) and h = (1 − z)⊙n + z⊙hPrev. `xGates` holds x·W_ihᵀ + b_ih, `hGates` hPrev·W_hhᵀ and
   * `bias` b_hh (null: none). Writes h and the saved values r, z, n, hn ([batch, 4·hidden]).
   */
  gruCell(
    xGates: FloatArray,
    hGates: FloatArray,
    bias: FloatArray | null,
    hPrev: FloatArray,
    batch: number,
    hidden: number,
    h: FloatArray,
    saved: FloatArray,
  ): void;

  /**
   * The VJP of gruCell from its saved r, z, n, hn: ∂a_n = ∂h⊙(1 − z)⊙(1 − n²), ∂a_z = ∂h⊙(hPrev − n)⊙z(1 − z),
   * ∂a_r = ∂a_n⊙hn⊙r(1 − r). Writes ∂xGates = (∂a_r, ∂a_z, ∂a_n), ∂hGates = (∂a_r, ∂a_z, ∂a_n⊙r) (also ∂bias
   * per row) and the direct part of ∂hPrev = ∂h⊙z (the caller adds ∂hGates·W_hh).
   */
  gruCellBackward(
    gradH: FloatArray,
    saved: FloatArray,
    hPrev: FloatArray,
    batch: number,
    hidden: number,
    gradXGates: FloatArray,
    gradHGates: FloatArray,
    gradHPrev: FloatArray,
  ): void;

  /**
   * One layer's recurrence in one direction over a whole sequence (ops/recurrent.ts gives the equations): the
   * input projection x·W_ihᵀ + b_ih of all steps as one product, then per step one product h·W_hhᵀ and the
   * cell's gate kernel. Called as a method: the reference implementation runs its steps through `this`'s matmul
   * and cell kernels, so a backend inherits it with its own fast kernels.
   */
  recurrenceForward(shape: RecurrenceShape, arrays: RecurrenceForwardArrays): void;

  /**
   * Backpropagation through time for recurrenceForward: per step (last to first) the cell's gate gradient and
   * one product ∂a_t·W_hh, then over all steps at once ∂W_hh = Σ_t ∂a_tᵀ·h_{t−1}, ∂b_hh = Σ ∂a, and for the
   * projection ∂W_ih = ∂ãᵀ·x, ∂x = ∂ã·W_ih and ∂b_ih = Σ ∂ã (ã: the input-side pre-activations).
   */
  recurrenceBackward(shape: RecurrenceShape, arrays: RecurrenceBackwardArrays): void;

  /**
   * NLL (x are log-probabilities, `normalisers` null) or cross-entropy (x are logits; their log-sum-exp per
   * position is written to `normalisers`) with class-index targets: per-position losses into `losses` (0 where
   * ignored) and [Σ loss, Σ w_target] into `sums`. Formulas in backend/js/loss.ts.
   */
  classIndexLoss(
    spec: ClassLossSpec,
    x: FloatArray,
    labels: TypedArray,
    weight: FloatArray | null,
    normalisers: Float64Array | null,
    losses: Float64Array,
    sums: Float64Array,
  ): void;
  /** ∂L/∂x of classIndexLoss times the upstream gradient, into a zeroed `out` of x's length. */
  classIndexLossBackward(
    spec: ClassLossSpec,
    x: FloatArray,
    labels: TypedArray,
    weight: FloatArray | null,
    normalisers: Float64Array | null,
    g: LossUpstream,
    out: FloatArray,
  ): void;
  /** Cross-entropy with class-probability targets y of x's shape; `sums` gets [Σ loss, positions]. */
  classProbabilityLoss(
    spec: ClassLossSpec,
    x: FloatArray,
    y: FloatArray,
    weight: FloatArray | null,
    normalisers: Float64Array,
    losses: Float64Array,
    sums: Float64Array,
  ): void;
  /** ∂L/∂x and ∂L/∂y of classProbabilityLoss times the upstream gradient, each where its array is given. */
  classProbabilityLossBackward(
    spec: ClassLossSpec,
    x: FloatArray,
    y: FloatArray,
    weight: FloatArray | null,
    normalisers: Float64Array,
    g: LossUpstream,
    inputGrad: FloatArray | null,
    targetGrad: FloatArray | null,
  ): void;
  /** An elementwise loss of x, y and optional weights w, p (all one length): lᵢ into `losses`, Σ into sums[0]. */
  pointwiseLoss(
    kind: PointwiseLossKind,
    x: FloatArray,
    y: FloatArray,
    w: FloatArray | null,
    p: FloatArray | null,
    losses: Float64Array | null,
    sums: Float64Array,
  ): void;
  /** ∂lᵢ/∂xᵢ or ∂lᵢ/∂yᵢ of pointwiseLoss times the upstream gradient, into `out`. */
  pointwiseLossBackward(
    kind: PointwiseLossKind,
    wrt: 'input' | 'target',
    x: FloatArray,
    y: FloatArray,
    w: FloatArray | null,
    p: FloatArray | null,
    g: LossUpstream,
    out: FloatArray,
  ): void;
}
