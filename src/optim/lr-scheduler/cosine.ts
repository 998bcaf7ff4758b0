// @file CosineAnnealingLR: the lr follows half a cosine from initialLr down to etaMin over tMax epochs.
import { checkOptions, optionKeys } from '../../options.js';
import { LRScheduler, pyMod, type AnyOptimizer } from './base.js';

export interface CosineAnnealingLROptions {
  /** Half-period of the cosine, in epochs. */
  tMax: number;
  /** Minimum learning rate (default 0). */
  etaMin?: number;
  /** Resume at this epoch (default −1: start fresh). */
  lastEpoch?: number;
}

const COSINE_ANNEALING_LR_KEYS = optionKeys<CosineAnnealingLROptions>({
  tMax: true,
  etaMin: true,
  lastEpoch: true,
});

/**
 * Cosine annealing (torch.optim.lr_scheduler.CosineAnnealingLR), from Loshchilov & Hutter, "SGDR: Stochastic
 * Gradient Descent with Warm Restarts", ICLR 2017 (without the restarts):
 * `ηₜ = η_min + (η_max − η_min)·(1 + cos(π·t/T_max))/2`.
 *
 * Like PyTorch it computes the recursive form, `ηₜ = η_min + (ηₜ₋₁ − η_min)·(1 + cos(πt/T))/(1 + cos(π(t−1)/T))`,
 * so changes made to the lr from outside carry on, and past T_max the lr rises again (a cosine, not a clamp).
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: AnyOptimizer, options: CosineAnnealingLROptions) {
    super(
      optimizer,
      checkOptions('CosineAnnealingLR', options, COSINE_ANNEALING_LR_KEYS, true).lastEpoch ?? -1,
    );
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: t, tMax, etaMin } = this;
    if (t === 0) return this.groups.map((g) => g.lr);
    if (this.stepCount === 1 && t > 0) {
      return this.baseLrs.map(
        (base) => etaMin + ((base - etaMin) * (1 + Math.cos((t * Math.PI) / tMax))) / 2,
      );
    }
    if (pyMod(t - 1 - tMax, 2 * tMax) === 0) {
      return this.groups.map(
        (g, i) => g.lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2,
      );
    }
    return this.groups.map(
      (g) =>
        ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) *
          (g.lr - etaMin) +
        etaMin,
    );
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map(
      (base) =>
        this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2,
    );
  }
}
