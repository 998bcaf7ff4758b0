// @file Matrix-multiply kernel for the reference backend: packed panels, cache blocking, an 8×4 tile unrolled 3 deep in k.
import type { FloatArray } from '../../tensor/dtype.js';

const MR = 8; // rows of the micro-tile
const NR = 4; // columns of the micro-tile
const KU = 3; // k steps per micro-kernel iteration; packed panels are zero-padded to a multiple of KU
const KC = 256; // depth of one packed block: a B micro-panel (KC·NR doubles) stays in L1
const MC = 128; // rows of A packed at once (MC·KC doubles, in L2); a multiple of MR
const NC = 512; // columns of B packed at once (KC·NC doubles, in L2/L3); a multiple of NR
const KC_PADDED = Math.ceil(KC / KU) * KU;
/** Below this many multiply-adds, or with fewer rows than this, packing costs more than it saves (measured). */
const SMALL = 12 * 12 * 12;
const MIN_ROWS = 4;

// Packed panels and the accumulator tile live at module level, allocated once (1.3 MB). Beyond saving
// allocations this matters for speed: V8 treats a module-level `const` typed array as a constant, so the
// kernel's loads need no reload of the array's base and length on each access.
// That holds until an ArrayBuffer is detached anywhere in the process (growing WebAssembly memory does it);
// from then on V8 re-checks typed arrays on access and this kernel runs about 35% slower.
const PACKED_A = new Float64Array(MC * KC_PADDED); // panel-major: [MC/MR panels][kc][MR]
const PACKED_B = new Float64Array(NC * KC_PADDED); // panel-major: [NC/NR panels][kc][NR]
const ACC = new Float64Array(MR * NR); // the micro-tile's sums, row-major; all zero between kernel calls
const ROW = new Float64Array(1024); // one row of sums for the small path
const AXPY_MIN_WIDTH = 32; // narrower outputs use dot products

/**
 * C = op(A)·op(B) for every batch entry, accumulated in float64 within each KC-deep block.
 *
 * Large products follow the GotoBLAS scheme: blocks of op(A) and op(B) are packed into float64 micro-panels so
 * that the micro-kernel reads both sequentially. The micro-kernel keeps its 8×4 sums in a small constant
 * Float64Array rather than in local variables: V8 (16 XMM registers, no register-pressure-aware scheduling)
 * spills a 32-variable tile badly, whereas a load-add-store on a constant array costs four instructions and
 * interleaves well. Summing three k steps before each accumulator update amortises that load and store.
 */
export function matmul(
  a: FloatArray,
  aOffsets: readonly number[],
  b: FloatArray,
  bOffsets: readonly number[],
  out: FloatArray,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  // Element (i, p) of op(A) is a[aOff + i·ars + p·acs]; element (p, j) of op(B) is b[bOff + p·brs + j·bcs].
  const ars = transA ? 1 : k;
  const acs = transA ? m : 1;
  const brs = transB ? 1 : n;
  const bcs = transB ? k : 1;
  const small = m * n * k < SMALL || m < MIN_ROWS || k === 0;
  for (let batch = 0; batch < aOffsets.length; batch++) {
    const aOff = aOffsets[batch]!;
    const bOff = bOffsets[batch]!;
    const cOff = batch * m * n;
    if (small) simple(a, aOff, ars, acs, b, bOff, brs, bcs, out, cOff, m, k, n);
    else blocked(a, aOff, ars, acs, b, bOff, brs, bcs, out, cOff, m, k, n);
  }
}

/**
 * Unpacked product for small sizes, accumulated in float64 with no allocation. Wide outputs whose op(B) rows
 * are contiguous add a(i,p)·B[p,:] into a row of sums four p at a time (sequential reads of B); otherwise each
 * output is a dot product along p, four columns at a time so that each a(i,p) is loaded once per four.
 */
