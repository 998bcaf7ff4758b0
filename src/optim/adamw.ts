// @file optim.AdamW: Adam with decoupled weight decay (Loshchilov & Hutter).
import { Adam } from './adam.js';

/**
 * AdamW (torch.optim.AdamW): Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019. The
 * weight decay shrinks the parameters directly instead of entering the gradient, and defaults to 1e-2:
 *
 * ```
 * θ ← θ·(1 − γλ)
 * m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²;   v̂ ← max(v̂, v) with amsgrad, else v
 * θ ← θ − γ/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
 * ```
 *
 * State and options are those of Adam (`exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`, `step`).
 *
 * @example
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 */
export class AdamW extends Adam {
  protected override readonly decoupledWeightDecay: boolean = true;
  protected static override readonly defaultWeightDecay: number = 1e-2;
}
