// @file OneCycleLR: the 1cycle policy, lr up to maxLr and down far below the start, momentum the other way.
import { checkOptions, optionKeys } from '../../options.js';
import { ValueError } from '../../errors.js';
import { LRScheduler, type AnyOptimizer } from './base.js';

export interface OneCycleLROptions {
  /** Peak learning rate, one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Length of the cycle in steps; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  /** 'cos' (default) or 'linear' annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle the momentum (SGD, RMSprop) or Adam's β₁ inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** Momentum at the lr peak (default 0.85). */
  baseMomentum?: number | readonly number[];
  /** Momentum at the start and end (default 0.95). */
  maxMomentum?: number | readonly number[];
  /** initialLr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Use a third phase that annihilates the lr after going back to initialLr (default false). */
  threePhase?: boolean;
  /** Resume at this step (default −1: start fresh). */
  lastEpoch?: number;
}

const ONE_CYCLE_LR_KEYS = optionKeys<OneCycleLROptions>({
  maxLr: true,
  totalSteps: true,
  epochs: true,
  stepsPerEpoch: true,
  pctStart: true,
  annealStrategy: true,
  cycleMomentum: true,
  baseMomentum: true,
  maxMomentum: true,
  divFactor: true,
  finalDivFactor: true,
  threePhase: true,
  lastEpoch: true,
});

interface Phase {
  endStep: number;
  startLr: 'initialLr' | 'maxLr' | 'minLr';
  endLr: 'initialLr' | 'maxLr' | 'minLr';
  startMomentum: 'maxMomentum' | 'baseMomentum';
  endMomentum: 'maxMomentum' | 'baseMomentum';
}

