// @file Reductions (sum, mean, prod, max, min, argmax, argmin, var, std, logsumexp, norm) and sumTo.
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import { ShapeError, fmtShape } from '../errors.js';
import { allocate, floatResult, type DType } from '../tensor/dtype.js';
import { normalizeDims, numel, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { div, mul } from './elementwise.js';
import { expand, reshape } from './shape.js';

/** The result of max/min along a dim: the extreme values and their int32 indices. */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

/** Options of var/std: `correction` (Bessel's, default 1) and `keepdim`. */
export interface VarOptions {
  correction?: number;
  keepdim?: boolean;
}

/** The shape after reducing `axes`, keeping them as size-1 dims when `keepdim`. */
export function reducedShape(shape: Shape, axes: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Runs a reduce kernel over `axes`; the result dtype is `dtype`. */
export function reduceKernel(
  op: 'sum' | 'prod' | 'max' | 'min',
  x: Tensor,
  axes: readonly number[],
  keepdim: boolean,
  dtype: DType,
): Tensor {
  const shape = reducedShape(x.shape, axes, keepdim);
  const out = allocate(dtype, numel(shape));
  backend().reduce(op, x.storage, x.shape, axes, out);
  return new Tensor(out, shape, dtype);
}

/** Gives a reduced gradient back its reduced dims as size-1 dims so it broadcasts over the input. */
export function unreduce(g: Tensor, inputShape: Shape, axes: readonly number[], keepdim: boolean): Tensor {
  return keepdim ? g : reshape(g, reducedShape(inputShape, axes, true));
}

/** Σ over `dim` (all dims when omitted). ∂ = g broadcast back over the summed dims. Bools and ints sum to int32. */
export function sum(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  const axes = normalizeDims('sum', dim, x.ndim);
  const dtype = x.dtype === 'bool' ? 'int32' : x.dtype;
  return record(reduceKernel('sum', x, axes, keepdim, dtype), 'sum', [x], (g) => [
    expand(unreduce(g, x.shape, axes, keepdim), x.shape),
  ]);
}

/** Arithmetic mean over `dim` (all dims when omitted); ∂ = g/n broadcast back. */
export function mean(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  const axes = normalizeDims('mean', dim, x.ndim);
  const count = axes.reduce((p, a) => p * x.shape[a]!, 1);
  const total = reduceKernel('sum', x, axes, keepdim, floatResult(x.dtype));
  const out = div(total, count).detach();
  return record(out, 'mean', [x], (g) => [expand(unreduce(div(g, count), x.shape, axes, keepdim), x.shape)]);
}

/**
 * Sums a broadcast gradient back to `shape` (the inverse of broadcasting): leading dims are summed away and
 * dims that were 1 are summed with keepdim.
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  const lead = g.ndim - shape.length;
  if (lead < 0)
    throw new ShapeError(
      'sumTo',
      `cannot sum shape ${fmtShape(g.shape)} to the larger shape ${fmtShape(shape)}`,
    );
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead) axes.push(i);
    else if (shape[i - lead] === 1 && g.shape[i] !== 1) axes.push(i);
    else if (shape[i - lead] !== g.shape[i]) {
      throw new ShapeError(
        'sumTo',
        `cannot sum shape ${fmtShape(g.shape)} to shape ${fmtShape(shape)} (dim ${i})`,
      );
    }
  }
  const summed = axes.length > 0 ? sum(g, axes, true) : g;
  return reshape(summed, shape);
}

// The functions below are filled in by the reductions work; each keeps this signature.

/** Π over `dim` (all dims when omitted). */
export function prod(x: Tensor, dim?: number, keepdim = false): Tensor {
  (void x, dim, keepdim, mul);
  throw new Error('prod: not implemented yet');
}

/** Largest element; along `dim`, the values and their indices. */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  (void x, dim, keepdim);
  throw new Error('max: not implemented yet');
}

/** Smallest element; along `dim`, the values and their indices. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  (void x, dim, keepdim);
  throw new Error('min: not implemented yet');
}

export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  (void x, dim, keepdim);
  throw new Error('argmax: not implemented yet');
}

export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  (void x, dim, keepdim);
  throw new Error('argmin: not implemented yet');
}

export function variance(x: Tensor, dim?: number | readonly number[], options: VarOptions = {}): Tensor {
  (void x, dim, options);
  throw new Error('var: not implemented yet');
}

export function std(x: Tensor, dim?: number | readonly number[], options: VarOptions = {}): Tensor {
  (void x, dim, options);
  throw new Error('std: not implemented yet');
}

export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  (void x, dim, keepdim);
  throw new Error('logsumexp: not implemented yet');
}

export function norm(x: Tensor, p = 2, dim?: number | readonly number[], keepdim = false): Tensor {
  (void x, p, dim, keepdim);
  throw new Error('norm: not implemented yet');
}
