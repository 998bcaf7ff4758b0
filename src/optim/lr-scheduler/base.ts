// @file The lr-scheduler base classes: the optimizer link, initialLr, lastEpoch, getLastLr and state dicts.
import { NeuriteError } from '../../errors.js';
import {
  copyPlain,
  type Optimizer,
  type OptimizerOptions,
  type ParamGroup,
  type ParamState,
} from '../optimizer.js';

/** Any optimizer, as schedulers see it: groups with an `lr` they may change. */
export type AnyOptimizer = Optimizer<OptimizerOptions, ParamState>;

/** A scheduler's snapshot: its own fields (not the optimizer), as plain JSON-compatible data. */
export type SchedulerStateDict = Record<string, unknown>;

/**
 * What every scheduler has (the common base of LRScheduler and ReduceLROnPlateau): the optimizer it drives,
 * the epoch counter, the last learning rates it set, and state dicts. `StepArgs` are the arguments of `step`:
 * none for the epoch-based schedulers, the monitored metric for ReduceLROnPlateau.
 */
export abstract class SchedulerBase<StepArgs extends unknown[] = []> {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: AnyOptimizer;
  /** The number of the last epoch (or batch) seen; −1 before the first step. */
  lastEpoch: number;
  protected lastLr: number[] = [];

  constructor(optimizer: AnyOptimizer, lastEpoch: number) {
    this.optimizer = optimizer;
    this.lastEpoch = lastEpoch;
  }

  /** Advances the schedule and writes the new learning rates into the optimizer's groups. */
  abstract step(...args: StepArgs): void;

  /** The learning rates, one per group, set by the last step (torch's `get_last_lr()`). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The groups of the optimizer, typed for reading and writing lr and the other scheduled options. */
  protected get groups(): ParamGroup[] {
    return this.optimizer.paramGroups;
  }

  /**
   * Every field of this scheduler except the optimizer, deep-copied (torch's `state_dict()`, which is
   * `__dict__` minus the optimizer). The result is JSON-serialisable.
   */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [key, value] of Object.entries(this)) {
      if (key === 'optimizer' || typeof value === 'function') continue;
      out[key] = copyPlain(value);
    }
    return out;
  }

  /** Restores fields saved by stateDict() (torch's `load_state_dict`, an update of `__dict__`). */
  loadStateDict(stateDict: SchedulerStateDict): void {
    for (const [key, value] of Object.entries(stateDict)) {
      if (key === 'optimizer') continue;
      (this as Record<string, unknown>)[key] = copyPlain(value);
    }
  }
}

/**
 * Base class of the epoch-based schedulers (torch.optim.lr_scheduler.LRScheduler). Constructing one stores
 * each group's starting lr as `initialLr` (unless already there) and performs the first step, which sets the
 * lr for epoch 0.
 *
 * A subclass implements `getLr()` (the chainable form: new lrs from the groups' current ones) and optionally
 * `closedFormLr()` (lrs as a function of `lastEpoch`, used when SequentialLR restarts it); it assigns its own
 * fields and then calls `this.initialStep()` at the end of its constructor (PyTorch's base `__init__` does
 * this, but JavaScript runs a subclass's field initialisers only after `super()` returns).
 *
 * Call `scheduler.step()` after `optimizer.step()`, once per epoch (or per batch for OneCycleLR).
 */
export abstract class LRScheduler extends SchedulerBase<[]> {
  /** The groups' initial learning rates. */
  baseLrs: number[];
  protected stepCount = 0;

  constructor(optimizer: AnyOptimizer, lastEpoch = -1) {
    super(optimizer, lastEpoch);
    if (lastEpoch === -1) {
      for (const group of this.groups) if (group.initialLr === undefined) group.initialLr = group.lr;
    } else {
      this.groups.forEach((group, i) => {
        if (group.initialLr === undefined) {
          throw new NeuriteError(
            this.constructor.name,
            `param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer`,
          );
        }
      });
    }
    this.baseLrs = this.groups.map((group) => group.initialLr as number);
  }

  /** The learning rates for `lastEpoch`, computed from the groups' current ones (torch's `get_lr`). */
  protected abstract getLr(): number[];

  /** The learning rates for `lastEpoch` from `baseLrs` alone (torch's `_get_closed_form_lr`), where one exists. */
  protected closedFormLr?(): number[];

  /** Resets the step counters and performs the step for epoch 0; subclasses call it last in their constructor. */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    this.apply(this.getLr());
  }

  /**
   * @internal Jumps to `epoch` (torch's deprecated `step(epoch)`), using the closed form when there is one;
   * SequentialLR uses it to restart a scheduler at a milestone.
   */
  stepToEpoch(epoch: number): void {
    this.stepCount++;
    this.lastEpoch = epoch;
    this.apply(this.closedFormLr ? this.closedFormLr() : this.getLr());
  }

  private apply(lrs: number[]): void {
    this.groups.forEach((group, i) => {
      const lr = lrs[i];
      if (lr !== undefined) group.lr = lr;
    });
    this.lastLr = this.groups.map((group) => group.lr);
  }
}

/** Python's `a % b` (the result has the sign of b). */
export function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Python's bisect.bisect_right: the number of sorted values ≤ x. */
export function bisectRight(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < sorted[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