/**
 * The 1cycle policy (torch.optim.lr_scheduler.OneCycleLR) from Smith & Topin, "Super-Convergence: Very Fast
 * Training of Neural Networks Using Large Learning Rates", 2018. Step it after every batch. The lr anneals from
 * maxLr/divFactor up to maxLr over the first pctStart of the steps, then down to initialLr/finalDivFactor;
 * the momentum (or β₁) goes from maxMomentum down to baseMomentum and back. Each phase anneals with
 * `end + (start − end)/2 · (1 + cos(π·pct))` ('cos') or `start + (end − start)·pct` ('linear').
 *
 * It writes `initialLr`, `maxLr`, `minLr`, `maxMomentum` and `baseMomentum` into each group, as PyTorch does.
 *
 * @example
 * const scheduler = new optim.lrScheduler.OneCycleLR(opt, { maxLr: 0.01, epochs: 10, stepsPerEpoch: loader.length });
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  /** True when the optimizer has `betas` (Adam): β₁ is cycled instead of `momentum`. */
  useBeta1: boolean;
  private readonly phases: Phase[];

  constructor(optimizer: AnyOptimizer, options: OneCycleLROptions) {
    super(optimizer, checkOptions('OneCycleLR', options, ONE_CYCLE_LR_KEYS, true).lastEpoch ?? -1);
    const { totalSteps, epochs, stepsPerEpoch } = options;
    if (totalSteps === undefined && (epochs === undefined || stepsPerEpoch === undefined)) {
      throw new ValueError(
        'OneCycleLR',
        'You must define either total_steps OR (epochs AND steps_per_epoch)',
      );
    } else if (totalSteps !== undefined) {
      if (!(Number.isInteger(totalSteps) && totalSteps > 0))
        throw new ValueError('OneCycleLR', `Expected positive integer total_steps, but got ${totalSteps}`);
      this.totalSteps = totalSteps;
    } else {
      if (!(Number.isInteger(epochs) && epochs! > 0))
        throw new ValueError('OneCycleLR', `Expected positive integer epochs, but got ${epochs}`);
      if (!(Number.isInteger(stepsPerEpoch) && stepsPerEpoch! > 0))
        throw new ValueError(
          'OneCycleLR',
          `Expected positive integer steps_per_epoch, but got ${stepsPerEpoch}`,
        );
      this.totalSteps = epochs! * stepsPerEpoch!;
    }
    const pctStart = options.pctStart ?? 0.3;
    const n = this.totalSteps;
    this.phases = options.threePhase
      ? [
          {
            endStep: pctStart * n - 1,
            startLr: 'initialLr',
            endLr: 'maxLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'baseMomentum',
          },
          {
            endStep: 2 * pctStart * n - 2,
            startLr: 'maxLr',
            endLr: 'initialLr',
            startMomentum: 'baseMomentum',
            endMomentum: 'maxMomentum',
          },
          {
            endStep: n - 1,
            startLr: 'initialLr',
            endLr: 'minLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'maxMomentum',
          },
        ]
      : [
          {
            endStep: pctStart * n - 1,
            startLr: 'initialLr',
            endLr: 'maxLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'baseMomentum',
          },
          {
            endStep: n - 1,
            startLr: 'maxLr',
            endLr: 'minLr',
            startMomentum: 'baseMomentum',
            endMomentum: 'maxMomentum',
          },
        ];
    if (!(pctStart >= 0 && pctStart <= 1))
      throw new ValueError('OneCycleLR', `Expected float between 0 and 1 pct_start, but got ${pctStart}`);
    const strategy = options.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') {
      throw new ValueError(
        'OneCycleLR',
        `anneal_strategy must by one of 'cos' or 'linear', instead got ${String(strategy)}`,
      );
    }
    this.annealStrategy = strategy;

    const maxLrs = this.perGroup('maxLr', options.maxLr);
    const divFactor = options.divFactor ?? 25;
    const finalDivFactor = options.finalDivFactor ?? 1e4;
    if (this.lastEpoch === -1) {
      this.groups.forEach((group, i) => {
        const initialLr = maxLrs[i]! / divFactor;
        group.initialLr = initialLr;
        group.maxLr = maxLrs[i]!;
        group.minLr = initialLr / finalDivFactor;
      });
    }
    this.baseLrs = this.groups.map((group) => group.initialLr as number);

    this.cycleMomentum = options.cycleMomentum ?? true;
    const defaults = optimizer.defaults as unknown as Record<string, unknown>;
    this.useBeta1 = 'betas' in defaults;
    if (this.cycleMomentum) {
      if (!('momentum' in defaults) && !('betas' in defaults))
        throw new ValueError(
          'OneCycleLR',
          'optimizer must support momentum with `cycle_momentum` option enabled',
        );
      const maxMomentums = this.perGroup('maxMomentum', options.maxMomentum ?? 0.95);
      const baseMomentums = this.perGroup('baseMomentum', options.baseMomentum ?? 0.85);
      if (this.lastEpoch === -1) {
        this.groups.forEach((group, i) => {
          this.setMomentum(group, maxMomentums[i]!);
          group.maxMomentum = maxMomentums[i]!;
          group.baseMomentum = baseMomentums[i]!;
        });
      }
    }
    this.initialStep();
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new ValueError(
        'OneCycleLR',
        `Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`,
      );
    }
    return this.groups.map((group) => {
      let startStep = 0;
      let lr = group.lr;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i]!;
        if (stepNum <= phase.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - startStep) / (phase.endStep - startStep);
          lr = this.anneal(group[phase.startLr] as number, group[phase.endLr] as number, pct);
          if (this.cycleMomentum) {
            const momentum = this.anneal(
              group[phase.startMomentum] as number,
              group[phase.endMomentum] as number,
              pct,
            );
            this.setMomentum(group, momentum);
          }
          break;
        }
        startStep = phase.endStep;
      }
      return lr;
    });
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  private setMomentum(group: Record<string, unknown>, momentum: number): void {
    if (this.useBeta1) {
      const betas = group.betas as readonly number[];
      group.betas = [momentum, betas[1]!];
    } else group.momentum = momentum;
  }

  private perGroup(name: string, value: number | readonly number[]): number[] {
    const count = this.groups.length;
    if (typeof value === 'number') return new Array<number>(count).fill(value);
    if (value.length !== count)
      throw new ValueError('OneCycleLR', `expected ${count} values for ${name}, got ${value.length}`);
    return [...value];
  }
}
