// @file optim.Adam: adaptive moment estimation with bias correction, coupled L2 weight decay and AMSGrad.
import { ValueError } from '../errors.js';
import { withDefaults } from '../options.js';
import type { Tensor } from '../tensor/tensor.js';
import { optimizerStep_ } from '../ops/optim.js';
import {
  Optimizer,
  checkNonNegative,
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
  /** The weight decay when none is given: 0 for Adam, 1e-2 for AdamW. */
  protected static readonly defaultWeightDecay: number = 0;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, adamDefaults(new.target.name, options, (new.target as typeof Adam).defaultWeightDecay));
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
    if (amsgrad && !state.max_exp_avg_sq) state.max_exp_avg_sq = stateLike(param);
    const moments = [state.exp_avg, state.exp_avg_sq];
    if (amsgrad) moments.push(state.max_exp_avg_sq!);
    // One fused kernel per parameter (ops/optim.ts): float64 in js, float32 SIMD in wasm for large tensors.
    const decoupled = this.decoupledWeightDecay;
    optimizerStep_(
      { kind: 'adam', step, lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, maximize },
      param,
      grad,
      moments,
    );
  }
}

/** Adam's options with PyTorch's defaults, weight decay `weightDecay` unless given. */
function adamDefaults(
  op: string,
  options: Partial<AdamOptions> | undefined,
  weightDecay: number,
): AdamOptions {
  const full = withDefaults<AdamOptions>(op, options, {
    lr: 1e-3,
    betas: [0.9, 0.999],
    eps: 1e-8,
    weightDecay,
    amsgrad: false,
    maximize: false,
  });
  const betas = full.betas;
  return { ...full, betas: Array.isArray(betas) ? [betas[0], betas[1]] : betas };
}
