// @file The wasm matmul, in AssemblyScript: packed panels, cache blocking and 4×8 to 6×8 f32x4 register tiles.
//
// C = op(A)·op(B) for row-major C (m×n, row stride n). Element (i, p) of op(A) is A[i·ars + p·acs] and
// element (p, j) of op(B) is B[p·brs + j·bcs], so one routine serves all four transpose combinations.
//
// The scheme is GotoBLAS's: a KC-deep slab of op(B) is packed into NR-column micro-panels (in L2), an MC×KC
// block of op(A) into row micro-panels (gemm-pack.ts), and a micro-kernel multiplies one A micro-panel by one B
// micro-panel (in L1) into a tile of up to 6×8 held in v128 registers (gemm-tiles.ts says which heights and why).
// Measured at 1024³ on one thread (the kernel alone, both builds in one process): plain SIMD 43.8 GFLOPS with
// 4×8 tiles only, 50.8 with 5×8 and 4×8; relaxed SIMD 51.5 with 4×8, 55.0 with 6×8 and 4×8.

import { KC, MC, PACK_A_BYTES, packA, packB } from './gemm-pack';
import { NR, TILE_BYTES, multiplyTile, panelRows } from './gemm-tiles';

const NC: i32 = 1024; // columns of op(B) packed at once (KC·NC floats, 1 MiB); a multiple of NR

const PACK_B_BYTES: usize = (<usize>(KC * NC)) << 2;

/** Bytes of scratch that gemm needs at `scratch` (packed panels and an edge tile). */
export function gemmScratchBytes(): usize {
  return PACK_A_BYTES + PACK_B_BYTES + TILE_BYTES;
}

/**
 * C (m×n at `c`) = op(A)·op(B), op(A) being m×k at `a` with strides (ars, acs) and op(B) k×n at `b` with
 * strides (brs, bcs), in elements. `scratch` holds gemmScratchBytes() bytes, 16-byte aligned.
 */
export function gemm(
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  c: usize,
  m: i32,
  k: i32,
  n: i32,
  scratch: usize,
): void {
  gemmInto(a, ars, acs, b, brs, bcs, c, m, k, n, scratch, false);
}

/** gemm, or C += op(A)·op(B) when `accumulateC` (each tile adds its sum over k to what C holds). */
export function gemmInto(
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  c: usize,
  m: i32,
  k: i32,
  n: i32,
  scratch: usize,
  accumulateC: bool,
): void {
  const packedA = scratch;
  const packedB = scratch + PACK_A_BYTES;
  const tile = packedB + PACK_B_BYTES;
  const ldc = (<usize>n) << 2;
  // Equal k slabs of at most KC, so that no slab is a thin remainder.
  const slabs = (k + KC - 1) / KC;
  const kStep = (k + slabs - 1) / slabs;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += kStep) {
      const kc = min(kStep, k - p0);
      const accumulate = accumulateC || p0 > 0;
      packB(b + ((<usize>p0 * brs + <usize>j0 * bcs) << 2), brs, bcs, kc, nc, packedB);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = min(MC, m - i0);
        packA(a + ((<usize>i0 * ars + <usize>p0 * acs) << 2), ars, acs, mc, kc, packedA);
        for (let jr = 0; jr < nc; jr += NR) {
          const pb = packedB + ((<usize>(jr * kc)) << 2);
          const cols = min(NR, nc - jr);
          let pa = packedA;
          for (let ir = 0; ir < mc;) {
            const height = panelRows(mc - ir);
            const rows = min(height, mc - ir);
            const ct = c + <usize>(i0 + ir) * ldc + ((<usize>(j0 + jr)) << 2);
            inline.always(multiplyTile(height, rows, cols, pa, pb, kc, ct, ldc, accumulate, tile));
            pa += (<usize>(height * kc)) << 2;
            ir += rows;
          }
        }
      }
    }
  }
}

/** First byte after the module's static data: the host lays out its scratch from here. */
export function heapBase(): usize {
  return __heap_base;
}
