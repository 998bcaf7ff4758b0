// @file Matrix-multiply kernel for the reference backend: packed panels, cache blocking, a 4×4 register tile.
import type { FloatArray } from '../../tensor/dtype.js';

const MR = 4; // rows of the register tile
const NR = 4; // columns of the register tile
const KC = 256; // depth of one packed block: an A panel (MR·KC) and a B panel (KC·NR) stay in L1
const MC = 128; // rows of A packed at once: MC·KC doubles stay in L2
const SMALL = 48 * 48 * 48; // below this many multiply-adds, packing costs more than it saves

/**
 * C = op(A)·op(B) for every batch entry. Large products pack float64 copies of A and B into micro-panels
 * (so the inner loop reads sequential doubles, with no float32 conversions) and accumulate a 4×4 tile of C
 * in local variables, which V8 keeps in registers.
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
  const small = m * n * k < SMALL;
  const packA = small ? null : new Float64Array(MC * KC);
  const packB = small ? null : new Float64Array(KC * (Math.ceil(n / NR) * NR));
  for (let batch = 0; batch < aOffsets.length; batch++) {
    const cOff = batch * m * n;
    if (small || k === 0) {
      simple(a, aOffsets[batch]!, ars, acs, b, bOffsets[batch]!, brs, bcs, out, cOff, m, k, n);
    } else {
      blocked(
        a,
        aOffsets[batch]!,
        ars,
        acs,
        b,
        bOffsets[batch]!,
        brs,
        bcs,
        out,
        cOff,
        m,
        k,
        n,
        packA!,
        packB!,
      );
    }
  }
}

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
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const aip = a[aOff + i * ars + p * acs]!;
      if (aip === 0) continue;
      const bRow = bOff + p * brs;
      for (let j = 0; j < n; j++) row[j] = row[j]! + aip * b[bRow + j * bcs]!;
    }
    const cRow = cOff + i * n;
    for (let j = 0; j < n; j++) c[cRow + j] = row[j]!;
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
  packA: Float64Array,
  packB: Float64Array,
): void {
  c.fill(0, cOff, cOff + m * n);
  const nPanels = Math.ceil(n / NR);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    // Pack op(B)[p0:p0+kc, :] into column panels: packB[(panel·kc + p)·NR + col].
    for (let panel = 0; panel < nPanels; panel++) {
      const j0 = panel * NR;
      const cols = Math.min(NR, n - j0);
      let dst = panel * kc * NR;
      for (let p = 0; p < kc; p++, dst += NR) {
        const src = bOff + (p0 + p) * brs + j0 * bcs;
        for (let col = 0; col < NR; col++) packB[dst + col] = col < cols ? b[src + col * bcs]! : 0;
      }
    }
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = Math.min(MC, m - i0);
      const mPanels = Math.ceil(mc / MR);
      // Pack op(A)[i0:i0+mc, p0:p0+kc] into row panels: packA[(panel·kc + p)·MR + row].
      for (let panel = 0; panel < mPanels; panel++) {
        const r0 = i0 + panel * MR;
        const rows = Math.min(MR, m - r0);
        let dst = panel * kc * MR;
        for (let p = 0; p < kc; p++, dst += MR) {
          const src = aOff + r0 * ars + (p0 + p) * acs;
          for (let row = 0; row < MR; row++) packA[dst + row] = row < rows ? a[src + row * ars]! : 0;
        }
      }
      for (let bp = 0; bp < nPanels; bp++) {
        const j0 = bp * NR;
        const cols = Math.min(NR, n - j0);
        for (let ap = 0; ap < mPanels; ap++) {
          const r0 = i0 + ap * MR;
          tile(
            packA,
            ap * kc * MR,
            packB,
            bp * kc * NR,
            kc,
            c,
            cOff + r0 * n + j0,
            n,
            Math.min(MR, m - r0),
            cols,
          );
        }
      }
    }
  }
}

/** Accumulates one MR×NR tile: C[r][col] += Σ_p A[p][r]·B[p][col] over the packed panels. */
function tile(
  pa: Float64Array,
  ia: number,
  pb: Float64Array,
  ib: number,
  kc: number,
  c: FloatArray,
  ic: number,
  ldc: number,
  rows: number,
  cols: number,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let p = 0; p < kc; p++, ia += MR, ib += NR) {
    const b0 = pb[ib]!,
      b1 = pb[ib + 1]!,
      b2 = pb[ib + 2]!,
      b3 = pb[ib + 3]!;
    let av = pa[ia]!;
    c00 += av * b0;
    c01 += av * b1;
    c02 += av * b2;
    c03 += av * b3;
    av = pa[ia + 1]!;
    c10 += av * b0;
    c11 += av * b1;
    c12 += av * b2;
    c13 += av * b3;
    av = pa[ia + 2]!;
    c20 += av * b0;
    c21 += av * b1;
    c22 += av * b2;
    c23 += av * b3;
    av = pa[ia + 3]!;
    c30 += av * b0;
    c31 += av * b1;
    c32 += av * b2;
    c33 += av * b3;
  }
  if (rows === MR && cols === NR) {
    c[ic] = c[ic]! + c00;
    c[ic + 1] = c[ic + 1]! + c01;
    c[ic + 2] = c[ic + 2]! + c02;
    c[ic + 3] = c[ic + 3]! + c03;
    ic += ldc;
    c[ic] = c[ic]! + c10;
    c[ic + 1] = c[ic + 1]! + c11;
    c[ic + 2] = c[ic + 2]! + c12;
    c[ic + 3] = c[ic + 3]! + c13;
    ic += ldc;
    c[ic] = c[ic]! + c20;
    c[ic + 1] = c[ic + 1]! + c21;
    c[ic + 2] = c[ic + 2]! + c22;
    c[ic + 3] = c[ic + 3]! + c23;
    ic += ldc;
    c[ic] = c[ic]! + c30;
    c[ic + 1] = c[ic + 1]! + c31;
    c[ic + 2] = c[ic + 2]! + c32;
    c[ic + 3] = c[ic + 3]! + c33;
    return;
  }
  const acc = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < rows; r++) {
    for (let col = 0; col < cols; col++) c[ic + r * ldc + col] = c[ic + r * ldc + col]! + acc[r * NR + col]!;
  }
}
