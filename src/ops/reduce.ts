// @file Reductions (sum, mean, prod, max, min, amax, amin, any, all, argmax, argmin, var, std, logsumexp, norm) and sumTo.
import { isGradEnabled } from '../autograd/grad-mode.js';
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { arange, onesLike, zerosLike } from '../tensor/create.js';
import { allocate, floatResult, isFloat, type DType } from '../tensor/dtype.js';
import { hostValues } from '../tensor/host-gate.js';
import { numel, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import {
  abs,
  add,
  cast,
  div,
  eq,
  exp,
  gt,
  isNaN,
  log,
  logicalOr,
  mul,
  ne,
  pow,
  sign,
  sqrt,
  square,
  sub,
  where,
} from './elementwise.js';
import { cumprod } from './scan.js';
import { cat, expand, flip, reshape } from './shape.js';
import { narrow } from './window.js';

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

/**
 * @internal Validates `dim` (one dim, a list, or all dims when undefined) for `op` on a tensor of `shape` and
 * returns the sorted, non-negative axes (none for a 0-d tensor, which accepts dim 0 and −1 like PyTorch).
 * @throws ValueError naming the op, the dim and the shape when a dim is out of range or repeated.
 */
export function reductionAxes(
  op: string,
  dim: number | readonly number[] | undefined,
  shape: Shape,
): number[] {
  const ndim = shape.length;
  if (dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
  if (typeof dim === 'number' && Number.isInteger(dim) && dim >= -ndim && dim < ndim)
    return [dim < 0 ? dim + ndim : dim]; // the common case: one valid dim of a tensor with dims
  const list = typeof dim === 'number' ? [dim] : [...dim];
  const rank = Math.max(ndim, 1);
  const axes = list.map((d) => {
    if (!Number.isInteger(d) || d < -rank || d >= rank) {
      throw new ValueError(
        op,
        `dim ${d} is out of range for a tensor of shape ${fmtShape(shape)} (expected ${-rank} to ${rank - 1})`,
      );
    }
    return d < 0 ? d + rank : d;
  });
  const sorted = [...axes].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) {
      throw new ValueError(
        op,
        `dim ${sorted[i]} appears more than once in [${list.join(', ')}] (shape ${fmtShape(shape)})`,
      );
    }
  }
  return ndim === 0 ? [] : sorted;
}

/** The shape after reducing `axes`, keeping them as size-1 dims when `keepdim`. */
export function reducedShape(shape: Shape, axes: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!axes.includes(i)) out.push(shape[i]!);
    else if (keepdim) out.push(1);
  }
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

/** Ints and bools as float32 (PyTorch refuses them in var/std/norm/softmax; neurite promotes instead). */
function floatInput(x: Tensor): Tensor {
  return isFloat(x.dtype) ? x : cast(x, 'float32');
}

/** Number of elements in each reduced group. */
function groupSize(shape: Shape, axes: readonly number[]): number {
  return axes.reduce((p, a) => p * shape[a]!, 1);
}

/**
 * Σ over `dim` (all dims when omitted), like torch.sum. ∂ = g broadcast back over the summed dims.
 * Bools and ints sum to int32 (PyTorch: int64).
 */
export function sum(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  const axes = reductionAxes('sum', dim, x.shape);
  const dtype = x.dtype === 'bool' ? 'int32' : x.dtype;
  return record(reduceKernel('sum', x, axes, keepdim, dtype), 'sum', [x], (g) => [
    expand(unreduce(g, x.shape, axes, keepdim), x.shape),
  ]);
}

/**
 * Arithmetic mean (1/n)·Σx over `dim` (all dims when omitted), like torch.mean; ∂ = g/n broadcast back.
 * Ints and bools are averaged in float32 (PyTorch refuses them). The mean of nothing is NaN.
 */
