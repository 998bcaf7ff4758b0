// @file The smallest and largest entry of an int32 index tensor, read on the host through the host gate (index checks before a lookup).
import { hostValues } from '../tensor/host-gate.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * [min, max] of the entries of the non-empty int32 tensor `index`, for range checks before a lookup. It reads the
 * indices on the host like every index check (`hostValues`): on a device backend that works while the indices
 * are host-current (made on the host, as indices usually are) and is a NeuriteError naming `op` otherwise, never
 * a GPU round trip or a synchronous read of a GPU result.
 */
export function indexExtremes(op: string, index: Tensor): [number, number] {
  const values = hostValues(index.storage, op);
  let lowest = Infinity;
  let highest = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lowest) lowest = v;
    if (v > highest) highest = v;
  }
  return [lowest, highest];
}
