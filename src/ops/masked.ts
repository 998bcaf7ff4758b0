// @file maskedFill (torch.masked_fill): a value written where a bool mask is true, with PyTorch's broadcasting.
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { allocate, int32Element, type DType, type TypedArray } from '../tensor/dtype.js';
import { hostValues } from '../tensor/host-gate.js';
import { broadcastShapes, numel } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { where } from './elementwise.js';
import { sum } from './reduce.js';

/** A maskedFill value (a number or a 0-d tensor) as one element of `dtype`, checked for int32 overflow. */
export function fillElement(op: string, dtype: DType, value: number | Tensor): TypedArray {
  let v: number;
  if (value instanceof Tensor) {
    if (value.ndim !== 0) {
      throw new ShapeError(
        op,
        `only a 0-dimensional value tensor is supported, got a value of shape ${fmtShape(value.shape)}`,
      );
    }
    v = hostValues(value.storage, op)[0]!;
  } else v = value;
  const fill = allocate(dtype, 1);
  fill[0] = dtype === 'bool' ? Number(v !== 0) : dtype === 'int32' ? int32Element(op, v) : v;
  return fill;
}

/** Checks that a mask is a bool tensor. */
export function checkMask(op: string, mask: Tensor): void {
  if (mask.dtype !== 'bool') throw new DTypeError(op, `mask must be a bool tensor, got dtype ${mask.dtype}`);
}

/**
 * x with `value` where `mask` (bool) is true (torch.masked_fill): out = where(mask, value, x). Mask and x
 * broadcast together, as in PyTorch's out-of-place form, so a mask with more dims than x widens the result.
 * `value` is a number or a 0-d tensor, converted to x's dtype (truncated for int32; an int32 overflow is an
 * error). ∂x = g where the mask is false, 0 where it is true (summed back to x's shape); ∂value = Σ g where
 * the mask is true.
 * @throws ShapeError when the shapes do not broadcast or the value tensor is not 0-d; DTypeError for a non-bool mask.
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  checkMask('maskedFill', mask);
  const shape = broadcastShapes('maskedFill', x.shape, mask.shape);
  const fill = fillElement('maskedFill', x.dtype, value);
  const out = allocate(x.dtype, numel(shape));
  backend().where(mask.storage, mask.shape, fill, [], x.storage, x.shape, out, shape);
  const inputs = value instanceof Tensor ? [x, value] : [x];
  return record(new Tensor(out, shape, x.dtype), 'maskedFill', inputs, (g) => [
    x.requiresGrad ? where(mask, 0, g) : null,
    value instanceof Tensor && value.requiresGrad ? valueGrad(sum(where(mask, g, 0)), value.dtype) : null,
  ]);
}

/** The value's gradient in the value's dtype (converted only when x's differs). */
function valueGrad(g: Tensor, dtype: DType): Tensor {
  return g.dtype === dtype ? g : g.to(dtype);
}
