// @file Gradient clipping: clipGradNorm_ and clipGradValue_ (torch.nn.utils.clip_grad_norm_, clip_grad_value_).
import { ValueError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or ±Infinity instead of scaling by it (default false). */
  errorIfNonfinite?: boolean;
}

/**
 * Rescales the gradients of `parameters` in place so that their total norm, taken as if they were one
 * concatenated vector, is at most `maxNorm` (torch.nn.utils.clip_grad_norm_):
 *
 * ```
 * N = ‖(‖g₁‖_p, …, ‖gₖ‖_p)‖_p         (p = normType; Infinity for the max norm)
 * gᵢ ← gᵢ · min(1, maxNorm / (N + 1e-6))
 * ```
 *
 * Parameters without a gradient are ignored. Returns the total norm N before clipping as a plain number
 * (PyTorch returns a 0-d tensor so that GPU code need not synchronise; on the CPU a number is simpler —
 * `clipGradNorm_(…)` here is `clip_grad_norm_(…).item()` there). It is 0 when no parameter has a gradient.
 *
 * @example
 * loss.backward();
 * nn.utils.clipGradNorm_(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType = 2,
  options: ClipGradNormOptions = {},
): number {
  const grads = gradsOf(parameters);
  if (grads.length === 0) return 0;
  const totalNorm = pNorm(
    grads.map((g) => pNorm(g.storage, normType)),
    normType,
  );
  if (options.errorIfNonfinite && !Number.isFinite(totalNorm)) {
    throw new ValueError(
      'clipGradNorm_',
      `The total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be ` +
        'clipped. To disable this error and scale the gradients by the non-finite norm anyway, set ' +
        '`errorIfNonfinite: false`',
    );
  }
  // Like PyTorch, the gradients are multiplied even when the factor is 1 (so a NaN norm spreads NaN).
  const scale = Math.min(maxNorm / (totalNorm + 1e-6), 1);
  for (const g of grads) {
    const data = g.storage;
    for (let i = 0; i < data.length; i++) data[i] = data[i]! * scale;
  }
  return totalNorm;
}

/**
 * Clamps every gradient element of `parameters` into [−clipValue, clipValue], in place
 * (torch.nn.utils.clip_grad_value_). Parameters without a gradient are ignored.
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  for (const g of gradsOf(parameters)) {
    const data = g.storage;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v > clipValue) data[i] = clipValue;
      else if (v < -clipValue) data[i] = -clipValue;
    }
  }
}

function gradsOf(parameters: Tensor | Iterable<Tensor>): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  return list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

/** The p-norm of `values` as torch.norm computes it: max |x| for ∞, min |x| for −∞, the count of non-zeros for 0. */
function pNorm(values: ArrayLike<number>, p: number): number {
  const n = values.length;
  if (p === Infinity || p === -Infinity) {
    let best = p === Infinity ? 0 : Infinity;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(values[i]!);
      if (Number.isNaN(a)) return NaN;
      best = p === Infinity ? Math.max(best, a) : Math.min(best, a);
    }
    return best;
  }
  if (p === 0) {
    let count = 0;
    for (let i = 0; i < n; i++) if (values[i] !== 0) count++;
    return count;
  }
  let sum = 0;
  if (p === 2) for (let i = 0; i < n; i++) sum += values[i]! * values[i]!;
  else if (p === 1) for (let i = 0; i < n; i++) sum += Math.abs(values[i]!);
  else for (let i = 0; i < n; i++) sum += Math.abs(values[i]!) ** p;
  return p === 1 ? sum : sum ** (1 / p);
}
