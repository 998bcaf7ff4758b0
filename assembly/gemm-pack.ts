// @file The gemm's packing, in AssemblyScript: blocks of op(A) into row micro-panels of the heights panelRows
// gives, slabs of op(B) into NR-column micro-panels. Imported by gemm.ts and recurrent.ts (not an entry).
import { NR, panelRows } from './gemm-tiles';

/** Depth of a packed slab: a B micro-panel (KC·NR floats, 8 KiB) stays in L1. */
export const KC: i32 = 256;
/** Rows of op(A) packed at once (about MC·KC floats, 128 KiB, in L2). */
export const MC: i32 = 128;
/** Bytes of a packed block of op(A): packA pads at most one panel, to 4 rows, so MC + 3 rows of KC floats. */
export const PACK_A_BYTES: usize = (<usize>((MC + 3) * KC)) << 2;

/** Rows [0, 4) of the 4×4 block whose rows start at r0..r3, as columns: out k = (r0[k], r1[k], r2[k], r3[k]). */
function transposeStore(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: usize): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + stride, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/**
 * Packs `rows` rows (at most `height`) of op(A) from `src` (element (i, p) at src + i·rowStep + p·depthStep bytes)
 * into one micro-panel of kc steps, `height` floats per step, zero-padding missing rows. Returns its end.
 */
function packPanel(
  src: usize,
  rowStep: usize,
  depthStep: usize,
  rows: i32,
  height: i32,
  kc: i32,
  dst: usize,
): usize {
  const step = (<usize>height) << 2;
  let p = 0;
  if (rows == height && depthStep == 4) {
    // Rows contiguous along p: 4×4 blocks of the first four rows transposed, each further row's four steps by lane.
    for (; p + 4 <= kc; p += 4) {
      const o = (<usize>p) << 2;
      const at = dst + <usize>p * step;
      const s0 = src + o;
      transposeStore(
        v128.load(s0),
        v128.load(s0 + rowStep),
        v128.load(s0 + 2 * rowStep),
        v128.load(s0 + 3 * rowStep),
        at,
        step,
      );
      if (height == 6) {
        // Rows 4 and 5 as (row 4, row 5) pairs, one 64-bit store per step.
        const v4 = v128.load(s0 + 4 * rowStep);
        const v5 = v128.load(s0 + 5 * rowStep);
        const early = v128.shuffle<f32>(v4, v5, 0, 4, 1, 5);
        const late = v128.shuffle<f32>(v4, v5, 2, 6, 3, 7);
        v128.store64_lane(at + 16, early, 0);
        v128.store64_lane(at + step + 16, early, 1);
        v128.store64_lane(at + 2 * step + 16, late, 0);
        v128.store64_lane(at + 3 * step + 16, late, 1);
      } else if (height == 5) {
        const v = v128.load(s0 + 4 * rowStep);
        v128.store32_lane(at + 16, v, 0);
        v128.store32_lane(at + step + 16, v, 1);
        v128.store32_lane(at + 2 * step + 16, v, 2);
        v128.store32_lane(at + 3 * step + 16, v, 3);
      }
    }
  } else if (rows == height && rowStep == 4) {
    // op(A) is Aᵀ: the rows of one step are contiguous.
    for (; p < kc; p++) {
      const s = src + <usize>p * depthStep;
      const at = dst + <usize>p * step;
      v128.store(at, v128.load(s));
      if (height == 6) store<u64>(at, load<u64>(s, 16), 16);
      else if (height == 5) store<f32>(at, load<f32>(s, 16), 16);
    }
  }
  for (; p < kc; p++) {
    const s = src + <usize>p * depthStep;
    const at = dst + <usize>p * step;
    for (let r = 0; r < height; r++)
      store<f32>(at + ((<usize>r) << 2), r < rows ? load<f32>(s + <usize>r * rowStep) : 0);
  }
  return dst + <usize>kc * step;
}

/**
 * Packs op(A)[0:mc, 0:kc] (element (i, p) at src + (i·ars + p·acs)·4) into micro-panels of panelRows' heights,
 * one after another, each `height` floats per step; (mc + 3)·kc floats at most.
 */
export function packA(src: usize, ars: i32, acs: i32, mc: i32, kc: i32, dst: usize): void {
  const rowStep = (<usize>ars) << 2;
  const depthStep = (<usize>acs) << 2;
  for (let i = 0; i < mc;) {
    const height = panelRows(mc - i);
    const rows = min(height, mc - i);
    dst = packPanel(src + <usize>i * rowStep, rowStep, depthStep, rows, height, kc, dst);
    i += rows;
  }
}

/**
 * Packs op(B)[0:kc, 0:nc] (element (p, j) at src + (p·brs + j·bcs)·4) into NR-column micro-panels of kc steps,
 * NR floats per step, zero-padding the last panel's missing columns.
 */
export function packB(src: usize, brs: i32, bcs: i32, kc: i32, nc: i32, dst: usize): void {
  const depthStep = (<usize>brs) << 2;
  const colStep = (<usize>bcs) << 2;
  for (let j = 0; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    const s0 = src + <usize>j * colStep;
    let p = 0;
    if (cols == NR && bcs == 1) {
      for (; p < kc; p++) {
        const s = s0 + <usize>p * depthStep;
        v128.store(dst, v128.load(s));
        v128.store(dst, v128.load(s, 16), 16);
        dst += 32;
      }
    } else if (cols == NR && brs == 1) {
      // op(B) is Bᵀ: each column is contiguous along p; transpose two 4×4 blocks per 4 steps.
      for (; p + 4 <= kc; p += 4) {
        const o = s0 + ((<usize>p) << 2);
        transposeStore(
          v128.load(o),
          v128.load(o + colStep),
          v128.load(o + 2 * colStep),
          v128.load(o + 3 * colStep),
          dst,
          32,
        );
        const o4 = o + 4 * colStep;
        transposeStore(
          v128.load(o4),
          v128.load(o4 + colStep),
          v128.load(o4 + 2 * colStep),
          v128.load(o4 + 3 * colStep),
          dst + 16,
          32,
        );
        dst += 128;
      }
    }
    for (; p < kc; p++) {
      const s = s0 + <usize>p * depthStep;
      for (let col = 0; col < NR; col++) {
        store<f32>(dst, col < cols ? load<f32>(s + <usize>col * colStep) : 0);
        dst += 4;
      }
    }
  }
}
