// @file SequentialLR: hands the schedule from one scheduler to the next at given milestones.
import { checkOptions, optionKeys } from '../../options.js';
import { ValueError } from '../../errors.js';
import { LRScheduler, bisectRight, type AnyOptimizer, type SchedulerStateDict } from './base.js';

export interface SequentialLROptions {
  /** The schedulers, in order; all must drive `optimizer`. */
  schedulers: readonly LRScheduler[];
  /** The epochs at which the next scheduler takes over (one fewer than the schedulers). */
  milestones: readonly number[];
  /** Resume at this epoch (default −1: start fresh). */
  lastEpoch?: number;
}

const SEQUENTIAL_LR_KEYS = optionKeys<SequentialLROptions>({
  schedulers: true,
  milestones: true,
  lastEpoch: true,
});

/**
 * Runs `schedulers[0]` until `milestones[0]`, then `schedulers[1]` restarted at its epoch 0, and so on
 * (torch.optim.lr_scheduler.SequentialLR). Typical use: a LinearLR warm-up followed by a cosine decay.
 *
 * @example
 * const warmup = new optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new optim.lrScheduler.CosineAnnealingLR(opt, { tMax: 95 });
 * const scheduler = new optim.lrScheduler.SequentialLR(opt, { schedulers: [warmup, decay], milestones: [5] });
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  milestones: number[];

  constructor(optimizer: AnyOptimizer, options: SequentialLROptions) {
    super(optimizer, -1);
    checkOptions('SequentialLR', options, SEQUENTIAL_LR_KEYS, true);
    const { schedulers, milestones } = options;
    if (schedulers.length === 0) throw new ValueError('SequentialLR', 'expects at least one scheduler');
    schedulers.forEach((scheduler, i) => {
      if (scheduler.optimizer !== optimizer) {
        throw new ValueError(
          'SequentialLR',
          'Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at ' +
            `index ${i} to be different than the optimizer passed in.`,
        );
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        'SequentialLR',
        'Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone ' +
          `points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ` +
          `${milestones.length}`,
      );
    }
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = (options.lastEpoch ?? -1) + 1;
    // Reset the lrs to their initial values and undo the step each scheduler took when it was constructed.
    for (const group of this.groups) group.lr = group.initialLr as number;
    for (const scheduler of this.schedulers) scheduler.lastEpoch -= 1;
    const first = this.schedulers[0]!;
    (first as unknown as { initialStep(): void }).initialStep();
    this.lastLr = first.getLastLr();
  }

  override step(): void {
    this.lastEpoch += 1;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const scheduler = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.stepToEpoch(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  protected getLr(): number[] {
    return this.getLastLr();
  }

  /** This scheduler's fields plus each inner scheduler's state dict. */
  override stateDict(): SchedulerStateDict {
    const out = super.stateDict();
    out.schedulers = this.schedulers.map((s) => s.stateDict());
    return out;
  }

  override loadStateDict(stateDict: SchedulerStateDict): void {
    const { schedulers, ...own } = stateDict;
    super.loadStateDict(own);
    if (Array.isArray(schedulers)) {
      schedulers.forEach((s, i) => this.schedulers[i]?.loadStateDict(s as SchedulerStateDict));
    }
  }
}
