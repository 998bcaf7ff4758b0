// @file Tensor's chainable op methods (x.add(y), x.sum(1), x.reshape(2, 3), x.add_(1)): one-line delegations to src/ops, whose functions carry the math.
import type * as Ops from '../ops/index.js';
import type { IndexSpec, Operand, PadMode } from '../ops/index.js';
import { flattenArgs } from './shape.js';
import type { Tensor } from './tensor.js';

/**
 * The ops namespace, handed over by tensor.ts. Importing ops only as types keeps this module out of the cycle
 * tensor ↔ ops ↔ autograd: it is loaded before `class Tensor extends TensorOpMethods` runs, whatever loads first.
 */
let ops!: typeof Ops;

/** @internal Called once by tensor.ts with the ops namespace, before any tensor exists. */
export function bindTensorOps(namespace: typeof Ops): void {
  ops = namespace;
}

/**
 * The class `Tensor` extends: every op of src/ops that PyTorch also has as a torch.Tensor method, as a method
 * that calls the op with `this` first (`x.add(y)` is `add(x, y)`; in-place methods return `this`, typed as the
 * caller's class). The op functions carry the math and the errors; see each one's doc in src/ops.
 */
export abstract class TensorOpMethods {
  // ---- elementwise ------------------------------------------------------------------------------------
  add(this: Tensor, other: Operand): Tensor {
    return ops.add(this, other);
  }
  sub(this: Tensor, other: Operand): Tensor {
    return ops.sub(this, other);
  }
  mul(this: Tensor, other: Operand): Tensor {
    return ops.mul(this, other);
  }
  div(this: Tensor, other: Operand): Tensor {
    return ops.div(this, other);
  }
  pow(this: Tensor, exponent: Operand): Tensor {
    return ops.pow(this, exponent);
  }
  maximum(this: Tensor, other: Operand): Tensor {
    return ops.maximum(this, other);
  }
  minimum(this: Tensor, other: Operand): Tensor {
    return ops.minimum(this, other);
  }
  neg(this: Tensor): Tensor {
    return ops.neg(this);
  }
  abs(this: Tensor): Tensor {
    return ops.abs(this);
  }
  exp(this: Tensor): Tensor {
    return ops.exp(this);
  }
  log(this: Tensor): Tensor {
    return ops.log(this);
  }
  log1p(this: Tensor): Tensor {
    return ops.log1p(this);
  }
  expm1(this: Tensor): Tensor {
    return ops.expm1(this);
  }
  sqrt(this: Tensor): Tensor {
    return ops.sqrt(this);
  }
  rsqrt(this: Tensor): Tensor {
    return ops.rsqrt(this);
  }
  square(this: Tensor): Tensor {
    return ops.square(this);
  }
  reciprocal(this: Tensor): Tensor {
    return ops.reciprocal(this);
  }
  sin(this: Tensor): Tensor {
    return ops.sin(this);
  }
  cos(this: Tensor): Tensor {
    return ops.cos(this);
  }
  tanh(this: Tensor): Tensor {
    return ops.tanh(this);
  }
  sigmoid(this: Tensor): Tensor {
    return ops.sigmoid(this);
  }
  logSigmoid(this: Tensor): Tensor {
    return ops.logSigmoid(this);
  }
  relu(this: Tensor): Tensor {
    return ops.relu(this);
  }
  leakyRelu(this: Tensor, negativeSlope?: number): Tensor {
    return ops.leakyRelu(this, negativeSlope);
  }
  elu(this: Tensor, alpha?: number): Tensor {
    return ops.elu(this, alpha);
  }
  gelu(this: Tensor, approximate?: 'none' | 'tanh'): Tensor {
    return ops.gelu(this, approximate);
  }
  silu(this: Tensor): Tensor {
    return ops.silu(this);
  }
  softplus(this: Tensor, beta?: number, threshold?: number): Tensor {
    return ops.softplus(this, beta, threshold);
  }
  clamp(this: Tensor, min?: number | null, max?: number | null): Tensor {
    return ops.clamp(this, min, max);
  }
  sign(this: Tensor): Tensor {
    return ops.sign(this);
  }
  floor(this: Tensor): Tensor {
    return ops.floor(this);
  }
  ceil(this: Tensor): Tensor {
    return ops.ceil(this);
  }
  round(this: Tensor): Tensor {
    return ops.round(this);
  }
  /** Elements of this where `condition` holds, else of `other` (torch.Tensor.where). */
  where(this: Tensor, condition: Tensor, other: Operand): Tensor {
    return ops.where(condition, this, other);
  }
  eq(this: Tensor, other: Operand): Tensor {
    return ops.eq(this, other);
  }
  ne(this: Tensor, other: Operand): Tensor {
    return ops.ne(this, other);
  }
  lt(this: Tensor, other: Operand): Tensor {
    return ops.lt(this, other);
  }
  le(this: Tensor, other: Operand): Tensor {
    return ops.le(this, other);
  }
  gt(this: Tensor, other: Operand): Tensor {
    return ops.gt(this, other);
  }
  ge(this: Tensor, other: Operand): Tensor {
    return ops.ge(this, other);
  }
  logicalAnd(this: Tensor, other: Operand): Tensor {
    return ops.logicalAnd(this, other);
  }
  logicalOr(this: Tensor, other: Operand): Tensor {
    return ops.logicalOr(this, other);
  }
  logicalNot(this: Tensor): Tensor {
    return ops.logicalNot(this);
  }
  isNaN(this: Tensor): Tensor {
    return ops.isNaN(this);
  }
  isFinite(this: Tensor): Tensor {
    return ops.isFinite(this);
  }

