// @file Gradient clipping: clipGradNorm_ and clipGradValue_ (torch.nn.utils.clip_grad_norm_, clip_grad_value_).
import { noGrad } from '../../autograd/grad-mode.js';
import { ValueError } from '../../errors.js';
import { abs, amax, amin, clamp_, mul_, ne, norm, pow, stack, sum } from '../../ops/index.js';
import { full, zeros } from '../../tensor/create.js';
import { isFloat } from '../../tensor/dtype.js';
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
  const totalNorm = noGrad(() =>
    vectorNorm(stack(grads.map((g) => vectorNorm(g, normType).double())), normType).item(),
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
  noGrad(() => grads.forEach((g) => mul_(g, scale)));
  return totalNorm;
}

/**
 * Clamps every gradient element of `parameters` into [−clipValue, clipValue], in place
 * (torch.nn.utils.clip_grad_value_). Parameters without a gradient are ignored.
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  noGrad(() => gradsOf(parameters).forEach((g) => clamp_(g, -clipValue, clipValue)));
}

function gradsOf(parameters: Tensor | Iterable<Tensor>): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  return list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

/**
 * The p-norm of all of `x`'s elements as a 0-d tensor, as torch.linalg.vector_norm computes it: max |x| for ∞
 * (0 when empty), min |x| for −∞ (∞ when empty), the count of non-zeros for 0, (Σ|x|^p)^{1/p} otherwise.
 */
function vectorNorm(x: Tensor, p: number): Tensor {
  if (p === 0) return sum(ne(x, 0)).to(isFloat(x.dtype) ? x.dtype : 'float32');
  if (p === Infinity) return x.numel() === 0 ? zeros([], { dtype: x.dtype }) : amax(abs(x));
  if (p === -Infinity) return x.numel() === 0 ? full([], Infinity, { dtype: x.dtype }) : amin(abs(x));
  return p > 0 ? norm(x, p) : pow(sum(pow(abs(x), p)), 1 / p);
}
