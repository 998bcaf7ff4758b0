// @file Loss modules (torch.nn losses): each holds its options and calls its nn.functional form in forward(input, target).
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  BCE_LOSS_KEYS,
  BCE_WITH_LOGITS_KEYS,
  CROSS_ENTROPY_KEYS,
  HUBER_LOSS_KEYS,
  KL_DIV_KEYS,
  NLL_LOSS_KEYS,
  REDUCTION_KEYS,
  SMOOTH_L1_LOSS_KEYS,
} from './functional/loss-common.js';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  checkLabelSmoothing,
  checkReduction,
  checkThreshold,
  crossEntropy,
  huberLoss,
  klDiv,
  l1Loss,
  mseLoss,
  nllLoss,
  smoothL1Loss,
  type BCELossOptions,
  type BCEWithLogitsOptions,
  type CrossEntropyOptions,
  type HuberLossOptions,
  type KLDivOptions,
  type NLLLossOptions,
  type Reduction,
  type ReductionOptions,
  type SmoothL1LossOptions,
} from './functional/loss.js';
import { Module } from './module.js';

export type {
  BCELossOptions,
  BCEWithLogitsOptions,
  CrossEntropyOptions,
  HuberLossOptions,
  KLDivOptions,
  NLLLossOptions,
  Reduction,
  ReductionOptions,
  SmoothL1LossOptions,
} from './functional/loss.js';

/**
 * Base of the loss modules (torch.nn.modules.loss._Loss): `forward(input, target)` returns the loss, reduced
 * by `reduction` ('mean' by default). Options are checked when the module is built; class weights are
 * registered as buffers, so they follow the module into its stateDict.
 */
export abstract class Loss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;

  constructor(op: string, reduction: Reduction = 'mean') {
    super();
    checkReduction(op, reduction);
    this.reduction = reduction;
  }

  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/**
 * Cross-entropy on logits (torch.nn.CrossEntropyLoss): log-softmax over dim 1 followed by the negative
 * log-likelihood, with optional class weights, ignoreIndex and label smoothing. See nn.functional.crossEntropy.
 *
 * lᵢ = (1 − ε)·(−w_{yᵢ}·log softmax(xᵢ)_{yᵢ}) + (ε/C)·(−Σ_c w_c·log softmax(xᵢ)_c); 'mean' = Σlᵢ / Σ w_{yᵢ}.
 * @example
 * const lossFn = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
 * const loss = lossFn.forward(logits, labels); // logits [N, C], labels int32 [N]
 */
export class CrossEntropyLoss extends Loss {
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(options: CrossEntropyOptions = {}) {
    super('CrossEntropyLoss', checkOptions('CrossEntropyLoss', options, CROSS_ENTROPY_KEYS).reduction);
    this.weight = this.registerBuffer('weight', options.weight ?? null);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
    checkLabelSmoothing('CrossEntropyLoss', this.labelSmoothing);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

/**
 * Negative log-likelihood on log-probabilities (torch.nn.NLLLoss): lᵢ = −w_{yᵢ}·x_{i,yᵢ}, 0 where
 * yᵢ = ignoreIndex; 'mean' = Σlᵢ / Σ w_{yᵢ}. Pair it with LogSoftmax, or use CrossEntropyLoss on logits.
 */
export class NLLLoss extends Loss {
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;

  constructor(options: NLLLossOptions = {}) {
    super('NLLLoss', checkOptions('NLLLoss', options, NLL_LOSS_KEYS).reduction);
    this.weight = this.registerBuffer('weight', options.weight ?? null);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
    });
  }
}

/**
 * Binary cross-entropy on probabilities (torch.nn.BCELoss): l = −w·(y·log x + (1 − y)·log(1 − x)), each log
 * clamped at −100. Inputs must lie in [0, 1]; BCEWithLogitsLoss is the stable choice on raw scores.
 */
export class BCELoss extends Loss {
  readonly weight: Tensor | null;

  constructor(options: BCELossOptions = {}) {
    super('BCELoss', checkOptions('BCELoss', options, BCE_LOSS_KEYS).reduction);
    this.weight = this.registerBuffer('weight', options.weight ?? null);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/**
 * Sigmoid and binary cross-entropy in one stable expression (torch.nn.BCEWithLogitsLoss):
 * l = −w·[p·y·log σ(x) + (1 − y)·log(1 − σ(x))], with `posWeight` p broadcast over the last dim.
 * The stateDict names the positive weight `posWeight` (PyTorch: `pos_weight`).
 */
export class BCEWithLogitsLoss extends Loss {
  readonly weight: Tensor | null;
  readonly posWeight: Tensor | null;

  constructor(options: BCEWithLogitsOptions = {}) {
    super('BCEWithLogitsLoss', checkOptions('BCEWithLogitsLoss', options, BCE_WITH_LOGITS_KEYS).reduction);
    this.weight = this.registerBuffer('weight', options.weight ?? null);
    this.posWeight = this.registerBuffer('posWeight', options.posWeight ?? null);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, {
      weight: this.weight,
      posWeight: this.posWeight,
      reduction: this.reduction,
    });
  }
}

/** Mean squared error (torch.nn.MSELoss): lᵢ = (xᵢ − yᵢ)². Input and target shapes must match. */
export class MSELoss extends Loss {
  constructor(options: ReductionOptions = {}) {
    super('MSELoss', checkOptions('MSELoss', options, REDUCTION_KEYS).reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error (torch.nn.L1Loss): lᵢ = |xᵢ − yᵢ|. Input and target shapes must match. */
export class L1Loss extends Loss {
  constructor(options: ReductionOptions = {}) {
    super('L1Loss', checkOptions('L1Loss', options, REDUCTION_KEYS).reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Huber loss (torch.nn.HuberLoss): ½d² for |d| < δ, δ·(|d| − ½δ) elsewhere, d = x − y (default δ = 1). */
export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(options: HuberLossOptions = {}) {
    super('HuberLoss', checkOptions('HuberLoss', options, HUBER_LOSS_KEYS).reduction);
    this.delta = options.delta ?? 1;
    checkThreshold('HuberLoss', 'delta', this.delta);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** Smooth L1 loss (torch.nn.SmoothL1Loss): ½d²/β for |d| < β, |d| − ½β elsewhere (default β = 1; β = 0 is L1). */
export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor(options: SmoothL1LossOptions = {}) {
    super('SmoothL1Loss', checkOptions('SmoothL1Loss', options, SMOOTH_L1_LOSS_KEYS).reduction);
    this.beta = options.beta ?? 1;
    checkThreshold('SmoothL1Loss', 'beta', this.beta);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/**
 * Kullback–Leibler divergence (torch.nn.KLDivLoss) of the target from the input's log-probabilities:
 * lᵢ = yᵢ·(log yᵢ − xᵢ), or e^{yᵢ}·(yᵢ − xᵢ) with `logTarget`. Use reduction 'batchmean' for the true KL
 * per sample; the default 'mean' averages over every element, as in PyTorch.
 */
export class KLDivLoss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction | 'batchmean';
  readonly logTarget: boolean;

  constructor(options: KLDivOptions = {}) {
    super();
    checkOptions('KLDivLoss', options, KL_DIV_KEYS);
    this.reduction = options.reduction ?? 'mean';
    checkReduction('KLDivLoss', this.reduction, true);
    this.logTarget = options.logTarget ?? false;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