export function mean(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  const axes = reductionAxes('mean', dim, x.shape);
  const count = groupSize(x.shape, axes);
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

// ---- prod -------------------------------------------------------------------------------------------------

/**
 * Π over `dim` (all dims when omitted), like torch.prod; the product of nothing is 1. Ints and bools
 * multiply to int32 (PyTorch: int64).
 *
 * ∂/∂x_i = g·Π_{j≠i} x_j, by PyTorch's prod_backward: with no zero anywhere in x, g·(out/x_i); otherwise the
 * product of the others as exclusive products from both ends, (x_0⋯x_{i−1})·(x_{i+1}⋯x_{n−1}), which handles
 * the zeros (one zero: only its entry is non-zero; two or more: all are 0) and keeps PyTorch's infinities and
 * NaNs (prod([−∞, 0, 2]) → [0, −∞, NaN]); over all dims with two or more zeros, 0 everywhere. A recorded
 * backward (createGraph) builds the same products from differentiable ops instead.
 */
export function prod(x: Tensor, dim?: number, keepdim = false): Tensor {
  const axes = reductionAxes('prod', dim, x.shape);
  const dtype = isFloat(x.dtype) ? x.dtype : 'int32';
  const out = reduceKernel('prod', x, axes, keepdim, dtype);
  return record(out, 'prod', [x], (g) => {
    if (x.ndim === 0) return [g];
    const gradOut = unreduce(g, x.shape, axes, keepdim);
    if (!backend().readsSync) return [prodGradOnDevice(x, out, gradOut, dim, axes, keepdim)];
    const zeros = sum(eq(x, 0)).item() as number;
    if (zeros === 0) return [mul(gradOut, div(unreduce(out, x.shape, axes, keepdim), x))];
    if (isGradEnabled()) return [mul(gradOut, productOfOthers(x, dim))];
    if (dim === undefined && zeros > 1) return [zerosLike(x)];
    return [mul(gradOut, exclusiveProducts(x, dim === undefined ? null : axes[0]!))];
  });
}

/**
 * Π_{j<i} x_j · Π_{j>i} x_j along `axis` (over the flattened x when null), as PyTorch's prod_safe_zeros_backward
 * forms it: two cumulative products, each accumulated in float64 and stored in x's dtype, multiplied.
 */
function exclusiveProducts(x: Tensor, axis: number | null): Tensor {
  const [outer, size, inner] = axis === null ? [1, x.numel(), 1] : aroundDim(x.shape, axis);
  const input = hostValues(x.storage, 'prod');
  const products = allocate(x.dtype, x.numel());
  const round = x.dtype === 'float32' ? Math.fround : (v: number) => v;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let before = 1;
      for (let s = 0, at = base; s < size; s++, at += inner) {
        products[at] = before;
        before *= input[at]!;
      }
      let after = 1;
      for (let s = size - 1, at = base + s * inner; s >= 0; s--, at -= inner) {
        products[at] = products[at]! * round(after);
        after *= input[at]!;
      }
    }
  }
  return new Tensor(products, x.shape, x.dtype);
}

/** Π_{j≠i} x_j within each group reduced by `dim`, for every i (same shape as x), from differentiable ops. */
/**
 * prod's ∂ on a device backend (webgpu), which cannot count the zeros on the host: the same rule as the host
 * path, with the count kept on the device and each branch selected per element — g·(out/x) without zeros, else
 * the exclusive products from both ends (cumulative products of the shifted line), 0 everywhere for two or more
 * zeros over all dims; with grad mode on, productOfOthers for the zeros branch as on the host.
 */
function prodGradOnDevice(
  x: Tensor,
  out: Tensor,
  gradOut: Tensor,
  dim: number | undefined,
  axes: readonly number[],
  keepdim: boolean,
): Tensor {
  const zeros = sum(eq(x, 0));
  const noZero = mul(gradOut, div(unreduce(out, x.shape, axes, keepdim), x));
  let withZeros: Tensor;
  if (isGradEnabled()) withZeros = productOfOthers(x, dim);
  else {
    const others = exclusiveProductsByOps(x, dim === undefined ? null : axes[0]!);
    withZeros = dim === undefined ? where(gt(zeros, 1), 0, others) : others;
  }
  return where(eq(zeros, 0), noZero, mul(gradOut, withZeros));
}

