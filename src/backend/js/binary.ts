// @file Elementwise kernels of two (or three, for where) broadcast inputs for the reference backend.
import type { TypedArray } from '../../tensor/dtype.js';
import { broadcastStrides, shapesEqual, type Shape } from '../../tensor/shape.js';
import type { BinaryOp } from '../types.js';

type Fn = (a: number, b: number) => number;

// NaN if either is NaN (a NaN `a` is returned, a NaN `b` fails the comparison and is returned), else the larger.
const maximum: Fn = (a, b) => (a > b || a !== a ? a : b);
const minimum: Fn = (a, b) => (a < b || a !== a ? a : b);

/**
 * xʸ as C's pow (which PyTorch calls), where JavaScript's Math.pow differs: 1ʸ = 1 for every y, NaN and ±∞
 * included, and (−1)^±∞ = 1; Math.pow gives NaN for both. Everything else (x⁰ = 1 for every x, NaN included)
 * is the same.
 */
export function cPow(x: number, y: number): number {
  if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
  return Math.pow(x, y);
}

export const BINARY: Record<BinaryOp, Fn> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: cPow,
  maximum,
  minimum,
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
};

/** Same shapes: the arithmetic ops with one index for all three arrays, the rest through stridedLoop. */
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
    default:
      stridedLoop(op, a, 0, 1, b, 0, 1, out, 0, n);
  }
}

/** A scalar right operand: the arithmetic ops with the scalar in a register, the rest through stridedLoop. */
function scalarRight(op: BinaryOp, a: TypedArray, b: TypedArray, out: TypedArray): void {
  const n = out.length;
  const s = b[0]!;
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = a[i]! + s;
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = a[i]! - s;
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = a[i]! * s;
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = a[i]! / s;
      return;
    default:
      stridedLoop(op, a, 0, 1, b, 0, 0, out, 0, n);
  }
}

/**
 * b is one row broadcast down a (a bias added to every row): b[j] pairs with a[r·width + j]. The arithmetic ops
 * loop over rows and columns directly; the rest go through stridedLoop a row at a time.
 */
function rowRight(op: BinaryOp, a: TypedArray, b: TypedArray, out: TypedArray, width: number): void {
  const n = out.length;
  switch (op) {
    case 'add':
      for (let r = 0; r < n; r += width) for (let j = 0; j < width; j++) out[r + j] = a[r + j]! + b[j]!;
      return;
    case 'sub':
      for (let r = 0; r < n; r += width) for (let j = 0; j < width; j++) out[r + j] = a[r + j]! - b[j]!;
      return;
    case 'mul':
      for (let r = 0; r < n; r += width) for (let j = 0; j < width; j++) out[r + j] = a[r + j]! * b[j]!;
      return;
    case 'div':
      for (let r = 0; r < n; r += width) for (let j = 0; j < width; j++) out[r + j] = a[r + j]! / b[j]!;
      return;
    default:
      for (let r = 0; r < n; r += width) stridedLoop(op, a, r, 1, b, 0, 1, out, r, width);
  }
}

/**
 * out[o] = BINARY[op](a[ia], b[ib]) for o in [start, start + length), stepping ia by `sa` and ib by `sb`: the
 * loop that every layout reduces to (same shapes: steps 1 and 1; a scalar operand: step 0). Each op has a loop
 * of its own so that no element pays for an indirect call.
 */
function stridedLoop(
  op: BinaryOp,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
  out: TypedArray,
  start: number,
  length: number,
): void {
  const end = start + length;
  switch (op) {
    case 'add':
      for (let o = start; o < end; o++, ia += sa, ib += sb) out[o] = a[ia]! + b[ib]!;
      return;
    case 'sub':
      for (let o = start; o < end; o++, ia += sa, ib += sb) out[o] = a[ia]! - b[ib]!;
      return;
    case 'mul':
      for (let o = start; o < end; o++, ia += sa, ib += sb) out[o] = a[ia]! * b[ib]!;
      return;
    case 'div':
      for (let o = start; o < end; o++, ia += sa, ib += sb) out[o] = a[ia]! / b[ib]!;
      return;
    case 'pow':
      for (let o = start; o < end; o++, ia += sa, ib += sb) out[o] = cPow(a[ia]!, b[ib]!);
      return;
    case 'maximum':
      for (let o = start; o < end; o++, ia += sa, ib += sb) out[o] = maximum(a[ia]!, b[ib]!);
      return;
    case 'minimum':
      for (let o = start; o < end; o++, ia += sa, ib += sb) out[o] = minimum(a[ia]!, b[ib]!);
      return;
    case 'eq':
      for (let o = start; o < end; o++, ia += sa, ib += sb) out[o] = a[ia]! === b[ib]! ? 1 : 0;
      return;
    case 'ne':
      for (let o = start; o < end; o++, ia += sa, ib += sb) out[o] = a[ia]! !== b[ib]! ? 1 : 0;
      return;
    case 'lt':
      for (let o = start; o < end; o++, ia += sa, ib += sb) out[o] = a[ia]! < b[ib]! ? 1 : 0;
      return;
    case 'le':
      for (let o = start; o < end; o++, ia += sa, ib += sb) out[o] = a[ia]! <= b[ib]! ? 1 : 0;
      return;
    case 'gt':
      for (let o = start; o < end; o++, ia += sa, ib += sb) out[o] = a[ia]! > b[ib]! ? 1 : 0;
      return;
    case 'ge':
      for (let o = start; o < end; o++, ia += sa, ib += sb) out[o] = a[ia]! >= b[ib]! ? 1 : 0;
      return;
    default: {
      const f = BINARY[op];
      for (let o = start; o < end; o++, ia += sa, ib += sb) out[o] = f(a[ia]!, b[ib]!);
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
  const n = out.length;
  if (shapesEqual(aShape, bShape)) return sameShape(op, a, b, out);
  if (b.length === 1 && a.length === n) return scalarRight(op, a, b, out);
  const width = outShape[outShape.length - 1];
  if (a.length === n && b.length === width && bShape[bShape.length - 1] === width && width > 0)
    return rowRight(op, a, b, out, width);
  if (a.length === 1 && b.length === n) return stridedLoop(op, a, 0, 0, b, 0, 1, out, 0, n);
  const strides = [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)];
  forEachRow(outShape, strides, (start, length, [oa, ob], [sa, sb]) =>
    stridedLoop(op, a, oa!, sa!, b, ob!, sb!, out, start, length),
  );
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
