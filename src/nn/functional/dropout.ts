// @file dropout: zeroes random elements with probability p and scales the survivors by 1/(1 − p) (F.dropout).
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { bernoulli_, mul, mul_ } from '../../ops/index.js';
import { defaultGenerator, type Generator } from '../../random/generator.js';
import { zeros } from '../../tensor/create.js';
import { isFloat, type DType } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';

/** Throws unless p is a probability; `op` names the caller in the message. */
export function checkDropoutProbability(op: string, p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new ValueError(op, `dropout probability has to be between 0 and 1, but got ${String(p)}`);
  }
}

/** m/(1 − p) with m ~ Bernoulli(1 − p) per element (all zeros for p = 1), the mask both dropouts multiply by. */
function keepMask(shape: readonly number[], dtype: DType, p: number, generator: Generator): Tensor {
  const mask = bernoulli_(zeros(shape, { dtype }), 1 - p, generator);
  return p === 1 ? mask : mul_(mask, 1 / (1 - p));
}

/**
 * Inverted dropout (torch.nn.functional.dropout): in training, y = x·m/(1 − p) with m ~ Bernoulli(1 − p) drawn
 * per element from the seeded generator, so E[y] = x; with `training` false (or p = 0) it returns x itself.
 * p = 1 gives zeros. ∂y/∂x = m/(1 − p).
 * @throws ValueError when p is outside [0, 1]; DTypeError for a non-float input.
 */
export function dropout(
  x: Tensor,
  p = 0.5,
  training = true,
  generator: Generator = defaultGenerator,
): Tensor {
  checkDropoutProbability('dropout', p);
  if (!isFloat(x.dtype))
    throw new DTypeError('dropout', `expected a floating-point input, got dtype ${x.dtype}`);
  if (!training || p === 0) return x;
  return mul(x, keepMask(x.shape, x.dtype, p, generator));
}

/**
 * Channel dropout (torch.nn.functional.dropout2d; Tompson et al., 2015): in training, each whole channel
 * x[n, c] of an [N, C, H, W] input (or x[c] of an unbatched [C, H, W] one) is zeroed with probability p and
 * the kept channels are scaled by 1/(1 − p); one Bernoulli draw per channel from the seeded generator.
 * Identity when `training` is false or p = 0. ∂y/∂x = the same per-channel mask.
 * (PyTorch 1.13 still reads a 3-D input as [N, C, L] with a deprecation warning; this follows the
 * documented [C, H, W] meaning.)
 * @throws ValueError when p is outside [0, 1]; ShapeError for inputs that are not 3-D or 4-D.
 */
export function dropout2d(
  x: Tensor,
  p = 0.5,
  training = true,
  generator: Generator = defaultGenerator,
): Tensor {
  checkDropoutProbability('dropout2d', p);
  if (!isFloat(x.dtype))
    throw new DTypeError('dropout2d', `expected a floating-point input, got dtype ${x.dtype}`);
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new ShapeError(
      'dropout2d',
      `expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got shape ${fmtShape(x.shape)}`,
    );
  }
  if (!training || p === 0) return x;
  return mul(x, keepMask([...x.shape.slice(0, -2), 1, 1], x.dtype, p, generator));
}
