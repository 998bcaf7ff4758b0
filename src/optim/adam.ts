// @file optim.Adam: adaptive moment estimation with bias correction, coupled L2 weight decay and AMSGrad.
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  Optimizer,
  checkNonNegative,
  floatStorage,
  formatNumber,
  stateLike,
  type ParamGroup,
  type ParamState,
  type ParamsInput,
} from './optimizer.js';

export interface AdamOptions {
  /** Learning rate γ (default 1e-3). */
  lr: number;
  /** Decay rates (β₁, β₂) of the first and second moment estimates (default [0.9, 0.999]). */
  betas: [number, number];
  /** ε added to the denominator after bias correction (default 1e-8). */
  eps: number;
  /** Weight decay λ: an L2 term added to the gradient for Adam (default 0); decoupled for AdamW (default 1e-2). */
  weightDecay: number;
  /** Use the AMSGrad variant: divide by the running maximum of v (default false). */
  amsgrad: boolean;
  /** Maximise the objective instead of minimising it (default false). */
  maximize: boolean;
}

export interface AdamState extends ParamState {
  /** Number of steps taken for this parameter, t. */
  step: number;
  /** First moment estimate m. */
  exp_avg: Tensor;
  /** Second moment estimate v. */
  exp_avg_sq: Tensor;
  /** max over steps of v (AMSGrad only). */
  max_exp_avg_sq?: Tensor;
}

/**
 * Adam (torch.optim.Adam): Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015; AMSGrad from
 * Reddi et al., "On the Convergence of Adam and Beyond", ICLR 2018.
 *
 * ```
 * g ← ∇θ (−∇θ with maximize);  g ← g + λθ          (coupled L2; AdamW instead does θ ← θ·(1 − γλ))
 * m ← β₁·m + (1 − β₁)·g
 * v ← β₂·v + (1 − β₂)·g²
 * v̂ ← max(v̂, v) with amsgrad, else v
 * θ ← θ − γ/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
 * ```
 *
 * @example
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 */
export class Adam extends Optimizer<AdamOptions, AdamState> {
  /** True for AdamW: weight decay shrinks θ directly instead of being added to the gradient. */
  protected readonly decoupledWeightDecay: boolean = false;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, adamDefaults(options, 0));
  }

  protected validateOptions(o: AdamOptions): void {
    checkNonNegative(this.name, 'learning rate', o.lr);
    checkNonNegative(this.name, 'epsilon value', o.eps);
    if (!Array.isArray(o.betas) || o.betas.length !== 2)
      throw new ValueError(this.name, `betas must be a pair [beta1, beta2], got ${String(o.betas)}`);
    o.betas.forEach((beta, i) => {
      if (!(beta >= 0 && beta < 1))
        throw new ValueError(this.name, `Invalid beta parameter at index ${i}: ${formatNumber(beta)}`);
    });
    checkNonNegative(this.name, 'weight_decay value', o.weightDecay);
  }

  protected initState(param: Tensor, group: ParamGroup<AdamOptions>): AdamState {
    const state: AdamState = { step: 0, exp_avg: stateLike(param), exp_avg_sq: stateLike(param) };
    if (group.amsgrad) state.max_exp_avg_sq = stateLike(param);
    return state;
  }

  protected updateParam(param: Tensor, grad: Tensor, state: AdamState, group: ParamGroup<AdamOptions>): void {
    const { lr, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = group.betas;
    const step = ++state.step;
    const p = floatStorage(param);
    const g = floatStorage(grad);
    const m = floatStorage(state.exp_avg);
    const v = floatStorage(state.exp_avg_sq);
    const n = p.length;
    const sign = maximize ? -1 : 1;
    const decay = this.decoupledWeightDecay ? 1 - lr * weightDecay : 1;
    const l2 = this.decoupledWeightDecay ? 0 : weightDecay;
    const stepSize = lr / (1 - beta1 ** step);
    const bias2Sqrt = Math.sqrt(1 - beta2 ** step);
    if (amsgrad && !state.max_exp_avg_sq) state.max_exp_avg_sq = stateLike(param);
    // decay is 1 for Adam and l2 is 0 for AdamW, so one loop body serves both without a branch.
    if (!amsgrad) {
      for (let i = 0; i < n; i++) {
        const pi = p[i]! * decay;
        const gi = sign * g[i]! + l2 * pi;
        m[i] = beta1 * m[i]! + (1 - beta1) * gi;
        v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
        p[i] = pi - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / bias2Sqrt + eps);
      }
      return;
    }
    const vMax = floatStorage(state.max_exp_avg_sq!);
    for (let i = 0; i < n; i++) {
      const pi = p[i]! * decay;
      const gi = sign * g[i]! + l2 * pi;
      m[i] = beta1 * m[i]! + (1 - beta1) * gi;
      v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
      if (v[i]! > vMax[i]! || Number.isNaN(v[i]!)) vMax[i] = v[i]!; // torch.maximum: NaN propagates
      p[i] = pi - (stepSize * m[i]!) / (Math.sqrt(vMax[i]!) / bias2Sqrt + eps);
    }
  }
}

function adamDefaults(options: Partial<AdamOptions>, weightDecay: number): AdamOptions {
  const betas = options.betas ?? [0.9, 0.999];
  return {
    lr: options.lr ?? 1e-3,
    betas: Array.isArray(betas) ? [betas[0], betas[1]] : betas,
    eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? weightDecay,
    amsgrad: options.amsgrad ?? false,
    maximize: options.maximize ?? false,
  };
}