  // ---- reductions -------------------------------------------------------------------------------------
  sum(this: Tensor, dim?: number | readonly number[], keepdim?: boolean): Tensor {
    return ops.sum(this, dim, keepdim);
  }
  mean(this: Tensor, dim?: number | readonly number[], keepdim?: boolean): Tensor {
    return ops.mean(this, dim, keepdim);
  }
  prod(this: Tensor, dim?: number, keepdim?: boolean): Tensor {
    return ops.prod(this, dim, keepdim);
  }
  max(this: Tensor): Tensor;
  max(this: Tensor, dim: number, keepdim?: boolean): Ops.ValuesIndices;
  max(this: Tensor, dim?: number, keepdim?: boolean): Tensor | Ops.ValuesIndices {
    return dim === undefined ? ops.max(this) : ops.max(this, dim, keepdim);
  }
  min(this: Tensor): Tensor;
  min(this: Tensor, dim: number, keepdim?: boolean): Ops.ValuesIndices;
  min(this: Tensor, dim?: number, keepdim?: boolean): Tensor | Ops.ValuesIndices {
    return dim === undefined ? ops.min(this) : ops.min(this, dim, keepdim);
  }
  argmax(this: Tensor, dim?: number, keepdim?: boolean): Tensor {
    return ops.argmax(this, dim, keepdim);
  }
  amax(this: Tensor, dim?: number | readonly number[], keepdim?: boolean): Tensor {
    return ops.amax(this, dim, keepdim);
  }
  amin(this: Tensor, dim?: number | readonly number[], keepdim?: boolean): Tensor {
    return ops.amin(this, dim, keepdim);
  }
  any(this: Tensor, dim?: number | readonly number[], keepdim?: boolean): Tensor {
    return ops.any(this, dim, keepdim);
  }
  all(this: Tensor, dim?: number | readonly number[], keepdim?: boolean): Tensor {
    return ops.all(this, dim, keepdim);
  }
  cumsum(this: Tensor, dim: number): Tensor {
    return ops.cumsum(this, dim);
  }
  cumprod(this: Tensor, dim: number): Tensor {
    return ops.cumprod(this, dim);
  }
  /** Sorted values and their indices along a dim (default −1), stable, NaN largest (torch.Tensor.sort). */
  sort(this: Tensor, options?: Ops.SortOptions): Ops.ValuesIndices {
    return ops.sort(this, options);
  }
  argsort(this: Tensor, options?: Ops.SortOptions): Tensor {
    return ops.argsort(this, options);
  }
  topk(this: Tensor, k: number, options?: Ops.TopkOptions): Ops.ValuesIndices {
    return ops.topk(this, k, options);
  }
  /** Category indices drawn from this tensor's rows of probabilities (torch.Tensor.multinomial). */
  multinomial(this: Tensor, numSamples: number, options?: Ops.MultinomialOptions): Tensor {
    return ops.multinomial(this, numSamples, options);
  }
  tril(this: Tensor, diagonal?: number): Tensor {
    return ops.tril(this, diagonal);
  }
  triu(this: Tensor, diagonal?: number): Tensor {
    return ops.triu(this, diagonal);
  }
  erf(this: Tensor): Tensor {
    return ops.erf(this);
  }
  argmin(this: Tensor, dim?: number, keepdim?: boolean): Tensor {
    return ops.argmin(this, dim, keepdim);
  }
  var(this: Tensor, dim?: number | readonly number[], options?: Ops.VarOptions): Tensor {
    return ops.variance(this, dim, options);
  }
  std(this: Tensor, dim?: number | readonly number[], options?: Ops.VarOptions): Tensor {
    return ops.std(this, dim, options);
  }
  logsumexp(this: Tensor, dim: number | readonly number[], keepdim?: boolean): Tensor {
    return ops.logsumexp(this, dim, keepdim);
  }
  norm(this: Tensor, p?: number, dim?: number | readonly number[], keepdim?: boolean): Tensor {
    return ops.norm(this, p, dim, keepdim);
  }
  softmax(this: Tensor, dim: number): Tensor {
    return ops.softmax(this, dim);
  }
  logSoftmax(this: Tensor, dim: number): Tensor {
    return ops.logSoftmax(this, dim);
  }

