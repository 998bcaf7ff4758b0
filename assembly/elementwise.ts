// @file The wasm elementwise kernels, in AssemblyScript: broadcast binary arithmetic and unary functions on f32x4.
//
// Operation codes come from scripts/wasm-opcodes.mjs (generated into assembly/opcodes.generated.ts and
// src/backend/wasm/opcodes.generated.ts); an unknown code traps. Every loop is specialised to one op: `binary`
// switches once and inlines its walk with the op as a constant, which the optimiser folds into each loop body
// (a loop that switched per vector measured 0.30 ms for add on 1000×1000, the specialised one 0.15 ms).

import { expVec, sigmoidGroup, sigmoidVec, tanhGroup, tanhVec } from './simd-math';

import {
  BINARY_ADD as ADD,
  BINARY_DIV as DIV,
  BINARY_MAXIMUM as MAXIMUM,
  BINARY_MINIMUM as MINIMUM,
  BINARY_MUL as MUL,
  BINARY_SUB as SUB,
  UNARY_ABS as ABS,
  UNARY_CLAMP as CLAMP,
  UNARY_EXP as EXP,
  UNARY_LEAKY_RELU as LEAKY_RELU,
  UNARY_NEG as NEG,
  UNARY_RECIPROCAL as RECIPROCAL,
  UNARY_RELU as RELU,
  UNARY_RSQRT as RSQRT,
  UNARY_SIGMOID as SIGMOID,
  UNARY_SQRT as SQRT,
  UNARY_SQUARE as SQUARE,
  UNARY_TANH as TANH,
} from './opcodes.generated';

/** maximum/minimum as the js kernels define them: a if it is larger (smaller) or NaN, else b. */
function binaryVec(op: i32, x: v128, y: v128): v128 {
  switch (op) {
    case ADD:
      return f32x4.add(x, y);
    case SUB:
      return f32x4.sub(x, y);
    case MUL:
      return f32x4.mul(x, y);
    case DIV:
      return f32x4.div(x, y);
    case MAXIMUM:
      return v128.bitselect(x, y, v128.or(f32x4.gt(x, y), f32x4.ne(x, x)));
    case MINIMUM:
      return v128.bitselect(x, y, v128.or(f32x4.lt(x, y), f32x4.ne(x, x)));
    default:
      unreachable();
      return x;
  }
}

function binaryOne(op: i32, x: f32, y: f32): f32 {
  switch (op) {
    case ADD:
      return x + y;
    case SUB:
      return x - y;
    case MUL:
      return x * y;
    case DIV:
      return x / y;
    case MAXIMUM:
      return x > y || x != x ? x : y;
    case MINIMUM:
      return x < y || x != x ? x : y;
    default:
      unreachable();
      return x;
  }
}

/**
 * out[i] = a[i·sa] ∘ b[i·sb] for i < n; strides in elements, 0 for a broadcast operand. The vector loops do four
 * vectors (one cache line) per turn, then single vectors, then single elements (measured on add 1000×1000: one
 * vector per turn 0.15 ms, four 0.11 ms).
 */
