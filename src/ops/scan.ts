// @file Cumulative scans along a dim (cumsum, cumprod), like torch.cumsum and torch.cumprod.
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import { allocate, type DType } from '../tensor/dtype.js';
import { normalizeDim, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { flip } from './shape.js';

/** The [outer, size, inner] view of `shape` around `axis` (a 0-d tensor is one line of one element). */
function aroundAxis(shape: Shape, axis: number): [number, number, number] {
  if (shape.length === 0) return [1, 1, 1];
  let outer = 1;
  let inner = 1;
  for (let k = 0; k < axis; k++) outer *= shape[k]!;
  for (let k = axis + 1; k < shape.length; k++) inner *= shape[k]!;
  return [outer, shape[axis]!, inner];
}

/** Runs the scan kernel; bools scan as int32 (PyTorch: int64), other dtypes keep theirs. */
function runScan(op: 'sum' | 'prod', x: Tensor, axis: number): Tensor {
  const dtype: DType = x.dtype === 'bool' ? 'int32' : x.dtype;
  const out = allocate(dtype, x.numel());
  backend().scan(op, x.storage, ...aroundAxis(x.shape, axis), out);
  return new Tensor(out, x.shape, dtype);
}

/**
 * The running sum along `dim`: out[…, i, …] = Σ_{j ≤ i} x[…, j, …] (torch.cumsum). Bools sum to int32.
 * ∂x_j = Σ_{i ≥ j} g_i, the reversed running sum of g (differentiable again).
 * @throws ValueError naming cumsum when `dim` is out of range.
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  const axis = normalizeDim('cumsum', dim, x.ndim);
  const reversed = x.ndim === 0 ? [] : [axis];
  return record(runScan('sum', x, axis), 'cumsum', [x], (g) => [
    reversed.length === 0 ? g : flip(cumsum(flip(g, reversed), axis), reversed),
  ]);
}

/**
 * The running product along `dim`: out[…, i, …] = Π_{j ≤ i} x[…, j, …] (torch.cumprod). Bools multiply as int32.
 * ∂x_i = Σ_{j ≥ i} g_j·Π_{k ≤ j, k ≠ i} x_k, by PyTorch's algorithm: (Σ_{j ≥ i} g_j·out_j)/x_i before a line's
 * first zero, the product form at that zero and 0 after it, so zeros, ±inf and NaN get PyTorch's gradients.
 * The gradient is not itself differentiable (no double backward through cumprod).
 * @throws ValueError naming cumprod when `dim` is out of range.
 */
export function cumprod(x: Tensor, dim: number): Tensor {
  const axis = normalizeDim('cumprod', dim, x.ndim);
  const out = runScan('prod', x, axis);
  return record(out, 'cumprod', [x], (g) => {
    const grad = allocate(g.dtype, x.numel());
    backend().cumprodGrad(x.storage, out.storage, g.storage, ...aroundAxis(x.shape, axis), grad);
    return [new Tensor(grad, x.shape, g.dtype)];
  });
}
