// @file Data-movement kernels (permute) for the reference backend.
import type { TypedArray } from '../../tensor/dtype.js';
import { stridesOf, type Shape } from '../../tensor/shape.js';

/** out's dim i is x's dim perm[i]; out is written in row-major order. */
export function permute(x: TypedArray, shape: Shape, perm: readonly number[], out: TypedArray): void {
  const ndim = shape.length;
  const n = x.length;
  if (n === 0) return;
  if (ndim === 0) {
    out[0] = x[0]!;
    return;
  }
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  const strides = perm.map((p) => inStrides[p]!);
  const last = outShape[ndim - 1]!;
  const innerStride = strides[ndim - 1]!;
  const counter = new Array<number>(ndim).fill(0);
  let base = 0;
  for (let start = 0; start < n; start += last) {
    for (let i = 0, src = base; i < last; i++, src += innerStride) out[start + i] = x[src]!;
    for (let d = ndim - 2; d >= 0; d--) {
      counter[d]!++;
      base += strides[d]!;
      if (counter[d]! < outShape[d]!) break;
      base -= strides[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
}
