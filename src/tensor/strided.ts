// @file Strided layouts: contiguity, PyTorch's view-stride rule, and the gather/scatter loops between a strided view and a row-major array.
import type { TypedArray } from './dtype.js';
import { hostGate } from './host-gate.js';
import { stridesOf } from './shape.js';

/** How a view indexes its base array: element i₀,…,iₙ₋₁ sits at offset + Σ iₖ·strides[k]. */
export interface StridedLayout {
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * The in-place write counter shared by a storage and all its views (PyTorch's version counter, `t._version`):
 * every in-place op bumps it, and a backward pass that needs a saved tensor compares it with the value it saw.
 */
export interface VersionCounter {
  value: number;
}

/**
 * Whether `strides` lay `shape` out row-major without gaps (torch.Tensor.is_contiguous): size-1 dims may have
 * any stride, and an empty tensor is contiguous.
 */
export function isContiguousLayout(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    if (size === 0) return true;
    if (size === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= size;
  }
  return true;
}

/** The largest index a layout reaches (−1 for an empty tensor). */
export function lastIndex(shape: readonly number[], layout: StridedLayout): number {
  let last = layout.offset;
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 0) return -1;
    last += (size - 1) * layout.strides[d]!;
  }
  return last;
}

/**
 * The strides that let a tensor of `shape`/`strides` be read as `target` without copying, or null when none
 * exist (PyTorch's computeStride, behind view and reshape): each run of dims that is contiguous within itself
 * must be split or merged into target dims that cover it exactly.
 */
export function viewStrides(
  shape: readonly number[],
  strides: readonly number[],
  target: readonly number[],
): number[] | null {
  if (shape.length === 0 || isContiguousLayout(shape, strides)) return stridesOf(target);
  const out = new Array<number>(target.length);
  let viewDim = target.length - 1;
  let chunkStride = strides[strides.length - 1]!;
  let tensorCount = 1;
  let viewCount = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorCount *= shape[d]!;
    const chunkEnds = d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorCount * chunkStride);
    if (!chunkEnds) continue;
    while (viewDim >= 0 && (viewCount < tensorCount || target[viewDim] === 1)) {
      out[viewDim] = viewCount * chunkStride;
      viewCount *= target[viewDim]!;
      viewDim--;
    }
    if (viewCount !== tensorCount) return null;
    if (d > 0) {
      chunkStride = strides[d - 1]!;
      tensorCount = 1;
      viewCount = 1;
    }
  }
  return viewDim === -1 ? out : null;
}

/** Merges neighbouring dims that are laid out as one (stride[d] = stride[d+1]·size[d+1]), for longer inner loops. */
function coalesce(shape: readonly number[], strides: readonly number[]): [number[], number[]] {
  const sizes: number[] = [];
  const steps: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = sizes.length - 1;
    if (last >= 0 && steps[last] === strides[d]! * size) {
      sizes[last] = sizes[last]! * size;
      steps[last] = strides[d]!;
    } else {
      sizes.push(size);
      steps.push(strides[d]!);
    }
  }
  if (sizes.length === 0) return [[1], [1]];
  return [sizes, steps];
}

/**
 * Visits the layout row by row: `row(start, count, step)` for each run of the innermost dim, in row-major order
 * of the view. The caller walks its own contiguous position alongside (count elements per call).
 */
function forEachRow(
  shape: readonly number[],
  layout: StridedLayout,
  row: (start: number, count: number, step: number) => void,
): void {
  for (let d = 0; d < shape.length; d++) if (shape[d] === 0) return;
  const [sizes, steps] = coalesce(shape, layout.strides);
  const inner = sizes.length - 1;
  const count = sizes[inner]!;
  const step = steps[inner]!;
  const counters = new Array<number>(inner).fill(0);
  let start = layout.offset;
  for (;;) {
    row(start, count, step);
    let d = inner - 1;
    for (; d >= 0; d--) {
      start += steps[d]!;
      if (++counters[d]! < sizes[d]!) break;
      start -= steps[d]! * sizes[d]!;
      counters[d] = 0;
    }
    if (d < 0) return;
  }
}

/** Copies the view (base, shape, layout) into `out`, row-major: the materialized `storage` of a strided tensor. */
export function gatherStrided<T extends TypedArray>(
  base: TypedArray,
  shape: readonly number[],
  layout: StridedLayout,
  out: T,
): T {
  if (hostGate !== null && hostGate.gather(base, shape, layout, out)) return out;
  let at = 0;
  forEachRow(shape, layout, (start, count, step) => {
    if (step === 1 && count > 16) out.set(base.subarray(start, start + count) as T, at);
    else if (step === 0) out.fill(base[start]!, at, at + count);
    else for (let j = 0, p = start; j < count; j++, p += step) out[at + j] = base[p]!;
    at += count;
  });
  return out;
}

/** Writes the row-major `values` through the view (base, shape, layout): the inverse of gatherStrided. */
export function scatterStrided(
  values: TypedArray,
  base: TypedArray,
  shape: readonly number[],
  layout: StridedLayout,
): void {
  if (hostGate !== null && hostGate.scatter(values, base, shape, layout)) return;
  let at = 0;
  forEachRow(shape, layout, (start, count, step) => {
    if (step === 1 && count > 16) base.set(values.subarray(at, at + count) as Float64Array, start);
    else for (let j = 0, p = start; j < count; j++, p += step) base[p] = values[at + j]!;
    at += count;
  });
}

/**
 * Whether two elements of the view share one memory location (a stride-0 dim of size > 1, as expand makes):
 * PyTorch refuses to write into such a tensor in place.
 */
export function hasInternalOverlap(shape: readonly number[], strides: readonly number[]): boolean {
  for (let d = 0; d < shape.length; d++) if (strides[d] === 0 && shape[d]! > 1) return true;
  return false;
}

/** Adds the row-major `values` through the view (base, shape, layout); overlapping elements accumulate. */
export function accumulateStrided(
  values: TypedArray,
  base: TypedArray,
  shape: readonly number[],
  layout: StridedLayout,
): void {
  if (hostGate !== null) {
    hostGate.readable(values, 'accumulate');
    hostGate.written(base, 'accumulate');
  }
  let at = 0;
  forEachRow(shape, layout, (start, count, step) => {
    for (let j = 0, p = start; j < count; j++, p += step) base[p] = base[p]! + values[at + j]!;
    at += count;
  });
}

/**
 * For a view that is an expand of contiguous elements (stride 0 exactly where it repeats), the shape of those
 * elements, with size 1 in the repeated dims: a broadcasting kernel reads them in place and broadcasts them to
 * `shape` itself. Null for any other layout.
 */
export function broadcastSourceShape(shape: readonly number[], strides: readonly number[]): number[] | null {
  let repeats = false;
  const source = new Array<number>(shape.length);
  for (let d = 0; d < shape.length; d++) {
    const repeated = strides[d] === 0 && shape[d]! > 1;
    repeats ||= repeated;
    source[d] = repeated ? 1 : shape[d]!;
  }
  return repeats && isContiguousLayout(source, strides) ? source : null;
}
