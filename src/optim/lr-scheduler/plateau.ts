// @file ReduceLROnPlateau: cuts the lr when a monitored metric stops improving.
import { checkOptions, optionKeys } from '../../options.js';
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { SchedulerBase, type AnyOptimizer, type SchedulerStateDict } from './base.js';

export interface ReduceLROnPlateauOptions {
  /** 'min' (default): the metric should decrease (a loss); 'max': it should increase (an accuracy). */
  mode?: 'min' | 'max';
  /** Factor applied to the lr on a plateau, below 1 (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before cutting the lr (default 10). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** 'rel' (default): better than best·(1 ∓ threshold); 'abs': better than best ∓ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a cut before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound of the lr, one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** A cut smaller than eps is skipped (default 1e-8). */
  eps?: number;
}

const PLATEAU_KEYS = optionKeys<ReduceLROnPlateauOptions>({
  mode: true,
  factor: true,
  patience: true,
  threshold: true,
  thresholdMode: true,
  cooldown: true,
  minLr: true,
  eps: true,
});

/**
 * Multiplies the lr by `factor` when the metric passed to `step(metric)` has not improved for `patience`
 * epochs (torch.optim.lr_scheduler.ReduceLROnPlateau). In 'min' mode with 'rel' thresholds, a value a is an
 * improvement when `a < best·(1 − threshold)`. After a cut, `cooldown` epochs pass before bad epochs count.
 *
 * @example
 * const scheduler = new optim.lrScheduler.ReduceLROnPlateau(opt, { patience: 5 });
 * for (…) { const valLoss = validate(); scheduler.step(valLoss); }
 */
export class ReduceLROnPlateau extends SchedulerBase<[metric: number | Tensor]> {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  cooldownCounter = 0;
  minLrs: number[];
  eps: number;
  /** Best metric so far (±Infinity before the first step). */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    super(optimizer, 0);
    checkOptions('ReduceLROnPlateau', options, PLATEAU_KEYS);
    const factor = options.factor ?? 0.1;
    if (factor >= 1) throw new ValueError('ReduceLROnPlateau', 'Factor should be < 1.0.');
    this.factor = factor;
    const count = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (typeof minLr === 'number') this.minLrs = new Array<number>(count).fill(minLr);
    else {
      if (minLr.length !== count)
        throw new ValueError('ReduceLROnPlateau', `expected ${count} min_lrs, got ${minLr.length}`);
      this.minLrs = [...minLr];
    }
    this.patience = options.patience ?? 10;
    this.cooldown = options.cooldown ?? 0;
    this.eps = options.eps ?? 1e-8;
    const mode = options.mode ?? 'min';
    const thresholdMode = options.thresholdMode ?? 'rel';
    if (mode !== 'min' && mode !== 'max')
      throw new ValueError('ReduceLROnPlateau', `mode ${String(mode)} is unknown!`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs')
      throw new ValueError('ReduceLROnPlateau', `threshold mode ${String(thresholdMode)} is unknown!`);
    this.mode = mode;
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = thresholdMode;
    this.best = this.modeWorse;
    this.lastLr = this.groups.map((g) => g.lr);
  }

  /** The worst possible metric for the mode (the starting `best`). */
  private get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Records this epoch's metric and cuts the lr of every group if it has plateaued. */
  step(metric: number | Tensor): void {
    const current = typeof metric === 'number' ? metric : metric.item();
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.groups.map((g) => g.lr);
  }

  /** Restores a state dict; a `best` of null (JSON's spelling of ±Infinity) means no metric seen yet. */
  override loadStateDict(stateDict: SchedulerStateDict): void {
    super.loadStateDict(stateDict);
    if (this.best === null) this.best = this.modeWorse;
  }

  /** True while the scheduler waits after a cut. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether metric `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  private reduceLr(): void {
    this.groups.forEach((group, i) => {
      const oldLr = group.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]!);
      if (oldLr - newLr > this.eps) group.lr = newLr;
    });
  }
}