function simple(
  a: FloatArray,
  aOff: number,
  ars: number,
  acs: number,
  b: FloatArray,
  bOff: number,
  brs: number,
  bcs: number,
  c: FloatArray,
  cOff: number,
  m: number,
  k: number,
  n: number,
): void {
  if (bcs === 1 && n >= AXPY_MIN_WIDTH) axpyRows(a, aOff, ars, acs, b, bOff, brs, c, cOff, m, k, n);
  else dotProducts(a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, m, k, n);
}

function dotProducts(
  a: FloatArray,
  aOff: number,
  ars: number,
  acs: number,
  b: FloatArray,
  bOff: number,
  brs: number,
  bcs: number,
  c: FloatArray,
  cOff: number,
  m: number,
  k: number,
  n: number,
): void {
  let i = 0;
  // Narrow outputs (n < 4, e.g. a layer with 1 to 3 units): four rows at a time, so that each b(p, j) is loaded
  // once per four and four independent sums are in flight.
  if (n < 4) {
    for (; i + 4 <= m; i += 4) {
      const aRow = aOff + i * ars;
      const cRow = cOff + i * n;
      for (let j = 0; j < n; j++) {
        let s0 = 0,
          s1 = 0,
          s2 = 0,
          s3 = 0;
        for (let p = 0, ia = aRow, ib = bOff + j * bcs; p < k; p++, ia += acs, ib += brs) {
          const y = b[ib]!;
          s0 += a[ia]! * y;
          s1 += a[ia + ars]! * y;
          s2 += a[ia + 2 * ars]! * y;
          s3 += a[ia + 3 * ars]! * y;
        }
        c[cRow + j] = s0;
        c[cRow + n + j] = s1;
        c[cRow + 2 * n + j] = s2;
        c[cRow + 3 * n + j] = s3;
      }
    }
  }
  for (; i < m; i++) {
    const aRow = aOff + i * ars;
    const cRow = cOff + i * n;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let p = 0, ia = aRow, ib = bOff + j * bcs; p < k; p++, ia += acs, ib += brs) {
        const x = a[ia]!;
        s0 += x * b[ib]!;
        s1 += x * b[ib + bcs]!;
        s2 += x * b[ib + 2 * bcs]!;
        s3 += x * b[ib + 3 * bcs]!;
      }
      c[cRow + j] = s0;
      c[cRow + j + 1] = s1;
      c[cRow + j + 2] = s2;
      c[cRow + j + 3] = s3;
    }
    for (; j + 2 <= n; j += 2) {
      let s0 = 0,
        s1 = 0;
      for (let p = 0, ia = aRow, ib = bOff + j * bcs; p < k; p++, ia += acs, ib += brs) {
        const x = a[ia]!;
        s0 += x * b[ib]!;
        s1 += x * b[ib + bcs]!;
      }
      c[cRow + j] = s0;
      c[cRow + j + 1] = s1;
    }
    if (j < n) {
      let sum = 0;
      for (let p = 0, ia = aRow, ib = bOff + j * bcs; p < k; p++, ia += acs, ib += brs)
        sum += a[ia]! * b[ib]!;
      c[cRow + j] = sum;
    }
  }
}