function binaryRow(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  const lines = (<usize>(n >> 4)) << 6;
  const vectors = (<usize>(n >> 2)) << 4;
  let o: usize = 0;
  if (sa == 1 && sb == 1) {
    for (; o < lines; o += 64) {
      const pa = a + o;
      const pb = b + o;
      const po = out + o;
      v128.store(po, inline.always(binaryVec(op, v128.load(pa), v128.load(pb))));
      v128.store(po, inline.always(binaryVec(op, v128.load(pa, 16), v128.load(pb, 16))), 16);
      v128.store(po, inline.always(binaryVec(op, v128.load(pa, 32), v128.load(pb, 32))), 32);
      v128.store(po, inline.always(binaryVec(op, v128.load(pa, 48), v128.load(pb, 48))), 48);
    }
    for (; o < vectors; o += 16) {
      v128.store(out + o, inline.always(binaryVec(op, v128.load(a + o), v128.load(b + o))));
    }
  } else if (sa == 1 && sb == 0) {
    const y = v128.load32_splat(b);
    for (; o < lines; o += 64) {
      const pa = a + o;
      const po = out + o;
      v128.store(po, inline.always(binaryVec(op, v128.load(pa), y)));
      v128.store(po, inline.always(binaryVec(op, v128.load(pa, 16), y)), 16);
      v128.store(po, inline.always(binaryVec(op, v128.load(pa, 32), y)), 32);
      v128.store(po, inline.always(binaryVec(op, v128.load(pa, 48), y)), 48);
    }
    for (; o < vectors; o += 16) v128.store(out + o, inline.always(binaryVec(op, v128.load(a + o), y)));
  } else if (sa == 0 && sb == 1) {
    const x = v128.load32_splat(a);
    for (; o < lines; o += 64) {
      const pb = b + o;
      const po = out + o;
      v128.store(po, inline.always(binaryVec(op, x, v128.load(pb))));
      v128.store(po, inline.always(binaryVec(op, x, v128.load(pb, 16))), 16);
      v128.store(po, inline.always(binaryVec(op, x, v128.load(pb, 32))), 32);
      v128.store(po, inline.always(binaryVec(op, x, v128.load(pb, 48))), 48);
    }
    for (; o < vectors; o += 16) v128.store(out + o, inline.always(binaryVec(op, x, v128.load(b + o))));
  } else {
    o = 0;
  }
  for (let i = <i32>(o >> 2); i < n; i++) {
    const x = load<f32>(a + ((<usize>i * sa) << 2));
    const y = load<f32>(b + ((<usize>i * sb) << 2));
    store<f32>(out + ((<usize>i) << 2), inline.always(binaryOne(op, x, y)));
  }
}

/** binary's loops for one op; inlined (inline.always) into each case of binary's switch with `op` a constant. */
function binaryWalk(
  op: i32,
  a: usize,
  b: usize,
  out: usize,
  d0: i32,
  d1: i32,
  d2: i32,
  d3: i32,
  a0: i32,
  a1: i32,
  a2: i32,
  a3: i32,
  b0: i32,
  b1: i32,
  b2: i32,
  b3: i32,
): void {
  let o = out;
  const row = (<usize>d3) << 2;
  for (let i0 = 0; i0 < d0; i0++) {
    for (let i1 = 0; i1 < d1; i1++) {
      for (let i2 = 0; i2 < d2; i2++) {
        const ia = (<usize>(i0 * a0 + i1 * a1 + i2 * a2)) << 2;
        const ib = (<usize>(i0 * b0 + i1 * b1 + i2 * b2)) << 2;
        inline.always(binaryRow(op, a + ia, a3, b + ib, b3, o, d3));
        o += row;
      }
    }
  }
}

/*
 * Each op's loops as a function of its own, called from binary's switch. Inlined into one function, the six
 * copies kept `op` as a variable: Binaryen did not fold it there, so every vector step went through a jump table
 * on it (41 indirect jumps in TurboFan's code). A small function has one op, which the optimizer folds into every
 * step (1000×1000, Zen: add 0.25 → 0.23 ms, a broadcast row 0.25 → 0.17, maximum 0.27 → 0.22).
 */
// prettier-ignore
function binaryAdd(a: usize, b: usize, out: usize, d0: i32, d1: i32, d2: i32, d3: i32, a0: i32, a1: i32, a2: i32, a3: i32, b0: i32, b1: i32, b2: i32, b3: i32): void { inline.always(binaryWalk(ADD, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3)); }
// prettier-ignore
function binarySub(a: usize, b: usize, out: usize, d0: i32, d1: i32, d2: i32, d3: i32, a0: i32, a1: i32, a2: i32, a3: i32, b0: i32, b1: i32, b2: i32, b3: i32): void { inline.always(binaryWalk(SUB, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3)); }
// prettier-ignore
function binaryMul(a: usize, b: usize, out: usize, d0: i32, d1: i32, d2: i32, d3: i32, a0: i32, a1: i32, a2: i32, a3: i32, b0: i32, b1: i32, b2: i32, b3: i32): void { inline.always(binaryWalk(MUL, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3)); }
// prettier-ignore
function binaryDiv(a: usize, b: usize, out: usize, d0: i32, d1: i32, d2: i32, d3: i32, a0: i32, a1: i32, a2: i32, a3: i32, b0: i32, b1: i32, b2: i32, b3: i32): void { inline.always(binaryWalk(DIV, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3)); }
// prettier-ignore
function binaryMaximum(a: usize, b: usize, out: usize, d0: i32, d1: i32, d2: i32, d3: i32, a0: i32, a1: i32, a2: i32, a3: i32, b0: i32, b1: i32, b2: i32, b3: i32): void { inline.always(binaryWalk(MAXIMUM, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3)); }
// prettier-ignore
function binaryMinimum(a: usize, b: usize, out: usize, d0: i32, d1: i32, d2: i32, d3: i32, a0: i32, a1: i32, a2: i32, a3: i32, b0: i32, b1: i32, b2: i32, b3: i32): void { inline.always(binaryWalk(MINIMUM, a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3)); }

