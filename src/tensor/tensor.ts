// @file The Tensor class: a strided view (shape, strides, offset) on a typed array, dtype, autograd fields and chainable ops.
import { backward, type BackwardOptions } from '../autograd/engine.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import type { Node } from '../autograd/node.js';
import { NeuriteError, ShapeError, ValueError, fmtShape } from '../errors.js';
import * as ops from '../ops/index.js';
import type { IndexSpec, PadMode } from '../ops/index.js';
import { readAsync, readSync } from '../ops/read.js';
import { disposeTensor } from './dispose.js';
import { allocate, dtypeOfArray, isFloat, type DType, type TypedArray } from './dtype.js';
import { formatTensor } from './print.js';
import { numel, stridesOf, type Shape } from './shape.js';
import {
  gatherStrided,
  isContiguousLayout,
  lastIndex,
  type StridedLayout,
  type VersionCounter,
} from './strided.js';

/** A nested JS array of numbers (or booleans for bool tensors), as returned by `toArray()`. */
export type NestedArray = number | boolean | NestedArray[];

type Operand = Tensor | number | boolean;

/** What a tensor keeps beyond its array once written or viewed: the shared version counter, a view's layout. */
interface TensorState {
  readonly counter: VersionCounter;
  readonly view: ResolvedLayout | null;
}

/** A view's layout as the Tensor keeps it: strides, offset, element count, contiguity, the tensor it views. */
interface ResolvedLayout extends StridedLayout {
  readonly numel: number;
  readonly contiguous: boolean;
  readonly viewOf: Tensor | null;
}

/** @internal How a view reads another tensor's array: its layout and the version counter it shares. */
export interface ViewLayout extends StridedLayout {
  readonly counter: VersionCounter;
  /** The tensor the view was made from (PyTorch's `_base`, followed to the root); null for detach(). */
  readonly viewOf: Tensor | null;
}

/**
 * An n-dimensional array with reverse-mode autograd (torch.Tensor).
 *
 * A tensor is a strided view on a typed array: element (i₀, …, iₙ₋₁) sits at
 * `storageOffset() + Σ iₖ·stride(k)` of its base array. View ops (view, reshape when possible, transpose,
 * permute, expand, narrow, select, squeeze, unsqueeze, diagonal, unfold, split, index with numbers and slices)
 * share the base; in-place ops on a view write the base. Every op is available as a method (`x.add(y)`) and as
 * a top-level function (`add(x, y)`); binary ops broadcast and accept plain numbers.
 */
export class Tensor {
  /**
   * The whole typed array this tensor and its views index into (torch's untyped storage). Only the Tensor
   * class, views and in-place writers use it; kernels read `storage`.
   * @internal
   */
  readonly storageBase: TypedArray;
  /**
   * The sizes of the dims, a frozen plain array shared between tensors of one shape. Unlike torch.Size it
   * prints as `64,1,28,28` in a template string (write `[${t.shape.join(", ")}]`): a Size subclass with its
   * own toString was measured at 17.6 → 24 µs per tiny training step (bench/tiny-step.ts), an own toString
   * property at 17.4 → 18.7 µs, so shapes stay plain arrays.
   */
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Accumulated ∂L/∂this after `backward()`, for leaves that require grad and tensors that `retainGrad()`. */
  grad: Tensor | null = null;
  private _requiresGrad = false;
  private _gradFn: Node | null = null;
  /**
   * The version counter (shared with every view of the same array) and, for a view, its layout; null until a
   * plain tensor is first written in place or viewed, so the common tensor carries one field more than its array.
   */
  private _state: TensorState | null;

