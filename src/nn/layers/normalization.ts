// @file Normalization layers: LayerNorm, BatchNorm1d and BatchNorm2d (running statistics kept as buffers).
import { checkOptions, optionKeys } from '../../options.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { readsSynchronously } from '../../ops/read.js';
import { ones, zeros } from '../../tensor/create.js';
import { shapesEqual } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { batchNorm, layerNorm, toNormalizedShape } from '../functional/normalization.js';
import { ones_, zeros_ } from '../init.js';
import { Module, checkInteger, reprBool, reprFloat, reprTuple } from '../module.js';
import { Parameter } from '../parameter.js';

type FloatDType = 'float32' | 'float64';

function checkEps(op: string, eps: number): void {
  if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) {
    throw new ValueError(op, `eps must be a non-negative finite number, got ${String(eps)}`);
  }
}

export interface LayerNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn a per-element scale γ (and shift β, see `bias`), initialised to 1 and 0 (default true). */
  elementwiseAffine?: boolean;
  /** Learn the shift β when elementwiseAffine (default true). */
  bias?: boolean;
  dtype?: FloatDType;
}

const LAYER_NORM_KEYS = optionKeys<LayerNormOptions>({
  eps: true,
  elementwiseAffine: true,
  bias: true,
  dtype: true,
});

/**
 * Layer normalization over the trailing `normalizedShape` dims (torch.nn.LayerNorm):
 * y = (x − E[x])/√(Var[x] + ε)·γ + β, statistics per sample (the same in training and eval).
 * `weight` γ and `bias` β have shape `normalizedShape`.
 * @throws ShapeError naming the expected trailing shape when the input does not end with it.
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    checkOptions('LayerNorm', options, LAYER_NORM_KEYS);
    const { eps = 1e-5, elementwiseAffine = true, bias = true, dtype = 'float32' } = options;
    this.normalizedShape = Object.freeze(toNormalizedShape('LayerNorm', normalizedShape));
    checkEps('LayerNorm', eps);
    this.eps = eps;
    this.elementwiseAffine = elementwiseAffine;
    this.weight = elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias = elementwiseAffine && bias ? new Parameter(zeros(this.normalizedShape, { dtype })) : null;
  }

  /** Sets γ to ones and β to zeros. */
  resetParameters(): void {
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    if (x.ndim < k || !shapesEqual(x.shape.slice(x.ndim - k), this.normalizedShape)) {
      throw new ShapeError(
        'LayerNorm',
        `expected input with trailing shape ${fmtShape(this.normalizedShape)}, got shape ${fmtShape(x.shape)}`,
      );
    }
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return (
      `${reprTuple(this.normalizedShape)}, eps=${reprFloat(this.eps)}, ` +
      `elementwise_affine=${reprBool(this.elementwiseAffine)}`
    );
  }
}

export interface BatchNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /**
   * Weight of the newest batch in the running statistics (default 0.1); null for a cumulative average
   * (weight 1/numBatchesTracked).
   */
  momentum?: number | null;
  /** Learn a per-channel scale γ and shift β, initialised to 1 and 0 (default true). */
  affine?: boolean;
  /** Keep running mean and variance for eval mode (default true); without them eval uses batch statistics. */
  trackRunningStats?: boolean;
  dtype?: FloatDType;
}

const BATCH_NORM_KEYS = optionKeys<BatchNormOptions>({
  eps: true,
  momentum: true,
  affine: true,
  trackRunningStats: true,
  dtype: true,
});

/**
 * Batch normalization over dim 1 (PyTorch's _BatchNorm), y = (x − μ)/√(σ² + ε)·γ + β per channel.
 *
 * - Training: μ, σ² are the batch statistics, and the running ones are updated as
 *   r ← (1 − momentum)·r + momentum·s (σ² unbiased) while numBatchesTracked counts the batches.
 * - Eval: μ, σ² are the running statistics (batch statistics when trackRunningStats is false).
 *
 * State-dict keys match PyTorch's: `weight`, `bias`, `running_mean`, `running_var`, `num_batches_tracked`.
 * The buffers are fields with those snake_case names (so `bn.running_mean` reads as in PyTorch), with
 * camelCase getters `runningMean`, `runningVar` and `numBatchesTracked`. numBatchesTracked is int32
 * (PyTorch: int64).
 */
