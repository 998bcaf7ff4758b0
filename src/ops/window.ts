// @file Windows of a tensor as views: stridedSlice (behind narrow, select, split, unbind, index and pad's crop) and its adjoint embed.
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { allocate } from '../tensor/dtype.js';
import { normalizeDim, numel } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asView, reshape } from './views.js';

/** Whether the window starts·steps·sizes covers all of `shape` in order. */
function isWholeWindow(
  shape: readonly number[],
  starts: readonly number[],
  steps: readonly number[],
  sizes: readonly number[],
): boolean {
  return shape.every((n, d) => sizes[d] === n && (n <= 1 || (starts[d] === 0 && steps[d] === 1)));
}

/**
 * @internal The window x[starts₀ + i₀·steps₀, …] of `sizes` (one entry per dim, already validated, steps > 0),
 * like PyTorch's x[s₀:e₀:k₀, s₁:e₁:k₁, …] (aten::slice on every dim), as one view recorded as `name`: strides
 * times steps, the offset moved to the first element. `keptDims` (default all) drops picked size-1 dims, as
 * select and index do, without a second node. ∂ = g written back into zeros of x's shape (slice_backward).
 */
export function stridedSlice(
  x: Tensor,
  starts: readonly number[],
  steps: readonly number[],
  sizes: readonly number[],
  name = 'slice',
  keptDims?: readonly number[],
): Tensor {
  let offset = x.offset;
  const strides = x.strides;
  const windowStrides = new Array<number>(sizes.length);
  for (let d = 0; d < sizes.length; d++) {
    offset += starts[d]! * strides[d]!;
    windowStrides[d] = strides[d]! * steps[d]!;
  }
  const shape = keptDims ? keptDims.map((d) => sizes[d]!) : sizes;
  const out = asView(x, shape, keptDims ? keptDims.map((d) => windowStrides[d]!) : windowStrides, offset);
  if (isWholeWindow(x.shape, starts, steps, sizes))
    return record(out, name, [x], (g) => [reshape(g, x.shape)]);
  return record(out, name, [x], (g) => [
    embed(reshape(g, sizes), x.shape, starts, steps, 0, `${name}Backward`),
  ]);
}

/**
 * @internal A tensor of `shape` filled with `fill`, with `src` written at the window starts + i·steps: the
 * adjoint of stridedSlice (constant pad is this with unit steps). ∂src = the window of g.
 */
export function embed(
  src: Tensor,
  shape: readonly number[],
  starts: readonly number[],
  steps: readonly number[],
  fill: number,
  name: string,
): Tensor {
  const out = allocate(src.dtype, numel(shape));
  if (fill !== 0) out.fill(fill);
  backend().sliceAssign(src.storage, src.shape, out, shape, starts, steps);
  return record(new Tensor(out, shape, src.dtype), name, [src], (g) => [
    stridedSlice(g, starts, steps, src.shape, name),
  ]);
}

/** @internal x[…, index, …] along dim `d` (already normalized and checked), the dim removed: a view. */
export function selectView(x: Tensor, d: number, index: number, name: string): Tensor {
  return stridedSlice(
    x,
    x.shape.map((_, k) => (k === d ? index : 0)),
    x.shape.map(() => 1),
    x.shape.map((n, k) => (k === d ? 1 : n)),
    name,
    x.shape.map((_, k) => k).filter((k) => k !== d),
  );
}

/**
 * Elements start … start+length−1 along `dim`; a negative start counts from the end (torch.narrow). A view;
 * ∂ = g put back in place, zeros elsewhere.
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  if (x.ndim === 0) throw new ShapeError('narrow', 'cannot narrow a zero-dimensional tensor');
  const d = normalizeDim('narrow', dim, x.ndim);
  const size = x.shape[d]!;
  if (!Number.isInteger(start) || start < -size || start > size)
    throw new ValueError(
      'narrow',
      `start ${start} is out of bounds for dim ${d} with size ${size} (expected ${-size} to ${size})`,
    );
  const from = start < 0 ? start + size : start;
  if (!Number.isInteger(length) || length < 0 || from + length > size)
    throw new ValueError(
      'narrow',
      `start (${from}) + length (${length}) exceeds the size ${size} of dim ${d} (shape ${fmtShape(x.shape)})`,
    );
  return stridedSlice(
    x,
    x.shape.map((_, k) => (k === d ? from : 0)),
    x.shape.map(() => 1),
    x.shape.map((n, k) => (k === d ? length : n)),
    'narrow',
  );
}
