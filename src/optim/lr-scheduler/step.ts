// @file StepLR, MultiStepLR and ExponentialLR: multiplicative decays at fixed epochs.
import { checkOptions, optionKeys } from '../../options.js';
import { ValueError } from '../../errors.js';
import { LRScheduler, bisectRight, type AnyOptimizer } from './base.js';

export interface StepLROptions {
  /** Period of the decay, in epochs. */
  stepSize: number;
  /** Factor applied every `stepSize` epochs (default 0.1). */
  gamma?: number;
  /** Resume at this epoch (default −1: start fresh). */
  lastEpoch?: number;
}

const STEP_LR_KEYS = optionKeys<StepLROptions>({ stepSize: true, gamma: true, lastEpoch: true });

/**
 * Multiplies each group's lr by γ every `stepSize` epochs (torch.optim.lr_scheduler.StepLR):
 * `lr = initialLr · γ^⌊epoch / stepSize⌋`.
 *
 * @example
 * const scheduler = new optim.lrScheduler.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: AnyOptimizer, options: StepLROptions) {
    super(optimizer, checkOptions('StepLR', options, STEP_LR_KEYS, true).lastEpoch ?? -1);
    if (!(Number.isInteger(options.stepSize) && options.stepSize > 0))
      throw new ValueError('StepLR', `stepSize must be a positive integer, got ${options.stepSize}`);
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

export interface MultiStepLROptions {
  /** Epochs at which to decay (a repeated milestone decays once per repetition). */
  milestones: readonly number[];
  /** Factor applied at each milestone (default 0.1). */
  gamma?: number;
  /** Resume at this epoch (default −1: start fresh). */
  lastEpoch?: number;
}

const MULTI_STEP_LR_KEYS = optionKeys<MultiStepLROptions>({ milestones: true, gamma: true, lastEpoch: true });

/**
 * Multiplies each group's lr by γ at each milestone (torch.optim.lr_scheduler.MultiStepLR):
 * `lr = initialLr · γ^(number of milestones ≤ epoch)`.
 */
export class MultiStepLR extends LRScheduler {
  /** The milestones, sorted (repetitions kept, like PyTorch's Counter). */
  milestones: number[];
  gamma: number;

  constructor(optimizer: AnyOptimizer, options: MultiStepLROptions) {
    super(optimizer, checkOptions('MultiStepLR', options, MULTI_STEP_LR_KEYS, true).lastEpoch ?? -1);
    this.milestones = [...options.milestones].sort((a, b) => a - b);
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma ** hits);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** bisectRight(this.milestones, this.lastEpoch));
  }
}

export interface ExponentialLROptions {
  /** Factor applied every epoch. */
  gamma: number;
  /** Resume at this epoch (default −1: start fresh). */
  lastEpoch?: number;
}

const EXPONENTIAL_LR_KEYS = optionKeys<ExponentialLROptions>({ gamma: true, lastEpoch: true });

/** Multiplies each group's lr by γ every epoch (torch.optim.lr_scheduler.ExponentialLR): `lr = initialLr · γ^epoch`. */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: AnyOptimizer, options: ExponentialLROptions) {
    super(optimizer, checkOptions('ExponentialLR', options, EXPONENTIAL_LR_KEYS, true).lastEpoch ?? -1);
    this.gamma = options.gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** this.lastEpoch);
  }
}
