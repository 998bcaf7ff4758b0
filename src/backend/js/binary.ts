// @file Elementwise kernels of two (or three, for where) broadcast inputs for the reference backend.
import type { TypedArray } from '../../tensor/dtype.js';
import { broadcastStrides, shapesEqual, type Shape } from '../../tensor/shape.js';
import type { BinaryOp } from '../types.js';

type Fn = (a: number, b: number) => number;

export const BINARY: Record<BinaryOp, Fn> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
};

/** Same-shape loops for the ops that dominate training, free of a per-element call. */
function sameShape(op: BinaryOp, a: TypedArray, b: TypedArray, out: TypedArray): void {
  const n = out.length;
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
      return;
    default: {
      const f = BINARY[op];
      for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!);
    }
  }
}

/**
 * Walks `outShape` in row-major order and calls `body(outIndex, offsets…)` on runs of the innermost dim:
 * `inner(start, length, offsetA, strideA, offsetB, strideB, ...)`. Shared by binary and where.
 */
function forEachRow(
  outShape: Shape,
  strideSets: readonly (readonly number[])[],
  row: (
    outStart: number,
    length: number,
    offsets: readonly number[],
    innerStrides: readonly number[],
  ) => void,
): void {
  const ndim = outShape.length;
  const total = outShape.reduce((p, d) => p * d, 1);
  if (total === 0) return;
  if (ndim === 0) {
    row(
      0,
      1,
      strideSets.map(() => 0),
      strideSets.map(() => 0),
    );
    return;
  }
  const last = outShape[ndim - 1]!;
  const innerStrides = strideSets.map((s) => s[ndim - 1]!);
  const offsets = strideSets.map(() => 0);
  const counter = new Array<number>(ndim).fill(0);
  for (let start = 0; start < total; start += last) {
    row(start, last, offsets, innerStrides);
    for (let d = ndim - 2; d >= 0; d--) {
      counter[d]!++;
      for (let s = 0; s < strideSets.length; s++) offsets[s]! += strideSets[s]![d]!;
      if (counter[d]! < outShape[d]!) break;
      for (let s = 0; s < strideSets.length; s++) offsets[s]! -= strideSets[s]![d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
}

export function binary(
  op: BinaryOp,
  a: TypedArray,
  aShape: Shape,
  b: TypedArray,
  bShape: Shape,
  out: TypedArray,
  outShape: Shape,
): void {
  if (shapesEqual(aShape, bShape)) return sameShape(op, a, b, out);
  const f = BINARY[op];
  if (b.length === 1 && a.length === out.length) {
    const s = b[0]!;
    if (op === 'add') for (let i = 0; i < out.length; i++) out[i] = a[i]! + s;
    else if (op === 'mul') for (let i = 0; i < out.length; i++) out[i] = a[i]! * s;
    else for (let i = 0; i < out.length; i++) out[i] = f(a[i]!, s);
    return;
  }
  const strides = [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)];
  forEachRow(outShape, strides, (start, length, [oa, ob], [sa, sb]) => {
    let ia = oa!;
    let ib = ob!;
    for (let i = 0; i < length; i++, ia += sa!, ib += sb!) out[start + i] = f(a[ia]!, b[ib]!);
  });
}

export function where(
  cond: TypedArray,
  condShape: Shape,
  a: TypedArray,
  aShape: Shape,
  b: TypedArray,
  bShape: Shape,
  out: TypedArray,
  outShape: Shape,
): void {
  const strides = [condShape, aShape, bShape].map((s) => broadcastStrides(s, outShape));
  forEachRow(outShape, strides, (start, length, [oc, oa, ob], [sc, sa, sb]) => {
    let ic = oc!;
    let ia = oa!;
    let ib = ob!;
    for (let i = 0; i < length; i++, ic += sc!, ia += sa!, ib += sb!)
      out[start + i] = cond[ic] ? a[ia]! : b[ib]!;
  });
}

/** Materialises `x` broadcast to `outShape`. */
export function expand(x: TypedArray, shape: Shape, out: TypedArray, outShape: Shape): void {
  const strides = [broadcastStrides(shape, outShape)];
  forEachRow(outShape, strides, (start, length, [ox], [sx]) => {
    let ix = ox!;
    for (let i = 0; i < length; i++, ix += sx!) out[start + i] = x[ix]!;
  });
}