/** Rows of op(B) are contiguous (bcs = 1): C[i,:] = Σ_p a(i,p)·B[p,:], over column chunks of ROW's width. */
function axpyRows(
  a: FloatArray,
  aOff: number,
  ars: number,
  acs: number,
  b: FloatArray,
  bOff: number,
  brs: number,
  c: FloatArray,
  cOff: number,
  m: number,
  k: number,
  n: number,
): void {
  for (let j0 = 0; j0 < n; j0 += ROW.length) {
    const width = Math.min(ROW.length, n - j0);
    for (let i = 0; i < m; i++) {
      ROW.fill(0, 0, width);
      let p = 0;
      let ia = aOff + i * ars;
      let ib = bOff + j0;
      for (; p + 4 <= k; p += 4, ia += 4 * acs, ib += 4 * brs) {
        const x0 = a[ia]!,
          x1 = a[ia + acs]!,
          x2 = a[ia + 2 * acs]!,
          x3 = a[ia + 3 * acs]!;
        const ib1 = ib + brs,
          ib2 = ib + 2 * brs,
          ib3 = ib + 3 * brs;
        for (let j = 0; j < width; j++) {
          ROW[j] = ROW[j]! + (x0 * b[ib + j]! + x1 * b[ib1 + j]! + x2 * b[ib2 + j]! + x3 * b[ib3 + j]!);
        }
      }
      for (; p < k; p++, ia += acs, ib += brs) {
        const x = a[ia]!;
        for (let j = 0; j < width; j++) ROW[j] = ROW[j]! + x * b[ib + j]!;
      }
      const cRow = cOff + i * n + j0;
      for (let j = 0; j < width; j++) c[cRow + j] = ROW[j]!;
    }
  }
}

function blocked(
  a: FloatArray,
  aOff: number,
  ars: number,
  acs: number,
  b: FloatArray,
  bOff: number,
  brs: number,
  bcs: number,
  c: FloatArray,
  cOff: number,
  m: number,
  k: number,
  n: number,
): void {
  // Split k into equal blocks of at most KC so that no block is a thin remainder.
  const kBlocks = Math.ceil(k / KC);
  const kStep = Math.ceil(k / kBlocks);
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += kStep) {
      const kc = Math.min(kStep, k - p0);
      const kcPadded = Math.ceil(kc / KU) * KU;
      packB(b, bOff + p0 * brs + j0 * bcs, brs, bcs, kc, kcPadded, nc);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        packA(a, aOff + i0 * ars + p0 * acs, ars, acs, kc, kcPadded, mc);
        for (let jr = 0; jr < nc; jr += NR) {
          for (let ir = 0; ir < mc; ir += MR) {
            kernel(ir * kcPadded, jr * kcPadded, kcPadded);
            const rows = Math.min(MR, mc - ir);
            const cols = Math.min(NR, nc - jr);
            const ic = cOff + (i0 + ir) * n + j0 + jr;
            if (p0 === 0) storeTile(c, ic, n, rows, cols);
            else addTile(c, ic, n, rows, cols);
          }
        }
      }
    }
  }
}

/** Packs op(A)[0:mc, 0:kc] (from `src`) into MR-row panels, zero-padding rows to MR and depth to kcPadded. */
function packA(
  a: FloatArray,
  src: number,
  ars: number,
  acs: number,
  kc: number,
  kcPadded: number,
  mc: number,
): void {
  let dst = 0;
  for (let i = 0; i < mc; i += MR) {
    const rows = Math.min(MR, mc - i);
    const rowStart = src + i * ars;
    if (rows === MR) {
      for (let p = 0, s = rowStart; p < kc; p++, s += acs, dst += MR) {
        PACKED_A[dst] = a[s]!;
        PACKED_A[dst + 1] = a[s + ars]!;
        PACKED_A[dst + 2] = a[s + 2 * ars]!;
        PACKED_A[dst + 3] = a[s + 3 * ars]!;
        PACKED_A[dst + 4] = a[s + 4 * ars]!;
        PACKED_A[dst + 5] = a[s + 5 * ars]!;
        PACKED_A[dst + 6] = a[s + 6 * ars]!;
        PACKED_A[dst + 7] = a[s + 7 * ars]!;
      }
    } else {
      for (let p = 0, s = rowStart; p < kc; p++, s += acs) {
        for (let r = 0; r < MR; r++) PACKED_A[dst++] = r < rows ? a[s + r * ars]! : 0;
      }
    }
    const padEnd = dst + (kcPadded - kc) * MR;
    PACKED_A.fill(0, dst, padEnd);
    dst = padEnd;
  }
}