  /**
   * Wraps `storage` (not copied) as a contiguous tensor of `shape`. The shape is copied and frozen, except that
   * a frozen array (another tensor's `shape`) is immutable already and is shared: ops pass their inputs' shapes
   * on. `layout` is internal: views pass it (through `viewLayout`) to read `storage` with strides and an offset.
   */
  constructor(storage: TypedArray, shape: Shape, dtype: DType = dtypeOfArray(storage), layout?: ViewLayout) {
    const frozen = Object.isFrozen(shape) ? shape : Object.freeze(shape.slice());
    this.storageBase = storage;
    this.shape = frozen;
    this.dtype = dtype;
    if (layout === undefined) {
      if (storage.length !== numel(frozen)) {
        throw new NeuriteError(
          'Tensor',
          `storage has ${storage.length} elements but shape ${fmtShape(shape)} needs ${numel(shape)}`,
        );
      }
      this._state = null;
    } else {
      if (layout.offset < 0 || lastIndex(frozen, layout) >= storage.length) {
        throw new NeuriteError(
          'Tensor',
          `a view of shape ${fmtShape(frozen)}, strides ${fmtShape(layout.strides)} and offset ${layout.offset} ` +
            `reaches past the end of its storage of ${storage.length} elements`,
        );
      }
      const count = numel(frozen);
      const contiguous = isContiguousLayout(frozen, layout.strides);
      const whole = contiguous && layout.offset === 0 && storage.length === count && layout.viewOf === null;
      // detach() and Parameter of a plain tensor share only the counter: no layout, the fast storage path.
      const view: ResolvedLayout | null = whole
        ? null
        : {
            strides: Object.freeze(layout.strides.slice()),
            offset: layout.offset,
            numel: count,
            contiguous,
            viewOf: layout.viewOf,
          };
      this._state = { counter: layout.counter, view };
    }
  }

  /**
   * The elements as one contiguous row-major typed array of numel() entries, for kernels: the base array itself
   * when this tensor covers all of it, a `subarray` of it when contiguous with an offset, and otherwise a fresh
   * copy gathered through the strides. Writing into it reaches this tensor only when it is contiguous: in-place
   * ops write through `writeElements` (src/ops/inplace.ts). Only backends, ops and serializers touch it (ESLint
   * enforces this in src/): read values with dataSync()/toArray()/item() or await data().
   */
  get storage(): TypedArray {
    const base = this.storageBase;
    const state = this._state;
    if (state === null || state.view === null) return base;
    const layout = state.view;
    const { offset, numel: count } = layout;
    if (layout.contiguous) {
      return offset === 0 && base.length === count ? base : base.subarray(offset, offset + count);
    }
    return gatherStrided(base, this.shape, layout, allocate(this.dtype, count));
  }

  // ---- properties -------------------------------------------------------------------------------------

  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  numel(): number {
    const view = this._state?.view;
    return view ? view.numel : this.storageBase.length;
  }

  /** The strides in elements (torch.Tensor.stride): how far apart neighbours along each dim sit in storage. */
  stride(): readonly number[];
  stride(dim: number): number;
  stride(dim?: number): readonly number[] | number {
    const strides = this.strides;
    if (dim === undefined) return strides;
    return strides[ops.normalizeDim('stride', dim, this.ndim)]!;
  }

  /** @internal The strides as a frozen array (row-major ones for a contiguous tensor). */
  get strides(): readonly number[] {
    const view = this._state?.view;
    return view ? view.strides : Object.freeze(stridesOf(this.shape));
  }

  /** @internal The storage offset (storageOffset()); with `strides`, a tensor is a StridedLayout. */
  get offset(): number {
    const view = this._state?.view;
    return view ? view.offset : 0;
  }

  /** Where element 0 sits in the storage, in elements (torch.Tensor.storage_offset). */
  storageOffset(): number {
    return this.offset;
  }

  /** Whether the elements lie row-major without gaps in storage (torch.Tensor.is_contiguous). */
  isContiguous(): boolean {
    const view = this._state?.view;
    return view ? view.contiguous : true;
  }

  /**
   * This tensor when it is contiguous, else a contiguous copy (torch.Tensor.contiguous); differentiable,
   * ∂ = g.
   */
  contiguous(): Tensor {
    return ops.contiguous(this);
  }