export abstract class BatchNorm extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  running_mean: Tensor | null;
  running_var: Tensor | null;
  num_batches_tracked: Tensor | null;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super();
    const op = new.target.name;
    checkOptions(op, options, BATCH_NORM_KEYS);
    const {
      eps = 1e-5,
      momentum = 0.1,
      affine = true,
      trackRunningStats = true,
      dtype = 'float32',
    } = options;
    checkInteger(op, 'numFeatures', numFeatures);
    checkEps(op, eps);
    if (momentum !== null && (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1))) {
      throw new ValueError(op, `momentum must be in [0, 1] or null, got ${String(momentum)}`);
    }
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    this.running_mean = this.registerBuffer(
      'running_mean',
      trackRunningStats ? zeros([numFeatures], { dtype }) : null,
    );
    this.running_var = this.registerBuffer(
      'running_var',
      trackRunningStats ? ones([numFeatures], { dtype }) : null,
    );
    this.num_batches_tracked = this.registerBuffer(
      'num_batches_tracked',
      trackRunningStats ? zeros([], { dtype: 'int32' }) : null,
    );
  }

  get runningMean(): Tensor | null {
    return this.running_mean;
  }
  get runningVar(): Tensor | null {
    return this.running_var;
  }
  get numBatchesTracked(): Tensor | null {
    return this.num_batches_tracked;
  }

  /** Running mean ← 0, running variance ← 1, batch count ← 0. */
  resetRunningStats(): void {
    noGrad(() => {
      this.running_mean?.fill_(0);
      this.running_var?.fill_(1);
      this.num_batches_tracked?.fill_(0);
    });
  }

  /** Resets the running statistics and sets γ to ones and β to zeros. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  /** Throws a ShapeError unless the input has a rank this layer accepts. */
  protected abstract checkInputDim(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.checkInputDim(x);
    const op = this.constructor.name;
    if (x.shape[1] !== this.numFeatures) {
      throw new ShapeError(
        op,
        `expected input with ${this.numFeatures} channels (dim 1), got shape ${fmtShape(x.shape)}`,
      );
    }
    if (this.training && x.numel() / this.numFeatures <= 1) {
      throw new ValueError(
        op,
        `expected more than 1 value per channel when training, got input shape ${fmtShape(x.shape)}`,
      );
    }
    let averagingFactor: number | Tensor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      const count = this.num_batches_tracked;
      noGrad(() => count.add_(1));
      // momentum=None: a cumulative average, factor 1/count. A backend that reads only asynchronously keeps the
      // count on the device, so the factor stays a tensor there (float32 1 − 1/n may then differ in the last bit).
      if (this.momentum === null) {
        averagingFactor = readsSynchronously()
          ? 1 / count.item()
          : noGrad(() => count.to(this.running_mean?.dtype ?? 'float32').reciprocal());
      }
    }
    const useBatchStats = this.training || (this.running_mean === null && this.running_var === null);
    const trackedStats = !this.training || this.trackRunningStats;
    return batchNorm(
      x,
      trackedStats ? this.running_mean : null,
      trackedStats ? this.running_var : null,
      this.weight,
      this.bias,
      useBatchStats,
      averagingFactor,
      this.eps,
    );
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : reprFloat(this.momentum);
    return (
      `${this.numFeatures}, eps=${reprFloat(this.eps)}, momentum=${momentum}, affine=${reprBool(this.affine)}, ` +
      `track_running_stats=${reprBool(this.trackRunningStats)}`
    );
  }
}

/** Batch normalization of [N, C] or [N, C, L] inputs over the batch (and length) dims (torch.nn.BatchNorm1d). */
export class BatchNorm1d extends BatchNorm {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) {
      throw new ShapeError(
        'BatchNorm1d',
        `expected 2-D or 3-D input ([N, C] or [N, C, L]), got shape ${fmtShape(x.shape)}`,
      );
    }
  }
}

/** Batch normalization of [N, C, H, W] inputs over N, H and W (torch.nn.BatchNorm2d). */
export class BatchNorm2d extends BatchNorm {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 4) {
      throw new ShapeError('BatchNorm2d', `expected 4-D input [N, C, H, W], got shape ${fmtShape(x.shape)}`);
    }
  }
}
