// @file Stable sort along the middle axis of [outer, size, inner], with the source index of each value (sort, topk).
import type { TypedArray } from '../../tensor/dtype.js';

/**
 * Sorts each line x[o, :, k] and writes the sorted values and their source indices along the same axis.
 * Ties keep their source order (a stable sort, in both directions); NaN counts as larger than every number,
 * so it comes last ascending and first descending, as in PyTorch.
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
  const line = new Float64Array(size);
  const order = new Array<number>(size);
  const sign = descending ? -1 : 1;
  const compare = (i: number, j: number): number => {
    const a = line[i]!;
    const b = line[j]!;
    if (a === b) return i - j;
    const aNaN = Number.isNaN(a);
    const bNaN = Number.isNaN(b);
    if (aNaN || bNaN) return aNaN && bNaN ? i - j : sign * (aNaN ? 1 : -1);
    return sign * (a < b ? -1 : 1);
  };
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      const start = o * size * inner + k;
      for (let i = 0; i < size; i++) {
        line[i] = x[start + i * inner]!;
        order[i] = i;
      }
      order.sort(compare);
      for (let i = 0; i < size; i++) {
        const from = order[i]!;
        values[start + i * inner] = x[start + from * inner]!;
        indices[start + i * inner] = from;
      }
    }
  }
}