/** exclusiveProducts from ops (cumprod of the line shifted by one, from each end), for a device backend. */
function exclusiveProductsByOps(x: Tensor, axis: number | null): Tensor {
  const line = axis === null ? reshape(x, [x.numel()]) : x;
  const a = axis ?? 0;
  const size = line.shape[a]!;
  if (size <= 1) return onesLike(x);
  const one = onesLike(narrow(line, a, 0, 1));
  const shifted = (t: Tensor): Tensor => cat([one, narrow(t, a, 0, size - 1)], a);
  const before = cumprod(shifted(line), a);
  const after = flip(cumprod(shifted(flip(line, [a])), a), [a]);
  return reshape(mul(before, after), x.shape);
}

function productOfOthers(x: Tensor, dim: number | undefined): Tensor {
  const isZero = eq(x, 0);
  const nonZero = where(isZero, 1, x);
  const prodNonZero = prod(nonZero, dim, true);
  const zeroCount = sum(isZero, dim, true);
  const others = div(prodNonZero, nonZero);
  // zeroSum is 0 but carries ∂/∂x_zero = 1, so the one-zero entries keep their second derivative.
  const zeroSum = sum(where(isZero, x, 0), dim, true);
  const oneZero = where(isZero, prodNonZero, mul(zeroSum, others));
  return where(eq(zeroCount, 0), others, where(eq(zeroCount, 1), oneZero, 0));
}

// ---- max, min, argmax, argmin -----------------------------------------------------------------------------

/** x viewed as [outer, size, inner] around dim d (a 0-d tensor is [1, 1, 1]). */
function aroundDim(shape: Shape, d: number): [number, number, number] {
  return [numel(shape.slice(0, d)), shape[d] ?? 1, numel(shape.slice(d + 1))];
}

function emptyError(op: string, x: Tensor): ShapeError {
  return new ShapeError(op, `cannot reduce an empty tensor of shape ${fmtShape(x.shape)} over all dims`);
}

/** The extreme values along one dim and their int32 indices (first one wins ties; NaN wins over numbers). */
function argReduceAlong(
  op: 'max' | 'min',
  name: string,
  x: Tensor,
  dim: number,
  keepdim: boolean,
): { values: Tensor; indices: Tensor; axis: number } {
  const axis = reductionAxes(name, dim, x.shape)[0] ?? 0;
  const [outer, size, inner] = aroundDim(x.shape, axis);
  if (size === 0) {
    throw new ShapeError(
      name,
      `cannot reduce over dim ${dim} of size 0 (shape ${fmtShape(x.shape)}): the reduction has no identity`,
    );
  }
  const shape = reducedShape(x.shape, [axis], keepdim);
  const values = allocate(x.dtype, outer * inner);
  const indices = new Int32Array(outer * inner);
  backend().argReduce(op, x.storage, outer, size, inner, values, indices);
  return {
    values: new Tensor(values, shape, x.dtype),
    indices: new Tensor(indices, shape, 'int32'),
    axis,
  };
}

/** Bool mask of x's shape: true at the position `indices` picks along `axis`. */
function selectionMask(shape: Shape, axis: number, indices: Tensor, keepdim: boolean): Tensor {
  const size = shape[axis] ?? 1;
  const positions = reshape(
    arange(0, size, 1, { dtype: 'int32' }),
    shape.map((s, i) => (i === axis ? s : 1)),
  );
  return eq(positions, unreduce(indices, shape, [axis], keepdim));
}

function extremum(
  op: 'max' | 'min',
  x: Tensor,
  dim: number | undefined,
  keepdim: boolean,
): Tensor | ValuesIndices {
  if (dim === undefined) {
    if (x.numel() === 0) throw emptyError(op, x);
    const out = reduceKernel(op, x, reductionAxes(op, undefined, x.shape), false, x.dtype);
    return record(out, op, [x], (g) => {
      // NaN wins: the gradient goes to the NaN entries when the result is NaN, else to the ties of the result.
      const mask = where(isNaN(out), isNaN(x), eq(x, out.detach()));
      return [where(mask, div(g, sum(mask)), 0)];
    });
  }
  const { values, indices, axis } = argReduceAlong(op, op, x, dim, keepdim);
  record(values, op, [x], (g) => [
    where(selectionMask(x.shape, axis, indices, keepdim), unreduce(g, x.shape, [axis], keepdim), 0),
  ]);
  return { values, indices };
}

