// @file optim.RMSprop: gradients divided by a running root mean square, optionally centred and with momentum.
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

export interface RMSpropOptions {
  /** Learning rate γ (default 1e-2). */
  lr: number;
  /** Smoothing constant α of the running averages (default 0.99). */
  alpha: number;
  /** ε added to the denominator, outside the square root (default 1e-8). */
  eps: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor μ (default 0). */
  momentum: number;
  /** Normalise by an estimate of the variance instead of the raw second moment (default false). */
  centered: boolean;
  /** Maximise the objective instead of minimising it (default false). */
  maximize: boolean;
}

export interface RMSpropState extends ParamState {
  /** Number of steps taken for this parameter. */
  step: number;
  /** Running average v of squared gradients. */
  square_avg: Tensor;
  /** Momentum buffer b (momentum > 0 only). */
  momentum_buffer?: Tensor;
  /** Running average gₐ of gradients (centered only). */
  grad_avg?: Tensor;
}

/**
 * RMSprop (torch.optim.RMSprop): Hinton, Srivastava & Swersky, "Neural Networks for Machine Learning",
 * lecture 6e (2012); the centred form from Graves, "Generating Sequences With Recurrent Neural Networks",
 * arXiv:1308.0850, 2013. ε is added outside the square root (TensorFlow puts it inside).
 *
 * ```
 * g ← ∇θ (−∇θ with maximize);  g ← g + λθ
 * v ← α·v + (1 − α)·g²;  ṽ ← v
 * centered:  gₐ ← α·gₐ + (1 − α)·g;  ṽ ← v − gₐ²
 * μ > 0:     b ← μ·b + g/(√ṽ + ε);  θ ← θ − γ·b
 * otherwise: θ ← θ − γ·g/(√ṽ + ε)
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropState> {
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(
      params,
      withDefaults(new.target.name, options, {
        lr: 1e-2,
        alpha: 0.99,
        eps: 1e-8,
        weightDecay: 0,
        momentum: 0,
        centered: false,
        maximize: false,
      }),
    );
  }

  protected validateOptions(o: RMSpropOptions): void {
    checkNonNegative(this.name, 'learning rate', o.lr);
    checkNonNegative(this.name, 'epsilon value', o.eps);
    checkNonNegative(this.name, 'momentum value', o.momentum);
    checkNonNegative(this.name, 'weight_decay value', o.weightDecay);
    checkNonNegative(this.name, 'alpha value', o.alpha);
  }

  protected initState(param: Tensor, group: ParamGroup<RMSpropOptions>): RMSpropState {
    const state: RMSpropState = { step: 0, square_avg: stateLike(param) };
    if (group.momentum > 0) state.momentum_buffer = stateLike(param);
    if (group.centered) state.grad_avg = stateLike(param);
    return state;
  }

  protected updateParam(
    param: Tensor,
    grad: Tensor,
    state: RMSpropState,
    group: ParamGroup<RMSpropOptions>,
  ): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    state.step++;
    // Buffers a scheduler's change of options asks for after the first step start at zero, as at init.
    if (momentum > 0 && !state.momentum_buffer) state.momentum_buffer = stateLike(param);
    if (centered && !state.grad_avg) state.grad_avg = stateLike(param);
    const buffers = [state.square_avg];
    if (centered) buffers.push(state.grad_avg!);
    if (momentum > 0) buffers.push(state.momentum_buffer!);
    optimizerStep_(
      { kind: 'rmsprop', lr, alpha, eps, weightDecay, momentum, centered, maximize },
      param,
      grad,
      buffers,
    );
  }
}