/**
 * out (shape [d0, d1, d2, d3], contiguous) = a ∘ b, each operand read with its own element strides (0 along
 * broadcast dims). The host merges dims so that four are enough.
 */
export function binary(
  op: i32,
  a: usize,
  b: usize,
  out: usize,
  d0: i32,
  d1: i32,
  d2: i32,
  d3: i32,
  a0: i32,
  a1: i32,
  a2: i32,
  a3: i32,
  b0: i32,
  b1: i32,
  b2: i32,
  b3: i32,
): void {
  switch (op) {
    case ADD:
      binaryAdd(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3);
      break;
    case SUB:
      binarySub(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3);
      break;
    case MUL:
      binaryMul(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3);
      break;
    case DIV:
      binaryDiv(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3);
      break;
    case MAXIMUM:
      binaryMaximum(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3);
      break;
    case MINIMUM:
      binaryMinimum(a, b, out, d0, d1, d2, d3, a0, a1, a2, a3, b0, b1, b2, b3);
      break;
    default:
      unreachable();
  }
}

/** One vector of a cheap unary op (unary inlines it with `op` a constant); lo, hi: its parameters as vectors. */
function unaryVec(op: i32, v: v128, lo: v128, hi: v128): v128 {
  const zero = f32x4.splat(0);
  switch (op) {
    case NEG:
      return f32x4.neg(v);
    case ABS:
      return f32x4.abs(v);
    case RELU: // x if x > 0 or NaN, else +0
      return v128.andnot(v, f32x4.le(v, zero));
    case SQUARE:
      return f32x4.mul(v, v);
    case SQRT:
      return f32x4.sqrt(v);
    case RSQRT:
      return f32x4.div(f32x4.splat(1), f32x4.sqrt(v));
    case RECIPROCAL:
      return f32x4.div(f32x4.splat(1), v);
    case LEAKY_RELU: // lo = negative slope
      return v128.bitselect(v, f32x4.mul(v, lo), f32x4.gt(v, zero));
    case CLAMP: {
      // min(max(x, lo), hi), so hi wins when lo > hi (as in PyTorch); NaN stays NaN
      const raised = v128.bitselect(lo, v, f32x4.lt(v, lo));
      return v128.bitselect(hi, raised, f32x4.gt(raised, hi));
    }
    default:
      unreachable();
      return v;
  }
}

/** unary's loop for one cheap op, four vectors (a cache line) per turn (relu 1000×1000: 0.13 → 0.09 ms). */
function unaryWalk(op: i32, x: usize, out: usize, n: i32, p0: f32, p1: f32): void {
  const lo = f32x4.splat(p0);
  const hi = f32x4.splat(p1);
  const bytes = ((<usize>(n + 3)) >> 2) << 4;
  const lines = bytes & ~(<usize>63);
  let o: usize = 0;
  for (; o < lines; o += 64) {
    const px = x + o;
    const po = out + o;
    const v0 = v128.load(px);
    const v1 = v128.load(px, 16);
    const v2 = v128.load(px, 32);
    const v3 = v128.load(px, 48);
    v128.store(po, inline.always(unaryVec(op, v0, lo, hi)));
    v128.store(po, inline.always(unaryVec(op, v1, lo, hi)), 16);
    v128.store(po, inline.always(unaryVec(op, v2, lo, hi)), 32);
    v128.store(po, inline.always(unaryVec(op, v3, lo, hi)), 48);
  }
  for (; o < bytes; o += 16) v128.store(out + o, inline.always(unaryVec(op, v128.load(x + o), lo, hi)));
}