/**
 * The largest element as a 0-d tensor (torch.max(x) / torch.amax): ∂ = g split evenly among the elements
 * equal to the max. Along `dim`: `{ values, indices }` (torch.max(x, dim, keepdim)), the int32 index of the
 * first maximum, and ∂ = g at that index only. NaN counts as the largest value, as in PyTorch.
 * @throws ShapeError for an empty tensor (or an empty `dim`), which has no max.
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return extremum('max', x, dim, keepdim);
}

/**
 * The smallest element as a 0-d tensor (torch.min(x) / torch.amin): ∂ = g split evenly among ties. Along
 * `dim`: `{ values, indices }` (torch.min(x, dim, keepdim)) with ∂ = g at the first minimum only.
 * @throws ShapeError for an empty tensor (or an empty `dim`).
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return extremum('min', x, dim, keepdim);
}

function argExtremum(op: 'max' | 'min', x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  const name = op === 'max' ? 'argmax' : 'argmin';
  if (dim !== undefined) return argReduceAlong(op, name, x, dim, keepdim).indices;
  if (x.numel() === 0) throw emptyError(name, x);
  const indices = new Int32Array(1);
  backend().argReduce(op, x.storage, 1, x.numel(), 1, allocate(x.dtype, 1), indices);
  return new Tensor(indices, keepdim ? x.shape.map(() => 1) : [], 'int32');
}

/**
 * The int32 index of the first maximum (torch.argmax): without `dim`, the flat index into x; with `dim`,
 * the index along it. `keepdim` keeps reduced dims as size 1. Not differentiable.
 */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtremum('max', x, dim, keepdim);
}

/** The int32 index of the first minimum (torch.argmin); see argmax. */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtremum('min', x, dim, keepdim);
}

// ---- var, std ----------------------------------------------------------------------------------------------

/** ∂var/∂x for an upstream gradient `gradVar` of var's output shape: gradVar·2(x − x̄)/(n − correction). */
function varianceBackward(
  gradVar: Tensor,
  x: Tensor,
  axes: readonly number[],
  keepdim: boolean,
  dof: number,
): Tensor {
  const centered = sub(x, mean(x, axes, true));
  return mul(unreduce(gradVar, x.shape, axes, keepdim), mul(centered, 2 / dof));
}

/**
 * Σ(x − x̄)²/dof in float64 whatever x's dtype (PyTorch accumulates float32 variances in double): squares of
 * float32 values above ~1.8e19 would overflow, and std's square root brings them back into range.
 */
function varianceForward(x: Tensor, axes: readonly number[], keepdim: boolean, dof: number): Tensor {
  const detached = x.dtype === 'float64' ? x.detach() : cast(x.detach(), 'float64');
  const centered = sub(detached, mean(detached, axes, true));
  return div(sum(square(centered), axes, keepdim), dof);
}

/**
 * Variance Σ(x − x̄)²/(n − correction) over `dim` (all dims when omitted), like torch.var(x, dim,
 * correction=1, keepdim=False); correction 1 is Bessel's (unbiased), 0 the population variance. n ≤ correction
 * gives NaN or ±Inf, as in PyTorch. ∂ = g·2(x − x̄)/(n − correction). Ints and bools are promoted to
 * float32 (PyTorch refuses them).
 */
export function variance(x: Tensor, dim?: number | readonly number[], options: VarOptions = {}): Tensor {
  const { correction = 1, keepdim = false } = options;
  const input = floatInput(x);
  const axes = reductionAxes('var', dim, input.shape);
  const dof = Math.max(0, groupSize(input.shape, axes) - correction);
  const out = cast(varianceForward(input, axes, keepdim, dof), input.dtype);
  return record(out, 'var', [input], (g) => [varianceBackward(g, input, axes, keepdim, dof)]);
}

