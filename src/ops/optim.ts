// @file The fused optimizer step on tensors (in place, outside autograd): the one place optim/ reaches the kernels.
import { backend } from '../backend/index.js';
import type { OptimizerUpdate } from '../backend/types.js';
import { NeuriteError, ShapeError, ValueError, fmtShape } from '../errors.js';
import type { FloatArray } from '../tensor/dtype.js';
import { isFloat } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { writeElements } from './inplace.js';

export type {
  AdadeltaUpdate,
  AdagradUpdate,
  AdamUpdate,
  OptimizerKind,
  OptimizerUpdate,
  RMSpropUpdate,
  SGDUpdate,
} from '../backend/types.js';

/** The state tensors `update` takes, in the order the kernels read them (PyTorch's state keys). */
export function optimizerStateKeys(update: OptimizerUpdate): string[] {
  switch (update.kind) {
    case 'sgd':
      return update.momentum !== 0 ? ['momentum_buffer'] : [];
    case 'rmsprop':
      return [
        'square_avg',
        ...(update.centered ? ['grad_avg'] : []),
        ...(update.momentum > 0 ? ['momentum_buffer'] : []),
      ];
    case 'adagrad':
      return ['sum'];
    case 'adadelta':
      return ['square_avg', 'acc_delta'];
    case 'adam':
      return ['exp_avg', 'exp_avg_sq', ...(update.amsgrad ? ['max_exp_avg_sq'] : [])];
  }
}

function checkFloatLike(op: string, name: string, t: Tensor, like: Tensor): void {
  if (!isFloat(t.dtype)) throw new NeuriteError(op, `${name} must be a float tensor, got ${t.dtype}`);
  if (t.numel() !== like.numel())
    throw new ShapeError(
      op,
      `${name} of shape ${fmtShape(t.shape)} does not match param of shape ${fmtShape(like.shape)}`,
    );
}

/**
 * One optimizer step in place: `param` and its `state` tensors (the moments and buffers of `update.kind`, in
 * the order of `optimizerStateKeys(update)`) are updated from `grad` by one fused kernel, with PyTorch's
 * formulas (see the optimizers in src/optim/). Every tensor must be a float tensor of the param's size. Records
 * nothing for autograd: call it under noGrad, as optimizers do.
 */
export function optimizerStep_(
  update: OptimizerUpdate,
  param: Tensor,
  grad: Tensor,
  state: readonly Tensor[],
): void {
  const op = `optimizerStep_(${update.kind})`;
  const keys = optimizerStateKeys(update);
  if (state.length !== keys.length)
    throw new ValueError(
      op,
      `expected ${keys.length} state tensors (${keys.join(', ') || 'none'}), got ${state.length}`,
    );
  checkFloatLike(op, 'param', param, param);
  checkFloatLike(op, 'grad', grad, param);
  state.forEach((s, i) => checkFloatLike(op, keys[i]!, s, param));
  const gradElements = grad.storage as FloatArray;
  let contiguous = param.isContiguous();
  for (let i = 0; i < state.length; i++) contiguous &&= state[i]!.isContiguous();
  if (contiguous) {
    // The usual case, without writeElements' copies: the arrays are the tensors' own elements.
    const stateElements = state.map((s) => s.storage as FloatArray);
    backend().optimizerStep(update, param.storage as FloatArray, gradElements, stateElements);
    param._bumpVersion();
    for (let i = 0; i < state.length; i++) state[i]!._bumpVersion();
    return;
  }
  writeElements(op, [param, ...state], ([paramElements, ...stateElements]) =>
    backend().optimizerStep(update, paramElements as FloatArray, gradElements, stateElements as FloatArray[]),
  );
}