/**
 * out[i] = f(x[i]; p0, p1) for i < n, in place when x = out. Works in whole vectors: the host's regions are
 * padded to 64 bytes, so the up to three elements past n are scratch (computed, never copied out). One loop
 * per op keeps the dispatch out of the loops.
 */
export function unary(op: i32, x: usize, out: usize, n: i32, p0: f32, p1: f32): void {
  const end = x + (((<usize>(n + 3)) >> 2) << 4);
  const delta = out - x;
  switch (op) {
    case NEG:
      inline.always(unaryWalk(NEG, x, out, n, p0, p1));
      break;
    case ABS:
      inline.always(unaryWalk(ABS, x, out, n, p0, p1));
      break;
    case RELU:
      inline.always(unaryWalk(RELU, x, out, n, p0, p1));
      break;
    case SQUARE:
      inline.always(unaryWalk(SQUARE, x, out, n, p0, p1));
      break;
    case SQRT:
      inline.always(unaryWalk(SQRT, x, out, n, p0, p1));
      break;
    case RSQRT:
      inline.always(unaryWalk(RSQRT, x, out, n, p0, p1));
      break;
    case RECIPROCAL:
      inline.always(unaryWalk(RECIPROCAL, x, out, n, p0, p1));
      break;
    case LEAKY_RELU:
      inline.always(unaryWalk(LEAKY_RELU, x, out, n, p0, p1));
      break;
    case CLAMP:
      inline.always(unaryWalk(CLAMP, x, out, n, p0, p1));
      break;
    // the vector math keeps many registers live: one vector per turn, but sigmoid's and tanh's chains (ending in a
    // division) are long enough that interleaved vectors pay (sigmoidGroup: four, tanhGroup: two)
    case EXP:
      for (let p = x; p < end; p += 16) v128.store(p + delta, inline.always(expVec(v128.load(p))));
      break;
    case SIGMOID: {
      let p = x;
      for (; p + 48 < end; p += 64) inline.always(sigmoidGroup(p, p + delta));
      for (; p < end; p += 16) v128.store(p + delta, inline.always(sigmoidVec(v128.load(p))));
      break;
    }
    case TANH: {
      let p = x;
      for (; p + 16 < end; p += 32) inline.always(tanhGroup(p, p + delta));
      for (; p < end; p += 16) v128.store(p + delta, inline.always(tanhVec(v128.load(p))));
      break;
    }
    default:
      unreachable();
  }
}

/**
 * out[i] = g[i]·f′ᵢ, the fused activation gradients (Backend.unaryGrad), in float32 exactly as the js kernel:
 * RELU: (x ≤ 0 ? 0 : g) from the input x (a select, as PyTorch's threshold_backward: an infinite g stays out of
 * the zeros, and a NaN x passes g); SIGMOID: g·(y·(1 − y)); TANH: g·(1 − y²) from the output y. Whole
 * vectors, as `unary` (the host pads each region to 64 bytes); `out` may be `g` itself.
 */
export function unaryGrad(op: i32, g: usize, saved: usize, out: usize, n: i32): void {
  const bytes = ((<usize>(n + 3)) >> 2) << 4;
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  switch (op) {
    case RELU:
      for (let i: usize = 0; i < bytes; i += 16) {
        v128.store(out + i, v128.andnot(v128.load(g + i), f32x4.le(v128.load(saved + i), zero)));
      }
      break;
    case SIGMOID:
      for (let i: usize = 0; i < bytes; i += 16) {
        const y = v128.load(saved + i);
        v128.store(out + i, f32x4.mul(v128.load(g + i), f32x4.mul(y, f32x4.sub(one, y))));
      }
      break;
    case TANH:
      for (let i: usize = 0; i < bytes; i += 16) {
        const y = v128.load(saved + i);
        v128.store(out + i, f32x4.mul(v128.load(g + i), f32x4.sub(one, f32x4.mul(y, y))));
      }
      break;
    default:
      unreachable();
  }
}
