// @file Stable sort along the middle axis of [outer, size, inner], with the source index of each value (sort, topk).
import type { TypedArray } from '../../tensor/dtype.js';

/** Runs shorter than this are sorted by insertion before the merge passes. */
const RUN = 16;

/**
 * Sorts each line x[o, :, k] and writes the sorted values and their source indices along the same axis.
 * Ties keep their source order (a stable sort, in both directions); NaN counts as larger than every number,
 * so it comes last ascending and first descending, as in PyTorch. NaNs are set apart first, so the merge sort
 * (insertion-sorted runs of 16, then bottom-up merges) compares plain numbers only.
 */
export function sort(
  x: TypedArray,
  outer: number,
  size: number,
  inner: number,
  descending: boolean,
  values: TypedArray,
  indices: Int32Array,
): void {
  const keys = new Float64Array(size);
  const order = new Int32Array(size);
  const scratch = new Int32Array(size);
  const nans = new Int32Array(size);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      const start = o * size * inner + k;
      let count = 0;
      let nanCount = 0;
      for (let i = 0; i < size; i++) {
        const v = x[start + i * inner]!;
        keys[i] = descending ? -v : v; // negated keys sort descending with the same stable ascending sort
        if (Number.isNaN(v)) nans[nanCount++] = i;
        else order[count++] = i;
      }
      const sorted = mergeSort(keys, order, scratch, count);
      const nanAt = descending ? 0 : count;
      const numbersAt = descending ? nanCount : 0;
      for (let i = 0; i < nanCount; i++) write(x, start, inner, nanAt + i, nans[i]!, values, indices);
      for (let i = 0; i < count; i++) write(x, start, inner, numbersAt + i, sorted[i]!, values, indices);
    }
  }
}

function write(
  x: TypedArray,
  start: number,
  inner: number,
  at: number,
  from: number,
  values: TypedArray,
  indices: Int32Array,
): void {
  values[start + at * inner] = x[start + from * inner]!;
  indices[start + at * inner] = from;
}

/**
 * Stable ascending sort of the first n entries of `order` (indices into `keys`, none NaN); returns the array
 * (`order` or `scratch`) that holds the result.
 */
function mergeSort(keys: Float64Array, order: Int32Array, scratch: Int32Array, n: number): Int32Array {
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const item = order[i]!;
      const key = keys[item]!;
      let j = i - 1;
      while (j >= lo && keys[order[j]!]! > key) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = item;
    }
  }
  let from = order;
  let to = scratch;
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let out = lo;
      while (i < mid && j < hi) to[out++] = keys[from[j]!]! < keys[from[i]!]! ? from[j++]! : from[i++]!;
      while (i < mid) to[out++] = from[i++]!;
      while (j < hi) to[out++] = from[j++]!;
    }
    [from, to] = [to, from];
  }
  return from;
}
