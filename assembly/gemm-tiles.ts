// @file The gemm's register tiles, in AssemblyScript: 4×8, 5×8 and 6×8 f32x4 micro-kernels, and which height each
// packed A micro-panel gets. Imported by gemm.ts and recurrent.ts (not an entry: nothing here is a wasm export).
//
// A tile of R rows and 8 columns keeps 2·R accumulators, the two B vectors of the step and one A splat live; the
// plain build also needs a temporary for each product (mul, then add). V8's TurboFan has fifteen allocatable
// XMM registers, so the plain build's tallest tile is 5×8 (10 + 2 + 1 + 1 = 14) and the fused build's 6×8
// (12 + 2 + 1 = 15). Taller tiles load B and A less often per multiply-add. Measured in L1 (kc = 256, one
// thread): plain 4×8 45.7 GFLOPS, 5×8 57.1, 6×8 29.6 (spills); fused 4×8 53.7, 5×8 55.4, 6×8 58.7.
//
// A block of mc rows is cut into micro-panels, tallest first, of 6 (fused build), 5 and 4 rows, so that no panel is
// padded when mc allows it (the LSTM's 32 rows: 6+6+6+6+4+4 fused, 5+5+5+5+4+4+4 plain); only blocks of 1–3 or 7
// rows (plain: also 6 and 11) end in a zero-padded 4-row panel. Every element of C is the same sum in the same
// order whichever tile computes it, so results do not depend on the cut (nor on a thread's share of rows).

/** Columns of every tile (two f32x4). */
export const NR: i32 = 8;
/** The tallest tile of this build. */
export const MR_MAX: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;
/** Bytes of the edge tile that partial tiles are computed into. */
export const TILE_BYTES: usize = (<usize>(MR_MAX * NR)) << 2;

/** acc + a·b: fused where relaxed SIMD is compiled in, else a multiply and an add (bit-exact everywhere). */
function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** Whether `rows` rows split into panels of this build's heights (4, 5 and, fused, 6) with none padded. */
function splitsEvenly(rows: i32): bool {
  if (rows == 0) return true;
  if (rows < 4) return false;
  if (ASC_FEATURE_RELAXED_SIMD) return rows != 7; // 4, 5, 6, then every sum of them
  return rows != 6 && rows != 7 && rows != 11; // the sums of 4s and 5s
}

/**
 * The height of the next micro-panel when `remaining` rows of a block are left: the tallest whose rest still
 * splits evenly, else 4 (which pads when fewer than 4 rows remain). packA and the tile loops walk the same
 * sequence.
 */
export function panelRows(remaining: i32): i32 {
  if (ASC_FEATURE_RELAXED_SIMD && splitsEvenly(remaining - 6)) return 6;
  return splitsEvenly(remaining - 5) ? 5 : 4;
}

/** Stores (or adds to C, when `accumulate`) one row of a tile: two vectors at `c`. */
function storeRow(c: usize, v0: v128, v1: v128, accumulate: bool): void {
  if (accumulate) {
    v0 = f32x4.add(v0, v128.load(c));
    v1 = f32x4.add(v1, v128.load(c, 16));
  }
  v128.store(c, v0);
  v128.store(c, v1, 16);
}

/**
 * The 4×8 tile at `c` (row stride `ldc` bytes) = (or += when `accumulate`) Σ_p pa[p]ᵀ·pb[p] over `kc` steps,
 * where pa holds 4 floats per step and pb 8.
 */
function kernel4x8(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  const end = pa + ((<usize>kc) << 4);
  for (; pa < end;) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(c00, a, b0);
    c01 = madd(c01, a, b1);
    a = v128.load32_splat(pa, 4);
    c10 = madd(c10, a, b0);
    c11 = madd(c11, a, b1);
    a = v128.load32_splat(pa, 8);
    c20 = madd(c20, a, b0);
    c21 = madd(c21, a, b1);
    a = v128.load32_splat(pa, 12);
    c30 = madd(c30, a, b0);
    c31 = madd(c31, a, b1);
    pa += 16;
    pb += 32;
  }
  // Two copies of the stores, each with a constant flag: one store sequence with a run-time flag makes
  // TurboFan hoist the loop's loads and spill (measured 5×8: 24 against 56 GFLOPS).
  if (accumulate) {
    storeRow(c, c00, c01, true);
    storeRow(c + ldc, c10, c11, true);
    storeRow(c + 2 * ldc, c20, c21, true);
    storeRow(c + 3 * ldc, c30, c31, true);
  } else {
    storeRow(c, c00, c01, false);
    storeRow(c + ldc, c10, c11, false);
    storeRow(c + 2 * ldc, c20, c21, false);
    storeRow(c + 3 * ldc, c30, c31, false);
  }
}