  // ---- linear algebra ---------------------------------------------------------------------------------
  matmul(this: Tensor, other: Tensor): Tensor {
    return ops.matmul(this, other);
  }
  outer(this: Tensor, other: Tensor): Tensor {
    return ops.outer(this, other);
  }
  bmm(this: Tensor, other: Tensor): Tensor {
    return ops.bmm(this, other);
  }
  /** β·this + α·(a·b) per batch entry (torch.Tensor.baddbmm). */
  baddbmm(this: Tensor, a: Tensor, b: Tensor, options?: Ops.BaddbmmOptions): Tensor {
    return ops.baddbmm(this, a, b, options);
  }

  // ---- shape ------------------------------------------------------------------------------------------
  reshape(this: Tensor, ...shape: number[]): Tensor;
  reshape(this: Tensor, shape: readonly number[]): Tensor;
  reshape(this: Tensor, ...args: (number | readonly number[])[]): Tensor {
    return ops.reshape(this, flattenArgs(args));
  }
  view(this: Tensor, ...shape: number[]): Tensor;
  view(this: Tensor, shape: readonly number[]): Tensor;
  view(this: Tensor, ...args: (number | readonly number[])[]): Tensor {
    return ops.view(this, flattenArgs(args));
  }
  flatten(this: Tensor, startDim?: number, endDim?: number): Tensor {
    return ops.flatten(this, startDim, endDim);
  }
  squeeze(this: Tensor, dim?: number | readonly number[]): Tensor {
    return ops.squeeze(this, dim);
  }
  unsqueeze(this: Tensor, dim: number): Tensor {
    return ops.unsqueeze(this, dim);
  }
  transpose(this: Tensor, dim0: number, dim1: number): Tensor {
    return ops.transpose(this, dim0, dim1);
  }
  permute(this: Tensor, ...dims: number[]): Tensor;
  permute(this: Tensor, dims: readonly number[]): Tensor;
  permute(this: Tensor, ...args: (number | readonly number[])[]): Tensor {
    return ops.permute(this, flattenArgs(args));
  }
  expand(this: Tensor, ...sizes: number[]): Tensor;
  expand(this: Tensor, sizes: readonly number[]): Tensor;
  expand(this: Tensor, ...args: (number | readonly number[])[]): Tensor {
    return ops.expand(this, flattenArgs(args));
  }
  broadcastTo(this: Tensor, shape: readonly number[]): Tensor {
    return ops.broadcastTo(this, shape);
  }
  /** expand to `other`'s shape (torch.Tensor.expand_as), a view. */
  expandAs(this: Tensor, other: Tensor): Tensor {
    return ops.expand(this, other.shape);
  }
  /** The diagonal of dims dim1, dim2 as the last dim (torch.Tensor.diagonal), a view. */
  diagonal(this: Tensor, offset?: number, dim1?: number, dim2?: number): Tensor {
    return ops.diagonal(this, offset, dim1, dim2);
  }
  /** Windows of `size` every `step` along `dim`, as a new last dim (torch.Tensor.unfold), a view. */
  unfold(this: Tensor, dim: number, size: number, step: number): Tensor {
    return ops.unfold(this, dim, size, step);
  }
  /** The slices along `dim` (torch.Tensor.unbind), views. */
  unbind(this: Tensor, dim?: number): Tensor[] {
    return ops.unbind(this, dim);
  }
  split(this: Tensor, splitSizeOrSections: number | readonly number[], dim?: number): Tensor[] {
    return ops.split(this, splitSizeOrSections, dim);
  }
  chunk(this: Tensor, chunks: number, dim?: number): Tensor[] {
    return ops.chunk(this, chunks, dim);
  }
  narrow(this: Tensor, dim: number, start: number, length: number): Tensor {
    return ops.narrow(this, dim, start, length);
  }
  select(this: Tensor, dim: number, index: number): Tensor {
    return ops.select(this, dim, index);
  }
  /** NumPy-style indexing: numbers pick, null keeps a dim, slices cut, int tensors gather (x[0], x[:, idx]). */
  index(this: Tensor, ...indices: IndexSpec[]): Tensor {
    return ops.index(this, ...indices);
  }
  gather(this: Tensor, dim: number, index: Tensor): Tensor {
    return ops.gather(this, dim, index);
  }
  scatter(this: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
    return ops.scatter(this, dim, index, src);
  }
  scatterAdd(this: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
    return ops.scatterAdd(this, dim, index, src);
  }
  indexSelect(this: Tensor, dim: number, index: Tensor): Tensor {
    return ops.indexSelect(this, dim, index);
  }
  maskedFill(this: Tensor, mask: Tensor, value: number | Tensor): Tensor {
    return ops.maskedFill(this, mask, value);
  }
  pad(this: Tensor, pad: readonly number[], mode?: PadMode, value?: number): Tensor {
    return ops.pad(this, pad, mode, value);
  }
  repeat(this: Tensor, ...sizes: number[]): Tensor;
  repeat(this: Tensor, sizes: readonly number[]): Tensor;
  repeat(this: Tensor, ...args: (number | readonly number[])[]): Tensor {
    return ops.repeat(this, flattenArgs(args));
  }
  flip(this: Tensor, dims: number | readonly number[]): Tensor {
    return ops.flip(this, dims);
  }
  oneHot(this: Tensor, numClasses?: number): Tensor {
    return ops.oneHot(this, numClasses);
  }