/**
 * Standard deviation √var over `dim` (torch.std(x, dim, correction=1, keepdim=False)); options as in
 * `variance`. ∂ = g·(x − x̄)/((n − correction)·std), taken as 0 where std = 0 (as PyTorch does).
 */
export function std(x: Tensor, dim?: number | readonly number[], options: VarOptions = {}): Tensor {
  const { correction = 1, keepdim = false } = options;
  const input = floatInput(x);
  const axes = reductionAxes('std', dim, input.shape);
  const dof = Math.max(0, groupSize(input.shape, axes) - correction);
  const out = cast(sqrt(varianceForward(input, axes, keepdim, dof)), input.dtype);
  return record(out, 'std', [input], (g) => {
    const isZero = eq(out, 0);
    const gradVar = where(isZero, 0, div(g, mul(where(isZero, 1, out), 2)));
    return [varianceBackward(gradVar, input, axes, keepdim, dof)];
  });
}

// ---- logsumexp, norm ---------------------------------------------------------------------------------------

/**
 * log Σ exp(x) over `dim` (torch.logsumexp), computed as m + log Σ exp(x − m) with m the max (m is taken as 0
 * where it is ±Inf, so rows of −Inf give −Inf and a +Inf gives +Inf, not NaN). An empty reduction gives −Inf.
 * ∂ = g·exp(x − out), i.e. g·softmax(x). Ints and bools are promoted to float32.
 */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  const input = floatInput(x);
  const axes = reductionAxes('logsumexp', dim, input.shape);
  const detached = input.detach();
  const maxes = reduceKernel('max', detached, axes, true, input.dtype);
  const shift = where(eq(abs(maxes), Infinity), 0, maxes);
  const summed = sum(exp(sub(detached, shift)), axes, keepdim);
  const out = add(log(summed), keepdim ? shift : reshape(shift, summed.shape));
  return record(out, 'logsumexp', [input], (g) => [
    mul(unreduce(g, input.shape, axes, keepdim), exp(sub(input, unreduce(out, input.shape, axes, keepdim)))),
  ]);
}

/**
 * The vector p-norm over `dim` (all dims when omitted), like torch.norm(x, p, dim, keepdim) /
 * torch.linalg.vector_norm: ‖x‖_p = (Σ|x|^p)^{1/p} for p > 0; p = 1 is Σ|x|, p = 2 is √Σx², p = Infinity is
 * max|x|. Gradients follow PyTorch's norm_backward:
 * - p = 1: g·sign(x);  p = 2: g·x/‖x‖, 0 where ‖x‖ = 0;
 * - p = ∞: g·sign(x) split evenly among the entries with |x| = ‖x‖;
 * - other p: g·sign(x)|x|^{p−1}/‖x‖^{p−1}, 0 where ‖x‖ = 0 (and, for p < 1, where x = 0).
 * Ints and bools are promoted to float32 (PyTorch refuses them).
 * @throws ValueError when p is not positive; ShapeError for the ∞-norm of an empty group (no identity).
 */
