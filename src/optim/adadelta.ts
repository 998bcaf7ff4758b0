// @file optim.Adadelta: step sizes from running averages of squared gradients and squared updates.
import { ValueError } from '../errors.js';
import { withDefaults } from '../options.js';
import { optimizerStep_ } from '../ops/optim.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  Optimizer,
  checkNonNegative,
  formatNumber,
  stateLike,
  type ParamGroup,
  type ParamState,
  type ParamsInput,
} from './optimizer.js';

export interface AdadeltaOptions {
  /** Coefficient γ that scales the update (default 1.0). */
  lr: number;
  /** Decay rate ρ of the running averages (default 0.9). */
  rho: number;
  /** ε inside the square roots (default 1e-6). */
  eps: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Maximise the objective instead of minimising it (default false). */
  maximize: boolean;
}

export interface AdadeltaState extends ParamState {
  /** Number of steps taken for this parameter. */
  step: number;
  /** Running average v of squared gradients. */
  square_avg: Tensor;
  /** Running average u of squared updates. */
  acc_delta: Tensor;
}

/**
 * Adadelta (torch.optim.Adadelta): Zeiler, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701, 2012.
 *
 * ```
 * g ← ∇θ (−∇θ with maximize);  g ← g + λθ
 * v ← ρ·v + (1 − ρ)·g²
 * Δ ← √(u + ε) / √(v + ε) · g
 * u ← ρ·u + (1 − ρ)·Δ²
 * θ ← θ − γ·Δ
 * ```
 */
export class Adadelta extends Optimizer<AdadeltaOptions, AdadeltaState> {
  constructor(params: ParamsInput<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    super(
      params,
      withDefaults(new.target.name, options, {
        lr: 1.0,
        rho: 0.9,
        eps: 1e-6,
        weightDecay: 0,
        maximize: false,
      }),
    );
  }

  protected validateOptions(o: AdadeltaOptions): void {
    checkNonNegative(this.name, 'learning rate', o.lr);
    if (!(o.rho >= 0 && o.rho <= 1))
      throw new ValueError(this.name, `Invalid rho value: ${formatNumber(o.rho)}`);
    checkNonNegative(this.name, 'epsilon value', o.eps);
    checkNonNegative(this.name, 'weight_decay value', o.weightDecay);
  }

  protected initState(param: Tensor): AdadeltaState {
    return { step: 0, square_avg: stateLike(param), acc_delta: stateLike(param) };
  }

  protected updateParam(
    param: Tensor,
    grad: Tensor,
    state: AdadeltaState,
    group: ParamGroup<AdadeltaOptions>,
  ): void {
    const { lr, rho, eps, weightDecay, maximize } = group;
    state.step++;
    optimizerStep_({ kind: 'adadelta', lr, rho, eps, weightDecay, maximize }, param, grad, [
      state.square_avg,
      state.acc_delta,
    ]);
  }
}
