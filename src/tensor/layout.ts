// @file What a Tensor keeps beyond its array once written in place or viewed: the shared version counter and a view's resolved layout.
import { NeuriteError, fmtShape } from '../errors.js';
import type { TypedArray } from './dtype.js';
import { numel } from './shape.js';
import { isContiguousLayout, lastIndex, type StridedLayout, type VersionCounter } from './strided.js';
import type { Tensor } from './tensor.js';

/** What a tensor keeps beyond its array once written or viewed: the shared version counter, a view's layout. */
export interface TensorState {
  readonly counter: VersionCounter;
  readonly view: ResolvedLayout | null;
}

/** A view's layout as the Tensor keeps it: strides, offset, element count, contiguity, the tensor it views. */
export interface ResolvedLayout extends StridedLayout {
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
 * The state of a tensor of `shape` that reads `storage` through `layout` (the Tensor constructor's view path):
 * checks that the layout stays inside the storage, and keeps no layout object when the view is exactly the whole
 * array, row-major (detach() and Parameter of a plain tensor share only the counter: the fast storage path).
 */
export function resolveViewState(
  storage: TypedArray,
  shape: readonly number[],
  layout: ViewLayout,
): TensorState {
  if (layout.offset < 0 || lastIndex(shape, layout) >= storage.length) {
    throw new NeuriteError(
      'Tensor',
      `a view of shape ${fmtShape(shape)}, strides ${fmtShape(layout.strides)} and offset ${layout.offset} ` +
        `reaches past the end of its storage of ${storage.length} elements`,
    );
  }
  const count = numel(shape);
  const contiguous = isContiguousLayout(shape, layout.strides);
  const whole = contiguous && layout.offset === 0 && storage.length === count && layout.viewOf === null;
  const view: ResolvedLayout | null = whole
    ? null
    : {
        strides: Object.freeze(layout.strides.slice()),
        offset: layout.offset,
        numel: count,
        contiguous,
        viewOf: layout.viewOf,
      };
  return { counter: layout.counter, view };
}