  /**
   * How many in-place writes its storage has seen (torch's `_version`), shared by a tensor and all its views.
   * A backward pass that needs a tensor an op saved throws if the number changed since.
   */
  get _version(): number {
    return this._state === null ? 0 : this._state.counter.value;
  }

  /** @internal Counts one in-place write (every in-place writer calls it). */
  _bumpVersion(): void {
    this.versionCounter().value++;
  }

  /**
   * @internal The layout for a view of this tensor's storage with `shape`, `strides` and `offset`: the view
   * shares the version counter and remembers its root tensor.
   */
  viewLayout(strides: readonly number[], offset: number, isView = true): ViewLayout {
    return {
      strides,
      offset,
      counter: this.versionCounter(),
      viewOf: isView ? (this._viewOf ?? this) : null,
    };
  }

  /** @internal The tensor this view was made from (null when this tensor is no view), as PyTorch's `_base`. */
  get viewOf(): Tensor | null {
    return this._viewOf;
  }

  private get _viewOf(): Tensor | null {
    const view = this._state?.view;
    return view ? view.viewOf : null;
  }

  /** The version counter, or null before the first in-place write or view (dispose() reads it). */
  private get _counter(): VersionCounter | null {
    return this._state === null ? null : this._state.counter;
  }

  private versionCounter(): VersionCounter {
    return (this._state ??= { counter: { value: 0 }, view: null }).counter;
  }

