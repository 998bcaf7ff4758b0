// @file Fused optimizer updates on tensors (in place, outside autograd): the one place optim/ reaches the kernels.
import { backend } from '../backend/index.js';
import type { AdamHyper } from '../backend/types.js';
import { NeuriteError, ShapeError, fmtShape } from '../errors.js';
import type { FloatArray } from '../tensor/dtype.js';
import { isFloat } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

/** The scalars of one Adam/AdamW step (see backend AdamHyper). */
export type AdamStepOptions = AdamHyper;

function floatArrayOf(op: string, name: string, t: Tensor, like: Tensor): FloatArray {
  if (!isFloat(t.dtype)) throw new NeuriteError(op, `${name} must be a float tensor, got ${t.dtype}`);
  if (t.numel() !== like.numel())
    throw new ShapeError(
      op,
      `${name} of shape ${fmtShape(t.shape)} does not match param of shape ${fmtShape(like.shape)}`,
    );
  return t.storage as FloatArray;
}

/**
 * One Adam/AdamW step in place on contiguous tensors of the param's size: param, expAvg, expAvgSq and (with
 * amsgrad) maxExpAvgSq are updated from grad by one fused kernel. Records nothing for autograd: call it under
 * noGrad, as optimizers do.
 */
export function adamStep_(
  param: Tensor,
  grad: Tensor,
  expAvg: Tensor,
  expAvgSq: Tensor,
  maxExpAvgSq: Tensor | null,
  options: AdamStepOptions,
): void {
  const op = 'adamStep_';
  backend().adamUpdate(
    floatArrayOf(op, 'param', param, param),
    floatArrayOf(op, 'grad', grad, param),
    floatArrayOf(op, 'expAvg', expAvg, param),
    floatArrayOf(op, 'expAvgSq', expAvgSq, param),
    options.amsgrad && maxExpAvgSq ? floatArrayOf(op, 'maxExpAvgSq', maxExpAvgSq, param) : null,
    options,
  );
}
