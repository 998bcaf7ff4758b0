// @file LinearLR: the lr factor moves linearly from startFactor to endFactor over totalIters epochs.
import { checkOptions, optionKeys } from '../../options.js';
import { ValueError } from '../../errors.js';
import { LRScheduler, type AnyOptimizer } from './base.js';

export interface LinearLROptions {
  /** Factor at epoch 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** Factor from epoch `totalIters` on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Number of epochs of the ramp (default 5). */
  totalIters?: number;
  /** Resume at this epoch (default −1: start fresh). */
  lastEpoch?: number;
}

const LINEAR_LR_KEYS = optionKeys<LinearLROptions>({
  startFactor: true,
  endFactor: true,
  totalIters: true,
  lastEpoch: true,
});

/**
 * Linear warm-up or decay of the lr factor (torch.optim.lr_scheduler.LinearLR):
 * `lr = initialLr · (s + (e − s)·min(epoch, totalIters)/totalIters)`, computed in PyTorch's recursive form.
 *
 * @example
 * // warm up from lr/10 to lr over 5 epochs
 * new optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: AnyOptimizer, options: LinearLROptions = {}) {
    super(optimizer, checkOptions('LinearLR', options, LINEAR_LR_KEYS).lastEpoch ?? -1);
    const startFactor = options.startFactor ?? 1 / 3;
    const endFactor = options.endFactor ?? 1;
    if (startFactor > 1 || !(startFactor > 0)) {
      throw new ValueError(
        'LinearLR',
        'Starting multiplicative factor expected to be greater than 0 and less or equal to 1.',
      );
    }
    if (endFactor > 1 || !(endFactor >= 0))
      throw new ValueError('LinearLR', 'Ending multiplicative factor expected to be between 0 and 1.');
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = options.totalIters ?? 5;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    if (t === 0) return this.groups.map((g) => g.lr * s);
    if (t > n) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((lr) => lr * (s + ((e - s) * Math.min(n, t)) / n));
  }
}