  /** The shape, or the size of one dim (negative dims count from the end). */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): readonly number[] | number {
    if (dim === undefined) return this.shape;
    return this.shape[ops.normalizeDim('size', dim, this.ndim)]!;
  }

  /** Whether ops on this tensor are recorded for backward. Settable on leaves only. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(value: boolean) {
    this.requiresGrad_(value);
  }

  /** The node that created this tensor (null for leaves), e.g. `MulBackward`. */
  get gradFn(): Node | null {
    return this._gradFn;
  }

  /** True for tensors created by the user rather than by a recorded op. */
  get isLeaf(): boolean {
    return this._gradFn === null;
  }

  /** @internal Called by autograd's `record` on an op's fresh output. */
  attachGradFn(node: Node): void {
    this._gradFn = node;
    this._requiresGrad = true;
  }

  // ---- conversion -------------------------------------------------------------------------------------

  /**
   * The single value of a one-element tensor (torch.Tensor.item). Synchronous: on a backend that reads only
   * asynchronously it throws, naming `await t.data()`.
   */
  item(): number {
    const data = readSync(this, 'item');
    if (data.length !== 1) {
      throw new ValueError(
        'item',
        `only a tensor with one element can be converted to a number, got shape ${fmtShape(this.shape)}`,
      );
    }
    return data[0]!;
  }

  /**
   * A copy of the elements, row-major, as a typed array of this dtype (bool → Uint8Array); changing it does not
   * change the tensor. Synchronous: on a backend that reads only asynchronously it throws (use `await t.data()`).
   */
  dataSync(): TypedArray {
    return readSync(this, 'dataSync').slice();
  }

  /**
   * The elements as nested JS arrays (booleans for bool tensors; a number for a 0-d tensor), as PyTorch's
   * `tolist()`. Synchronous: on a backend that reads only asynchronously it throws (use `await t.array()`).
   */
  toArray(): NestedArray {
    return nest(readSync(this, 'toArray'), this.shape, this.dtype === 'bool');
  }

  /** A copy of the elements as a typed array, on every backend (the form a GPU backend needs). */
  async data(): Promise<TypedArray> {
    return readAsync(this);
  }

  /** The elements as nested JS arrays, as `toArray()`, on every backend. */
  async array(): Promise<NestedArray> {
    return nest(await readAsync(this), this.shape, this.dtype === 'bool');
  }

  /** PyTorch's print: `tensor([[1., 2.], [3., 4.]], requires_grad=True)` (also what `${t}` gives). */
  toString(): string {
    return formatTensor(this);
  }

  /**
   * What `console.log(t)` and `util.inspect(t)` print in Node: toString(), not the internal fields. Keyed by
   * the registered symbol, so the library imports nothing from node:util and stays browser-safe.
   */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** A copy converted to `dtype` (differentiable between float dtypes). */
  to(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }

  float(): Tensor {
    return this.to('float32');
  }

  double(): Tensor {
    return this.to('float64');
  }

  int(): Tensor {
    return this.to('int32');
  }

  bool(): Tensor {
    return this.to('bool');
  }

  /** A copy with its own storage; gradients flow back to this tensor. */
  clone(): Tensor {
    return ops.clone(this);
  }

  // ---- autograd ---------------------------------------------------------------------------------------

  /** Sets requiresGrad in place and returns this (torch.Tensor.requires_grad_). */
  requiresGrad_(value = true): this {
    if (this._gradFn !== null && !value) {
      throw new NeuriteError(
        'requiresGrad_',
        'cannot turn off requiresGrad on a non-leaf tensor; use detach()',
      );
    }
    if (value && !isFloat(this.dtype)) {
      throw new NeuriteError(
        'requiresGrad_',
        `only floating-point tensors can require grad, got dtype ${this.dtype}`,
      );
    }
    this._requiresGrad = value;
    return this;
  }

  /**
   * Backpropagates from this tensor: adds ∂this/∂leaf to `leaf.grad` for every leaf that requires grad.
   * `gradient` (∂L/∂this) is required unless this tensor has one element.
   */
  backward(gradient?: Tensor, options?: BackwardOptions): void {
    backward(this, gradient, options);
  }

  /** Asks backward() to fill this non-leaf tensor's `.grad` too. */
  retainGrad(): void {
    if (!this._requiresGrad)
      throw new NeuriteError('retainGrad', 'cannot retain the grad of a tensor that does not require grad');
    if (this._gradFn) this._gradFn.retained = this;
  }

  /** A tensor sharing this storage (and its version counter), cut from the graph (requiresGrad false). */
  detach(): Tensor {
    return new Tensor(
      this.storageBase,
      this.shape,
      this.dtype,
      this.viewLayout(this.strides, this.offset, false),
    );
  }

  /**
   * Frees this tensor's storage now rather than when the garbage collector finds it unreachable. Optional: memory
   * stays bounded without it (as in PyTorch, where nothing needs freeing). Storage that views, detach() or an
   * in-place write share is left to the collector. Using the tensor afterwards throws a ValueError.
   */
  dispose(): void {
    disposeTensor(this, this._viewOf === null && this._counter === null);
  }

  // ---- elementwise ------------------------------------------------------------------------------------
  add(other: Operand): Tensor {
    return ops.add(this, other);
  }
  sub(other: Operand): Tensor {
    return ops.sub(this, other);
  }
  mul(other: Operand): Tensor {
    return ops.mul(this, other);
  }
  div(other: Operand): Tensor {
    return ops.div(this, other);
  }
  pow(exponent: Operand): Tensor {
    return ops.pow(this, exponent);
  }
  maximum(other: Operand): Tensor {
    return ops.maximum(this, other);
  }
  minimum(other: Operand): Tensor {
    return ops.minimum(this, other);
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  log1p(): Tensor {
    return ops.log1p(this);
  }
  expm1(): Tensor {
    return ops.expm1(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  rsqrt(): Tensor {
    return ops.rsqrt(this);
  }
  square(): Tensor {
    return ops.square(this);
  }
  reciprocal(): Tensor {
    return ops.reciprocal(this);
  }
  sin(): Tensor {
    return ops.sin(this);
  }
  cos(): Tensor {
    return ops.cos(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  logSigmoid(): Tensor {
    return ops.logSigmoid(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  leakyRelu(negativeSlope?: number): Tensor {
    return ops.leakyRelu(this, negativeSlope);
  }
  elu(alpha?: number): Tensor {
    return ops.elu(this, alpha);
  }
  gelu(approximate?: 'none' | 'tanh'): Tensor {
    return ops.gelu(this, approximate);
  }
  silu(): Tensor {
    return ops.silu(this);
  }
  softplus(beta?: number, threshold?: number): Tensor {
    return ops.softplus(this, beta, threshold);
  }
  clamp(min?: number | null, max?: number | null): Tensor {
    return ops.clamp(this, min, max);
  }
  sign(): Tensor {
    return ops.sign(this);
  }
  floor(): Tensor {
    return ops.floor(this);
  }
  ceil(): Tensor {
    return ops.ceil(this);
  }
  round(): Tensor {
    return ops.round(this);
  }
  /** Elements of this where `condition` holds, else of `other` (torch.Tensor.where). */
  where(condition: Tensor, other: Operand): Tensor {
    return ops.where(condition, this, other);
  }
  eq(other: Operand): Tensor {
    return ops.eq(this, other);
  }
  ne(other: Operand): Tensor {
    return ops.ne(this, other);
  }
  lt(other: Operand): Tensor {
    return ops.lt(this, other);
  }
  le(other: Operand): Tensor {
    return ops.le(this, other);
  }
  gt(other: Operand): Tensor {
    return ops.gt(this, other);
  }
  ge(other: Operand): Tensor {
    return ops.ge(this, other);
  }
  logicalAnd(other: Operand): Tensor {
    return ops.logicalAnd(this, other);
  }
  logicalOr(other: Operand): Tensor {
    return ops.logicalOr(this, other);
  }
  logicalNot(): Tensor {
    return ops.logicalNot(this);
  }
  isNaN(): Tensor {
    return ops.isNaN(this);
  }
  isFinite(): Tensor {
    return ops.isFinite(this);
  }

  // ---- reductions -------------------------------------------------------------------------------------
  sum(dim?: number | readonly number[], keepdim?: boolean): Tensor {
    return ops.sum(this, dim, keepdim);
  }
  mean(dim?: number | readonly number[], keepdim?: boolean): Tensor {
    return ops.mean(this, dim, keepdim);
  }
  prod(dim?: number, keepdim?: boolean): Tensor {
    return ops.prod(this, dim, keepdim);
  }
  max(): Tensor;
  max(dim: number, keepdim?: boolean): ops.ValuesIndices;
  max(dim?: number, keepdim?: boolean): Tensor | ops.ValuesIndices {
    return dim === undefined ? ops.max(this) : ops.max(this, dim, keepdim);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): ops.ValuesIndices;
  min(dim?: number, keepdim?: boolean): Tensor | ops.ValuesIndices {
    return dim === undefined ? ops.min(this) : ops.min(this, dim, keepdim);
  }
  argmax(dim?: number, keepdim?: boolean): Tensor {
    return ops.argmax(this, dim, keepdim);
  }
  amax(dim?: number | readonly number[], keepdim?: boolean): Tensor {
    return ops.amax(this, dim, keepdim);
  }
  amin(dim?: number | readonly number[], keepdim?: boolean): Tensor {
    return ops.amin(this, dim, keepdim);
  }
  any(dim?: number | readonly number[], keepdim?: boolean): Tensor {
    return ops.any(this, dim, keepdim);
  }
  all(dim?: number | readonly number[], keepdim?: boolean): Tensor {
    return ops.all(this, dim, keepdim);
  }
  cumsum(dim: number): Tensor {
    return ops.cumsum(this, dim);
  }
  cumprod(dim: number): Tensor {
    return ops.cumprod(this, dim);
  }
  /** Sorted values and their indices along a dim (default −1), stable, NaN largest (torch.Tensor.sort). */
  sort(options?: ops.SortOptions): ops.ValuesIndices {
    return ops.sort(this, options);
  }
  argsort(options?: ops.SortOptions): Tensor {
    return ops.argsort(this, options);
  }
  topk(k: number, options?: ops.TopkOptions): ops.ValuesIndices {
    return ops.topk(this, k, options);
  }
  /** Category indices drawn from this tensor's rows of probabilities (torch.Tensor.multinomial). */
  multinomial(numSamples: number, options?: ops.MultinomialOptions): Tensor {
    return ops.multinomial(this, numSamples, options);
  }
  tril(diagonal?: number): Tensor {
    return ops.tril(this, diagonal);
  }
  triu(diagonal?: number): Tensor {
    return ops.triu(this, diagonal);
  }
  erf(): Tensor {
    return ops.erf(this);
  }
  argmin(dim?: number, keepdim?: boolean): Tensor {
    return ops.argmin(this, dim, keepdim);
  }
  var(dim?: number | readonly number[], options?: ops.VarOptions): Tensor {
    return ops.variance(this, dim, options);
  }
  std(dim?: number | readonly number[], options?: ops.VarOptions): Tensor {
    return ops.std(this, dim, options);
  }
  logsumexp(dim: number | readonly number[], keepdim?: boolean): Tensor {
    return ops.logsumexp(this, dim, keepdim);
  }
  norm(p?: number, dim?: number | readonly number[], keepdim?: boolean): Tensor {
    return ops.norm(this, p, dim, keepdim);
  }
  softmax(dim: number): Tensor {
    return ops.softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return ops.logSoftmax(this, dim);
  }

  // ---- linear algebra ---------------------------------------------------------------------------------
  matmul(other: Tensor): Tensor {
    return ops.matmul(this, other);
  }
  outer(other: Tensor): Tensor {
    return ops.outer(this, other);
  }
  bmm(other: Tensor): Tensor {
    return ops.bmm(this, other);
  }
  /** β·this + α·(a·b) per batch entry (torch.Tensor.baddbmm). */
  baddbmm(a: Tensor, b: Tensor, options?: ops.BaddbmmOptions): Tensor {
    return ops.baddbmm(this, a, b, options);
  }

  // ---- shape ------------------------------------------------------------------------------------------
  reshape(...shape: number[]): Tensor;
  reshape(shape: readonly number[]): Tensor;
  reshape(...args: (number | readonly number[])[]): Tensor {
    return ops.reshape(this, flattenArgs(args));
  }
  view(...shape: number[]): Tensor;
  view(shape: readonly number[]): Tensor;
  view(...args: (number | readonly number[])[]): Tensor {
    return ops.view(this, flattenArgs(args));
  }
  flatten(startDim?: number, endDim?: number): Tensor {
    return ops.flatten(this, startDim, endDim);
  }
  squeeze(dim?: number | readonly number[]): Tensor {
    return ops.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return ops.unsqueeze(this, dim);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return ops.transpose(this, dim0, dim1);
  }
  permute(...dims: number[]): Tensor;
  permute(dims: readonly number[]): Tensor;
  permute(...args: (number | readonly number[])[]): Tensor {
    return ops.permute(this, flattenArgs(args));
  }
  /** The transpose of a 2-D tensor (reverses the dims of an n-D one, like torch's deprecated .T). */
  get T(): Tensor {
    return ops.permute(
      this,
      this.shape.map((_, i) => this.ndim - 1 - i),
    );
  }
  /** The transpose of the last two dims (torch.Tensor.mT), a view. */
  get mT(): Tensor {
    if (this.ndim < 2)
      throw new ShapeError('mT', `needs a tensor with at least 2 dims, got shape ${fmtShape(this.shape)}`);
    return ops.transpose(this, -2, -1);
  }
  expand(...sizes: number[]): Tensor;
  expand(sizes: readonly number[]): Tensor;
  expand(...args: (number | readonly number[])[]): Tensor {
    return ops.expand(this, flattenArgs(args));
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return ops.broadcastTo(this, shape);
  }
  /** expand to `other`'s shape (torch.Tensor.expand_as), a view. */
  expandAs(other: Tensor): Tensor {
    return ops.expand(this, other.shape);
  }
  /** The diagonal of dims dim1, dim2 as the last dim (torch.Tensor.diagonal), a view. */
  diagonal(offset?: number, dim1?: number, dim2?: number): Tensor {
    return ops.diagonal(this, offset, dim1, dim2);
  }
  /** Windows of `size` every `step` along `dim`, as a new last dim (torch.Tensor.unfold), a view. */
  unfold(dim: number, size: number, step: number): Tensor {
    return ops.unfold(this, dim, size, step);
  }
  /** The slices along `dim` (torch.Tensor.unbind), views. */
  unbind(dim?: number): Tensor[] {
    return ops.unbind(this, dim);
  }
  split(splitSizeOrSections: number | readonly number[], dim?: number): Tensor[] {
    return ops.split(this, splitSizeOrSections, dim);
  }
  chunk(chunks: number, dim?: number): Tensor[] {
    return ops.chunk(this, chunks, dim);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return ops.narrow(this, dim, start, length);
  }
  select(dim: number, index: number): Tensor {
    return ops.select(this, dim, index);
  }
  /** NumPy-style indexing: numbers pick, null keeps a dim, slices cut, int tensors gather (x[0], x[:, idx]). */
  index(...indices: IndexSpec[]): Tensor {
    return ops.index(this, ...indices);
  }
  gather(dim: number, index: Tensor): Tensor {
    return ops.gather(this, dim, index);
  }
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor {
    return ops.scatter(this, dim, index, src);
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return ops.scatterAdd(this, dim, index, src);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return ops.indexSelect(this, dim, index);
  }
  maskedFill(mask: Tensor, value: number | Tensor): Tensor {
    return ops.maskedFill(this, mask, value);
  }
  pad(pad: readonly number[], mode?: PadMode, value?: number): Tensor {
    return ops.pad(this, pad, mode, value);
  }
  repeat(...sizes: number[]): Tensor;
  repeat(sizes: readonly number[]): Tensor;
  repeat(...args: (number | readonly number[])[]): Tensor {
    return ops.repeat(this, flattenArgs(args));
  }
  flip(dims: number | readonly number[]): Tensor {
    return ops.flip(this, dims);
  }
  oneHot(numClasses?: number): Tensor {
    return ops.oneHot(this, numClasses);
  }

  // ---- in place (names end in _) ----------------------------------------------------------------------
  add_(other: Operand): this {
    return ops.add_(this, other);
  }
  sub_(other: Operand): this {
    return ops.sub_(this, other);
  }
  mul_(other: Operand): this {
    return ops.mul_(this, other);
  }
  div_(other: Operand): this {
    return ops.div_(this, other);
  }
  zero_(): this {
    return ops.zero_(this);
  }
  fill_(value: number): this {
    return ops.fill_(this, value);
  }
  copy_(src: Tensor): this {
    return ops.copy_(this, src);
  }
  clamp_(min?: number | null, max?: number | null): this {
    return ops.clamp_(this, min, max);
  }
  maskedFill_(mask: Tensor, value: number | Tensor): this {
    return ops.maskedFill_(this, mask, value);
  }
  uniform_(low?: number, high?: number): this {
    return ops.uniform_(this, low, high);
  }
  normal_(mean?: number, std?: number): this {
    return ops.normal_(this, mean, std);
  }
  /** Each element ← 1 with probability p, else 0 (torch.Tensor.bernoulli_). */
  bernoulli_(p?: number): this {
    return ops.bernoulli_(this, p);
  }
}

/** Row-major `data` of `shape` as nested arrays (a bare value for a 0-d shape). */
function nest(data: TypedArray, shape: readonly number[], asBool: boolean): NestedArray {
  const build = (dim: number, offset: number): NestedArray => {
    if (dim === shape.length) return asBool ? data[offset] !== 0 : data[offset]!;
    const size = shape[dim]!;
    const stride = numel(shape.slice(dim + 1));
    const out: NestedArray[] = new Array(size);
    for (let i = 0; i < size; i++) out[i] = build(dim + 1, offset + i * stride);
    return out;
  };
  return build(0, 0);
}

function flattenArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}

/** @internal Whether an op's inputs need a graph node (grad mode on and some input requires grad). */
export function needsGrad(...inputs: Tensor[]): boolean {
  return isGradEnabled() && inputs.some((t) => t.requiresGrad);
}