/** Packs op(B)[0:kc, 0:nc] (from `src`) into NR-column panels, zero-padding columns to NR and depth to kcPadded. */
function packB(
  b: FloatArray,
  src: number,
  brs: number,
  bcs: number,
  kc: number,
  kcPadded: number,
  nc: number,
): void {
  let dst = 0;
  for (let j = 0; j < nc; j += NR) {
    const cols = Math.min(NR, nc - j);
    const colStart = src + j * bcs;
    if (cols === NR) {
      for (let p = 0, s = colStart; p < kc; p++, s += brs, dst += NR) {
        PACKED_B[dst] = b[s]!;
        PACKED_B[dst + 1] = b[s + bcs]!;
        PACKED_B[dst + 2] = b[s + 2 * bcs]!;
        PACKED_B[dst + 3] = b[s + 3 * bcs]!;
      }
    } else {
      for (let p = 0, s = colStart; p < kc; p++, s += brs) {
        for (let col = 0; col < NR; col++) PACKED_B[dst++] = col < cols ? b[s + col * bcs]! : 0;
      }
    }
    const padEnd = dst + (kcPadded - kc) * NR;
    PACKED_B.fill(0, dst, padEnd);
    dst = padEnd;
  }
}

/**
 * ACC[r·NR + j] += Σ_p PACKED_A[aStart + p·MR + r] · PACKED_B[bStart + p·NR + j] over kc (a multiple of KU)
 * steps. Per iteration: 12 values of B in registers (b{step}{column}), then for each row its 3 values of A
 * (a0..a2) and 4 accumulator updates.
 */
