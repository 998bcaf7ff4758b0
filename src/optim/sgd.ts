// @file optim.SGD: stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay.
import { ValueError } from '../errors.js';
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

export interface SGDOptions {
  /** Learning rate γ (default 1e-3). */
  lr: number;
  /** Momentum factor μ (default 0: plain SGD). */
  momentum: number;
  /** Dampening τ of the momentum (default 0). */
  dampening: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** Maximise the objective instead of minimising it (default false). */
  maximize: boolean;
}

export interface SGDState extends ParamState {
  /** The momentum buffer b, present once a step ran with momentum ≠ 0. */
  momentum_buffer?: Tensor;
}

/**
 * Stochastic gradient descent (torch.optim.SGD), optionally with momentum (Polyak, 1964; Sutskever et al.,
 * "On the importance of initialization and momentum in deep learning", ICML 2013, for the Nesterov form):
 *
 * ```
 * g ← ∇θ (−∇θ with maximize);  g ← g + λθ
 * if μ ≠ 0:  b ← g on the first step, else b ← μ·b + (1 − τ)·g
 *            g ← g + μ·b (nesterov) or g ← b
 * θ ← θ − γ·g
 * ```
 *
 * @example
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super(
      params,
      withDefaults(new.target.name, options, {
        lr: 1e-3,
        momentum: 0,
        dampening: 0,
        weightDecay: 0,
        nesterov: false,
        maximize: false,
      }),
    );
  }

  protected validateOptions(o: SGDOptions): void {
    checkNonNegative(this.name, 'learning rate', o.lr);
    checkNonNegative(this.name, 'momentum value', o.momentum);
    checkNonNegative(this.name, 'weight_decay value', o.weightDecay);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0))
      throw new ValueError(this.name, 'Nesterov momentum requires a momentum and zero dampening');
  }

  protected initState(): SGDState {
    return {};
  }

  protected updateParam(param: Tensor, grad: Tensor, state: SGDState, group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    const freshBuffer = momentum !== 0 && state.momentum_buffer === undefined;
    if (freshBuffer) state.momentum_buffer = stateLike(param);
    optimizerStep_(
      { kind: 'sgd', lr, momentum, dampening, weightDecay, nesterov, maximize, freshBuffer },
      param,
      grad,
      momentum !== 0 ? [state.momentum_buffer!] : [],
    );
  }
}