export function norm(x: Tensor, p = 2, dim?: number | readonly number[], keepdim = false): Tensor {
  if (!(p > 0)) throw new ValueError('norm', `p must be positive or Infinity, got ${p}`);
  const input = floatInput(x);
  const axes = reductionAxes('norm', dim, input.shape);
  const detached = input.detach();
  let out: Tensor;
  if (p === 1) out = sum(abs(detached), axes, keepdim);
  else if (p === 2) out = sqrt(sum(square(detached), axes, keepdim));
  else if (p === Infinity) {
    if (groupSize(input.shape, axes) === 0) {
      throw new ShapeError(
        'norm',
        `cannot compute the inf norm of an empty tensor of shape ${fmtShape(input.shape)} over dims [${axes.join(', ')}]`,
      );
    }
    out = reduceKernel('max', abs(detached), axes, keepdim, input.dtype);
  } else out = pow(sum(pow(abs(detached), p), axes, keepdim), 1 / p);
  return record(out, 'norm', [input], (g) => {
    const gradOut = unreduce(g, input.shape, axes, keepdim);
    const normOut = unreduce(out, input.shape, axes, keepdim);
    if (p === 1) return [mul(sign(input), gradOut)];
    const normIsZero = eq(normOut, 0);
    const safeNorm = where(normIsZero, 1, normOut);
    if (p === 2) return [mul(gradOut, where(normIsZero, 0, div(input, safeNorm)))];
    if (p === Infinity) {
      const magnitude = abs(input);
      const mask = logicalOr(eq(magnitude, normOut), isNaN(magnitude));
      return [mul(sign(input), mul(div(gradOut, sum(mask, axes, true)), mask))];
    }
    if (p < 1) {
      const isZero = eq(input, 0);
      const scaled = where(isZero, 0, mul(sign(input), pow(where(isZero, 1, abs(input)), p - 1)));
      return [mul(mul(scaled, gradOut), pow(normOut, 1 - p))];
    }
    const scaled = mul(sign(input), pow(abs(input), p - 1));
    return [mul(scaled, where(normIsZero, 0, div(gradOut, pow(safeNorm, p - 1))))];
  });
}

/** amax/amin over `axes`; ∂ = g/count·[x = result], PyTorch's formula (a NaN result gives NaN gradients). */
function extremumOver(
  op: 'amax' | 'amin',
  x: Tensor,
  dim: number | readonly number[] | undefined,
  keepdim: boolean,
): Tensor {
  const axes = reductionAxes(op, dim, x.shape);
  const empty = axes.find((a) => x.shape[a] === 0);
  if (empty !== undefined || (x.numel() === 0 && axes.length === 0)) {
    throw new ShapeError(
      op,
      `cannot reduce over an empty dim (shape ${fmtShape(x.shape)}, dim ${empty ?? 'all'}): the reduction has no identity`,
    );
  }
  const out = reduceKernel(op === 'amax' ? 'max' : 'min', x, axes, keepdim, x.dtype);
  return record(out, op, [x], (g) => {
    const mask = eq(x, expand(unreduce(out.detach(), x.shape, axes, keepdim), x.shape));
    const count = sum(mask, axes, true);
    return [mul(expand(div(unreduce(g, x.shape, axes, keepdim), count), x.shape), mask)];
  });
}

/**
 * The largest value over `dim` (one dim, several, or all when omitted), like torch.amax; `keepdim` keeps
 * the reduced dims as size 1. NaN propagates. ∂ = g split evenly among the elements equal to the max.
 * @throws ValueError for a bad dim; ShapeError when a reduced dim is empty.
 */
export function amax(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return extremumOver('amax', x, dim, keepdim);
}

/**
 * The smallest value over `dim` (one dim, several, or all when omitted), like torch.amin. NaN propagates.
 * ∂ = g split evenly among the elements equal to the min.
 * @throws ValueError for a bad dim; ShapeError when a reduced dim is empty.
 */
export function amin(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return extremumOver('amin', x, dim, keepdim);
}

/** Counts, over `axes`, the elements where `mask` is true, as int32. */
function countOver(
  op: string,
  mask: Tensor,
  dim: number | readonly number[] | undefined,
  keepdim: boolean,
): Tensor {
  const axes = reductionAxes(op, dim, mask.shape);
  return reduceKernel('sum', mask, axes, keepdim, 'int32');
}

/**
 * Whether any element over `dim` (all dims when omitted) is nonzero (NaN counts as nonzero), like torch.any.
 * The result is bool; over an empty dim it is false. Not differentiable.
 */
export function any(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return gt(countOver('any', ne(x, 0), dim, keepdim), 0);
}

/**
 * Whether every element over `dim` (all dims when omitted) is nonzero (NaN counts as nonzero), like torch.all.
 * The result is bool; over an empty dim it is true. Not differentiable.
 */
export function all(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return eq(countOver('all', eq(x, 0), dim, keepdim), 0);
}
