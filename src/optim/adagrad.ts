// @file optim.Adagrad: per-coordinate learning rates from the running sum of squared gradients.
import { withDefaults } from '../options.js';
import { optimizerStep_ } from '../ops/optim.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  Optimizer,
  checkNonNegative,
  stateLike,
  type ParamGroup,
  type ParamState,
  type ParamsInput,
} from './optimizer.js';

export interface AdagradOptions {
  /** Learning rate γ (default 1e-2). */
  lr: number;
  /** Learning-rate decay η (default 0). */
  lrDecay: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Starting value of the sum of squares (default 0). */
  initialAccumulatorValue: number;
  /** ε added to the denominator (default 1e-10). */
  eps: number;
  /** Maximise the objective instead of minimising it (default false). */
  maximize: boolean;
}

export interface AdagradState extends ParamState {
  /** Number of steps taken for this parameter, t. */
  step: number;
  /** Running sum of squared gradients. */
  sum: Tensor;
}

/**
 * Adagrad (torch.optim.Adagrad): Duchi, Hazan & Singer, "Adaptive Subgradient Methods for Online Learning and
 * Stochastic Optimization", JMLR 2011.
 *
 * ```
 * γ̃ ← γ / (1 + (t − 1)·η)
 * g ← ∇θ (−∇θ with maximize);  g ← g + λθ
 * sum ← sum + g²                      (sum starts at initialAccumulatorValue)
 * θ ← θ − γ̃ · g / (√sum + ε)
 * ```
 *
 * Unlike PyTorch, which creates the state of every parameter in the constructor, the state is created at a
 * parameter's first step (as for every other optimizer); the updates are the same.
 */
export class Adagrad extends Optimizer<AdagradOptions, AdagradState> {
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(
      params,
      withDefaults(new.target.name, options, {
        lr: 1e-2,
        lrDecay: 0,
        weightDecay: 0,
        initialAccumulatorValue: 0,
        eps: 1e-10,
        maximize: false,
      }),
    );
  }

  protected validateOptions(o: AdagradOptions): void {
    checkNonNegative(this.name, 'learning rate', o.lr);
    checkNonNegative(this.name, 'lr_decay value', o.lrDecay);
    checkNonNegative(this.name, 'weight_decay value', o.weightDecay);
    checkNonNegative(this.name, 'initial_accumulator_value value', o.initialAccumulatorValue);
    checkNonNegative(this.name, 'epsilon value', o.eps);
  }

  protected initState(param: Tensor, group: ParamGroup<AdagradOptions>): AdagradState {
    return { step: 0, sum: stateLike(param, group.initialAccumulatorValue) };
  }

  protected updateParam(
    param: Tensor,
    grad: Tensor,
    state: AdagradState,
    group: ParamGroup<AdagradOptions>,
  ): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    const step = ++state.step;
    optimizerStep_({ kind: 'adagrad', step, lr, lrDecay, weightDecay, eps, maximize }, param, grad, [
      state.sum,
    ]);
  }
}
