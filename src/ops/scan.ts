// @file Cumulative scans along a dim (cumsum, cumprod), like torch.cumsum and torch.cumprod.
import { record } from '../autograd/node.js';
import { allocate, type DType, type TypedArray } from '../tensor/dtype.js';
import { normalizeDim, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { flip } from './shape.js';

/** The (outer, length, inner) split of `shape` around `axis`: element (o, i, k) is at (o·length + i)·inner + k. */
function lines(shape: Shape, axis: number): { outer: number; length: number; inner: number } {
  if (shape.length === 0) return { outer: 1, length: 1, inner: 1 };
  let outer = 1;
  let inner = 1;
  for (let k = 0; k < axis; k++) outer *= shape[k]!;
  for (let k = axis + 1; k < shape.length; k++) inner *= shape[k]!;
  return { outer, length: shape[axis]!, inner };
}

/** Bools scan as int32 (PyTorch: int64); other dtypes keep theirs. */
function scanDType(dtype: DType): DType {
  return dtype === 'bool' ? 'int32' : dtype;
}

/** Runs the running sum or product of x along `axis` into a new array of `dtype`. */
function scanKernel(kind: 'sum' | 'prod', x: Tensor, axis: number, dtype: DType): TypedArray {
  const { outer, length, inner } = lines(x.shape, axis);
  const src = x.storage;
  const out = allocate(dtype, src.length);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      const start = o * length * inner + k;
      let acc = kind === 'sum' ? 0 : 1;
      for (let i = 0; i < length; i++) {
        const at = start + i * inner;
        acc = kind === 'sum' ? acc + src[at]! : acc * src[at]!;
        out[at] = acc;
      }
    }
  }
  return out;
}

/**
 * The running sum along `dim`: out[…, i, …] = Σ_{j ≤ i} x[…, j, …] (torch.cumsum). Bools sum to int32.
 * ∂x_j = Σ_{i ≥ j} g_i, the reversed running sum of g.
 * @throws ValueError naming cumsum when `dim` is out of range.
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  const axis = normalizeDim('cumsum', dim, x.ndim);
  const dtype = scanDType(x.dtype);
  const out = new Tensor(scanKernel('sum', x, axis, dtype), x.shape, dtype);
  const reversed = x.ndim === 0 ? [] : [axis];
  return record(out, 'cumsum', [x], (g) => [
    reversed.length === 0 ? g : flip(cumsum(flip(g, reversed), axis), reversed),
  ]);
}

/**
 * ∂ of cumprod along one line, exact with zeros: ∂x_i = P_{i−1}·T_i with P the running product
 * (P_{−1} = 1) and T_i = g_i + x_{i+1}·T_{i+1} (T_{n−1} = g_{n−1}), i.e. Σ_{j ≥ i} g_j·Π_{k ≤ j, k ≠ i} x_k.
 */
function cumprodGrad(x: Tensor, g: Tensor, axis: number): Tensor {
  const { outer, length, inner } = lines(x.shape, axis);
  const xs = x.storage;
  const gs = g.storage;
  const out = allocate(g.dtype, xs.length);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      const start = o * length * inner + k;
      let tail = 0;
      for (let i = length - 1; i >= 0; i--) {
        const at = start + i * inner;
        tail = i === length - 1 ? gs[at]! : gs[at]! + xs[at + inner]! * tail;
        out[at] = tail; // T_i for now; scaled by P_{i−1} below
      }
      let before = 1;
      for (let i = 0; i < length; i++) {
        const at = start + i * inner;
        out[at] = before * out[at]!;
        before *= xs[at]!;
      }
    }
  }
  return new Tensor(out, x.shape, g.dtype);
}

/**
 * The running product along `dim`: out[…, i, …] = Π_{j ≤ i} x[…, j, …] (torch.cumprod). Bools multiply as int32.
 * ∂x_i = Σ_{j ≥ i} g_j·Π_{k ≤ j, k ≠ i} x_k, computed without dividing by x, so zeros get PyTorch's gradient.
 * The gradient is not itself differentiable (no double backward through cumprod).
 * @throws ValueError naming cumprod when `dim` is out of range.
 */
export function cumprod(x: Tensor, dim: number): Tensor {
  const axis = normalizeDim('cumprod', dim, x.ndim);
  const dtype = scanDType(x.dtype);
  const out = new Tensor(scanKernel('prod', x, axis, dtype), x.shape, dtype);
  return record(out, 'cumprod', [x], (g) => [cumprodGrad(x.detach(), g.detach(), axis)]);
}