/** kernel4x8 for 5 rows (pa holds 5 floats per step). */
function kernel5x8(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0);
  let c41 = f32x4.splat(0);
  const end = pa + <usize>kc * 20;
  for (; pa < end;) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(c00, a, b0);
    c01 = madd(c01, a, b1);
    a = v128.load32_splat(pa, 4);
    c10 = madd(c10, a, b0);
    c11 = madd(c11, a, b1);
    a = v128.load32_splat(pa, 8);
    c20 = madd(c20, a, b0);
    c21 = madd(c21, a, b1);
    a = v128.load32_splat(pa, 12);
    c30 = madd(c30, a, b0);
    c31 = madd(c31, a, b1);
    a = v128.load32_splat(pa, 16);
    c40 = madd(c40, a, b0);
    c41 = madd(c41, a, b1);
    pa += 20;
    pb += 32;
  }
  if (accumulate) {
    storeRow(c, c00, c01, true);
    storeRow(c + ldc, c10, c11, true);
    storeRow(c + 2 * ldc, c20, c21, true);
    storeRow(c + 3 * ldc, c30, c31, true);
    storeRow(c + 4 * ldc, c40, c41, true);
  } else {
    storeRow(c, c00, c01, false);
    storeRow(c + ldc, c10, c11, false);
    storeRow(c + 2 * ldc, c20, c21, false);
    storeRow(c + 3 * ldc, c30, c31, false);
    storeRow(c + 4 * ldc, c40, c41, false);
  }
}

/** kernel4x8 for 6 rows (pa holds 6 floats per step); only the fused build uses it. */
function kernel6x8(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0);
  let c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0);
  let c51 = f32x4.splat(0);
  const end = pa + <usize>kc * 24;
  for (; pa < end;) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(c00, a, b0);
    c01 = madd(c01, a, b1);
    a = v128.load32_splat(pa, 4);
    c10 = madd(c10, a, b0);
    c11 = madd(c11, a, b1);
    a = v128.load32_splat(pa, 8);
    c20 = madd(c20, a, b0);
    c21 = madd(c21, a, b1);
    a = v128.load32_splat(pa, 12);
    c30 = madd(c30, a, b0);
    c31 = madd(c31, a, b1);
    a = v128.load32_splat(pa, 16);
    c40 = madd(c40, a, b0);
    c41 = madd(c41, a, b1);
    a = v128.load32_splat(pa, 20);
    c50 = madd(c50, a, b0);
    c51 = madd(c51, a, b1);
    pa += 24;
    pb += 32;
  }
  if (accumulate) {
    storeRow(c, c00, c01, true);
    storeRow(c + ldc, c10, c11, true);
    storeRow(c + 2 * ldc, c20, c21, true);
    storeRow(c + 3 * ldc, c30, c31, true);
    storeRow(c + 4 * ldc, c40, c41, true);
    storeRow(c + 5 * ldc, c50, c51, true);
  } else {
    storeRow(c, c00, c01, false);
    storeRow(c + ldc, c10, c11, false);
    storeRow(c + 2 * ldc, c20, c21, false);
    storeRow(c + 3 * ldc, c30, c31, false);
    storeRow(c + 4 * ldc, c40, c41, false);
    storeRow(c + 5 * ldc, c50, c51, false);
  }
}

/**
 * The `height`×8 kernel (height 4, 5 or 6, as panelRows gives). Inlined into the tile loops, so that each tile
 * costs one call: a call spills every value the caller keeps in registers (V8 saves none across calls). Callers
 * wrap it in `inline.always(…)`.
 */
function kernel(height: i32, pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, accumulate: bool): void {
  if (ASC_FEATURE_RELAXED_SIMD && height == 6) kernel6x8(pa, pb, kc, c, ldc, accumulate);
  else if (height == 5) kernel5x8(pa, pb, kc, c, ldc, accumulate);
  else kernel4x8(pa, pb, kc, c, ldc, accumulate);
}

/**
 * One tile of C: rows × cols (at most height × NR) at `c` (row stride `ldc` bytes) = (or += when `accumulate`)
 * the product of a `height`-row A micro-panel and a B micro-panel over `kc` steps. A partial tile is computed
 * whole into `tile` (TILE_BYTES of scratch; the panels are zero-padded) and its rows × cols copied out.
 * Callers inline it (`inline.always`): a whole tile calls the kernel directly; only partial tiles call edgeTile.
 */
export function multiplyTile(
  height: i32,
  rows: i32,
  cols: i32,
  pa: usize,
  pb: usize,
  kc: i32,
  c: usize,
  ldc: usize,
  accumulate: bool,
  tile: usize,
): void {
  if (rows == height && cols == NR) inline.always(kernel(height, pa, pb, kc, c, ldc, accumulate));
  else edgeTile(height, rows, cols, pa, pb, kc, c, ldc, accumulate, tile);
}

/** multiplyTile's partial tiles: computed whole into `tile`, then rows × cols of it stored or added to C. */
function edgeTile(
  height: i32,
  rows: i32,
  cols: i32,
  pa: usize,
  pb: usize,
  kc: i32,
  c: usize,
  ldc: usize,
  accumulate: bool,
  tile: usize,
): void {
  kernel(height, pa, pb, kc, tile, NR << 2, false);
  for (let r = 0; r < rows; r++) {
    const row = c + <usize>r * ldc;
    const from = tile + ((<usize>(r * NR)) << 2);
    for (let col = 0; col < cols; col++) {
      const at = row + ((<usize>col) << 2);
      const value = load<f32>(from + ((<usize>col) << 2));
      store<f32>(at, accumulate ? load<f32>(at) + value : value);
    }
  }
}
