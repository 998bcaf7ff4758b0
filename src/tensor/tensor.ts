// @file The Tensor class: a strided view (shape, strides, offset) on a typed array, dtype, conversion and autograd; its op methods come from methods.ts.
import { backward, type BackwardOptions } from '../autograd/engine.js';
import type { Node } from '../autograd/node.js';
import { NeuriteError, ShapeError, ValueError, fmtShape } from '../errors.js';
import * as ops from '../ops/index.js';
import { readAsync, readSync } from '../ops/read.js';
import { disposeTensor } from './dispose.js';
import { float64Notice } from './dtype-notice.js';
import { allocate, dtypeOfArray, isFloat, type DType, type TypedArray } from './dtype.js';
import { resolveViewState, type TensorState, type ViewLayout } from './layout.js';
import { TensorOpMethods, bindTensorOps } from './methods.js';
import { nest, type NestedArray } from './nested.js';
import { formatTensor } from './print.js';
import { numel, stridesOf, type Shape } from './shape.js';
import { gatherStrided, type VersionCounter } from './strided.js';

export type { NestedArray } from './nested.js';

/**
 * An n-dimensional array with reverse-mode autograd (torch.Tensor).
 *
 * A tensor is a strided view on a typed array: element (i₀, …, iₙ₋₁) sits at
 * `storageOffset() + Σ iₖ·stride(k)` of its base array. View ops (view, reshape when possible, transpose,
 * permute, expand, narrow, select, squeeze, unsqueeze, diagonal, unfold, split, index with numbers and slices)
 * share the base; in-place ops on a view write the base. Every op is available as a method (`x.add(y)`) and as
 * a top-level function (`add(x, y)`); binary ops broadcast and accept plain numbers. The op methods (elementwise,
 * reductions, linear algebra, shape, in place) are one-line delegations to src/ops in `TensorOpMethods`
 * (src/tensor/methods.ts), which this class extends; this file keeps the data, views' state, conversion and autograd.
 */
export class Tensor extends TensorOpMethods {
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
    super();
    const frozen = Object.isFrozen(shape) ? shape : Object.freeze(shape.slice());
    this.storageBase = storage;
    this.shape = frozen;
    this.dtype = dtype;
    if (dtype === 'float64' && float64Notice !== null) float64Notice();
    if (layout === undefined) {
      if (storage.length !== numel(frozen)) {
        throw new NeuriteError(
          'Tensor',
          `storage has ${storage.length} elements but shape ${fmtShape(shape)} needs ${numel(shape)}`,
        );
      }
      this._state = null;
    } else {
      this._state = resolveViewState(storage, frozen, layout);
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
  override toString(): string {
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
}

// The op methods Tensor inherits (methods.ts imports ops only as types, to stay out of the import cycle) call this.
bindTensorOps(ops);