function kernel(aStart: number, bStart: number, kc: number): void {
  // The masks bound the indices' types so that V8 computes them without overflow checks.
  const a = aStart & 0xffffff;
  const b = bStart & 0xffffff;
  const steps = kc & 0xffff;
  for (let p = 0; p < steps; p += KU) {
    const pa = a + p * MR;
    const pb = b + p * NR;
    const b00 = PACKED_B[pb]!,
      b01 = PACKED_B[pb + 1]!,
      b02 = PACKED_B[pb + 2]!,
      b03 = PACKED_B[pb + 3]!;
    const b10 = PACKED_B[pb + 4]!,
      b11 = PACKED_B[pb + 5]!,
      b12 = PACKED_B[pb + 6]!,
      b13 = PACKED_B[pb + 7]!;
    const b20 = PACKED_B[pb + 8]!,
      b21 = PACKED_B[pb + 9]!,
      b22 = PACKED_B[pb + 10]!,
      b23 = PACKED_B[pb + 11]!;
    let a0 = PACKED_A[pa]!,
      a1 = PACKED_A[pa + 8]!,
      a2 = PACKED_A[pa + 16]!;
    ACC[0] = ACC[0]! + (a0 * b00 + a1 * b10 + a2 * b20);
    ACC[1] = ACC[1]! + (a0 * b01 + a1 * b11 + a2 * b21);
    ACC[2] = ACC[2]! + (a0 * b02 + a1 * b12 + a2 * b22);
    ACC[3] = ACC[3]! + (a0 * b03 + a1 * b13 + a2 * b23);
    a0 = PACKED_A[pa + 1]!;
    a1 = PACKED_A[pa + 9]!;
    a2 = PACKED_A[pa + 17]!;
    ACC[4] = ACC[4]! + (a0 * b00 + a1 * b10 + a2 * b20);
    ACC[5] = ACC[5]! + (a0 * b01 + a1 * b11 + a2 * b21);
    ACC[6] = ACC[6]! + (a0 * b02 + a1 * b12 + a2 * b22);
    ACC[7] = ACC[7]! + (a0 * b03 + a1 * b13 + a2 * b23);
    a0 = PACKED_A[pa + 2]!;
    a1 = PACKED_A[pa + 10]!;
    a2 = PACKED_A[pa + 18]!;
    ACC[8] = ACC[8]! + (a0 * b00 + a1 * b10 + a2 * b20);
    ACC[9] = ACC[9]! + (a0 * b01 + a1 * b11 + a2 * b21);
    ACC[10] = ACC[10]! + (a0 * b02 + a1 * b12 + a2 * b22);
    ACC[11] = ACC[11]! + (a0 * b03 + a1 * b13 + a2 * b23);
    a0 = PACKED_A[pa + 3]!;
    a1 = PACKED_A[pa + 11]!;
    a2 = PACKED_A[pa + 19]!;
    ACC[12] = ACC[12]! + (a0 * b00 + a1 * b10 + a2 * b20);
    ACC[13] = ACC[13]! + (a0 * b01 + a1 * b11 + a2 * b21);
    ACC[14] = ACC[14]! + (a0 * b02 + a1 * b12 + a2 * b22);
    ACC[15] = ACC[15]! + (a0 * b03 + a1 * b13 + a2 * b23);
    a0 = PACKED_A[pa + 4]!;
    a1 = PACKED_A[pa + 12]!;
    a2 = PACKED_A[pa + 20]!;
    ACC[16] = ACC[16]! + (a0 * b00 + a1 * b10 + a2 * b20);
    ACC[17] = ACC[17]! + (a0 * b01 + a1 * b11 + a2 * b21);
    ACC[18] = ACC[18]! + (a0 * b02 + a1 * b12 + a2 * b22);
    ACC[19] = ACC[19]! + (a0 * b03 + a1 * b13 + a2 * b23);
    a0 = PACKED_A[pa + 5]!;
    a1 = PACKED_A[pa + 13]!;
    a2 = PACKED_A[pa + 21]!;
    ACC[20] = ACC[20]! + (a0 * b00 + a1 * b10 + a2 * b20);
    ACC[21] = ACC[21]! + (a0 * b01 + a1 * b11 + a2 * b21);
    ACC[22] = ACC[22]! + (a0 * b02 + a1 * b12 + a2 * b22);
    ACC[23] = ACC[23]! + (a0 * b03 + a1 * b13 + a2 * b23);
    a0 = PACKED_A[pa + 6]!;
    a1 = PACKED_A[pa + 14]!;
    a2 = PACKED_A[pa + 22]!;
    ACC[24] = ACC[24]! + (a0 * b00 + a1 * b10 + a2 * b20);
    ACC[25] = ACC[25]! + (a0 * b01 + a1 * b11 + a2 * b21);
    ACC[26] = ACC[26]! + (a0 * b02 + a1 * b12 + a2 * b22);
    ACC[27] = ACC[27]! + (a0 * b03 + a1 * b13 + a2 * b23);
    a0 = PACKED_A[pa + 7]!;
    a1 = PACKED_A[pa + 15]!;
    a2 = PACKED_A[pa + 23]!;
    ACC[28] = ACC[28]! + (a0 * b00 + a1 * b10 + a2 * b20);
    ACC[29] = ACC[29]! + (a0 * b01 + a1 * b11 + a2 * b21);
    ACC[30] = ACC[30]! + (a0 * b02 + a1 * b12 + a2 * b22);
    ACC[31] = ACC[31]! + (a0 * b03 + a1 * b13 + a2 * b23);
  }
}

/** C[0:rows, 0:cols] = ACC (first k block), then clears ACC. */
function storeTile(c: FloatArray, ic: number, ldc: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++, ic += ldc) {
    for (let j = 0; j < cols; j++) c[ic + j] = ACC[r * NR + j]!;
  }
  ACC.fill(0);
}

/** C[0:rows, 0:cols] += ACC (later k blocks), then clears ACC. */
function addTile(c: FloatArray, ic: number, ldc: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++, ic += ldc) {
    for (let j = 0; j < cols; j++) c[ic + j] = c[ic + j]! + ACC[r * NR + j]!;
  }
  ACC.fill(0);
}
