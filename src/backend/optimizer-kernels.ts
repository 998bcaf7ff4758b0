// @file The fused optimizer step of the kernel interface: the update scalars per optimizer family and Backend.optimizerStep.
import type { FloatArray } from '../tensor/dtype.js';

/**
 * The scalars of one fused optimizer step (Backend.optimizerStep), by optimizer family: each is the family's
 * torch.optim options, plus what the step needs to know about its state. `maximize` negates the gradient first;
 * `weightDecay` adds the L2 term λθ to it (AdamW's `decoupled` instead shrinks θ by 1 − γλ).
 */
export type OptimizerUpdate = SGDUpdate | RMSpropUpdate | AdagradUpdate | AdadeltaUpdate | AdamUpdate;

/** The optimizer families Backend.optimizerStep serves. */
export type OptimizerKind = OptimizerUpdate['kind'];

/** SGD; state `[momentumBuffer]` when momentum ≠ 0, else `[]`. */
export interface SGDUpdate {
  readonly kind: 'sgd';
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;
  /** The momentum buffer was just created: b ← g this step (no momentum, no dampening), as PyTorch does. */
  readonly freshBuffer: boolean;
}

/** RMSprop; state `[squareAvg, gradAvg (centered only), momentumBuffer (momentum > 0 only)]`. */
export interface RMSpropUpdate {
  readonly kind: 'rmsprop';
  readonly lr: number;
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly maximize: boolean;
}

/** Adagrad at step t (from 1); state `[sum]`. */
export interface AdagradUpdate {
  readonly kind: 'adagrad';
  readonly step: number;
  readonly lr: number;
  readonly lrDecay: number;
  readonly weightDecay: number;
  readonly eps: number;
  readonly maximize: boolean;
}

/** Adadelta; state `[squareAvg, accDelta]`. */
export interface AdadeltaUpdate {
  readonly kind: 'adadelta';
  readonly lr: number;
  readonly rho: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly maximize: boolean;
}

/**
 * Adam/AdamW at step t (from 1); state `[expAvg, expAvgSq, maxExpAvgSq (amsgrad only)]`. `decoupled` selects
 * AdamW's θ ← θ·(1 − γλ) instead of the coupled L2 term g + λθ.
 */
export interface AdamUpdate {
  readonly kind: 'adam';
  readonly step: number;
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  readonly amsgrad: boolean;
  readonly maximize: boolean;
}

/** The optimizer kernel of a Backend. */
export interface OptimizerKernels {
  /**
   * One optimizer step in place over arrays of the same length (torch.optim's `step` for one parameter):
   * `param` and the `state` arrays (the moments and buffers of `update.kind`, in the order its type lists) are
   * updated from `grad`. One entry serves every family; the formulas are PyTorch's, in its order of operations
   * (see src/optim/*.ts and src/backend/js/optim.ts).
   */
  optimizerStep(
    update: OptimizerUpdate,
    param: FloatArray,
    grad: FloatArray,
    state: readonly FloatArray[],
  ): void;
}
