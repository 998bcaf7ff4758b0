// @file The fused loss kernels of the kernel interface: class-index and class-probability cross-entropy, BCE.
import type { FloatArray, TypedArray } from '../tensor/dtype.js';

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

/** The fused loss kernels of a Backend (ops/loss.ts is their only caller). */
export interface LossKernels {
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