  // ---- in place (names end in _) ----------------------------------------------------------------------
  add_<T extends Tensor>(this: T, other: Operand): T {
    return ops.add_(this, other);
  }
  sub_<T extends Tensor>(this: T, other: Operand): T {
    return ops.sub_(this, other);
  }
  mul_<T extends Tensor>(this: T, other: Operand): T {
    return ops.mul_(this, other);
  }
  div_<T extends Tensor>(this: T, other: Operand): T {
    return ops.div_(this, other);
  }
  zero_<T extends Tensor>(this: T): T {
    return ops.zero_(this);
  }
  fill_<T extends Tensor>(this: T, value: number): T {
    return ops.fill_(this, value);
  }
  copy_<T extends Tensor>(this: T, src: Tensor): T {
    return ops.copy_(this, src);
  }
  clamp_<T extends Tensor>(this: T, min?: number | null, max?: number | null): T {
    return ops.clamp_(this, min, max);
  }
  maskedFill_<T extends Tensor>(this: T, mask: Tensor, value: number | Tensor): T {
    return ops.maskedFill_(this, mask, value);
  }
  uniform_<T extends Tensor>(this: T, low?: number, high?: number): T {
    return ops.uniform_(this, low, high);
  }
  normal_<T extends Tensor>(this: T, mean?: number, std?: number): T {
    return ops.normal_(this, mean, std);
  }
  /** Each element ← 1 with probability p, else 0 (torch.Tensor.bernoulli_). */
  bernoulli_<T extends Tensor>(this: T, p?: number): T {
    return ops.bernoulli_(this, p);
  }
}
