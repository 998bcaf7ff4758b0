// @file The wasm matmul, in AssemblyScript: packed panels, cache blocking and a 4×8 f32x4 register tile.
//
// C = op(A)·op(B) for row-major C (m×n, row stride n). Element (i, p) of op(A) is A[i·ars + p·acs] and
// element (p, j) of op(B) is B[p·brs + j·bcs], so one routine serves all four transpose combinations.
//
// The scheme is GotoBLAS's: a KC-deep slab of op(B) is packed into NR-column micro-panels (in L2), an MC×KC
// block of op(A) into MR-row micro-panels, and the micro-kernel multiplies one A micro-panel by one B
// micro-panel (in L1) into an MR×NR tile held in eight v128 registers.
//
// Why 4×8: V8's TurboFan (the tier that runs hot wasm) schedules every load of a basic block first and has
// fifteen allocatable XMM registers. A tile of R rows and V vectors needs R splats + V B vectors + R·V
// accumulators + 1 product temporary; 4×8 needs 4 + 2 + 8 + 1 = 15 and larger tiles or k-unrolling spill
// (measured: 5×8, 6×8, 3×12 and 4×8 unrolled twice are 15–30 % slower). Relaxed SIMD's fused multiply-add
// needs no temporary, yet larger tiles still lose. On a Zen 4 core: about 36 GFLOPS at 1024³ with plain SIMD,
// 48 with relaxed SIMD (TensorFlow.js's XNNPACK kernels: 31, single-threaded, in the same process).

const MR: i32 = 4; // rows of the register tile
const NR: i32 = 8; // columns of the register tile (two f32x4)
const KC: i32 = 256; // depth of a packed slab: a B micro-panel (KC·NR floats, 8 KiB) stays in L1
const MC: i32 = 128; // rows of op(A) packed at once (MC·KC floats, 128 KiB, in L2); a multiple of MR
const NC: i32 = 1024; // columns of op(B) packed at once (KC·NC floats, 1 MiB); a multiple of NR

const PACK_A_BYTES: usize = (<usize>(MC * KC)) << 2;
const PACK_B_BYTES: usize = (<usize>(KC * NC)) << 2;
const TILE_BYTES: usize = (<usize>(MR * NR)) << 2;

/** Bytes of scratch that gemm needs at `scratch` (packed panels and an edge tile). */
export function gemmScratchBytes(): usize {
  return PACK_A_BYTES + PACK_B_BYTES + TILE_BYTES;
}

/** acc + a·b: fused where relaxed SIMD is compiled in, else a multiply and an add (bit-exact everywhere). */
function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/**
 * The MR×NR tile at `c` (row stride `ldc` bytes) = (or += when `accumulate`) Σ_p pa[p]ᵀ·pb[p] over `kc` steps,
 * where pa holds MR floats per step and pb NR floats per step.
 */
export function kernel4x8(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
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
  const c1 = c + ldc;
  const c2 = c1 + ldc;
  const c3 = c2 + ldc;
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c1));
    c11 = f32x4.add(c11, v128.load(c1, 16));
    c20 = f32x4.add(c20, v128.load(c2));
    c21 = f32x4.add(c21, v128.load(c2, 16));
    c30 = f32x4.add(c30, v128.load(c3));
    c31 = f32x4.add(c31, v128.load(c3, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c1, c10);
  v128.store(c1, c11, 16);
  v128.store(c2, c20);
  v128.store(c2, c21, 16);
  v128.store(c3, c30);
  v128.store(c3, c31, 16);
}

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
 * Packs op(A)[0:mc, 0:kc] (element (i, p) at src + (i·ars + p·acs)·4) into MR-row micro-panels of kc steps,
 * MR floats per step, zero-padding the last panel's missing rows.
 */
export function packA(src: usize, ars: i32, acs: i32, mc: i32, kc: i32, dst: usize): void {
  const rowStep = (<usize>ars) << 2;
  const depthStep = (<usize>acs) << 2;
  for (let i = 0; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    const s0 = src + <usize>i * rowStep;
    let p = 0;
    if (rows == MR && acs == 1) {
      // Rows contiguous along p: transpose 4×4 blocks.
      const s1 = s0 + rowStep;
      const s2 = s1 + rowStep;
      const s3 = s2 + rowStep;
      for (; p + 4 <= kc; p += 4) {
        const o = (<usize>p) << 2;
        transposeStore(v128.load(s0 + o), v128.load(s1 + o), v128.load(s2 + o), v128.load(s3 + o), dst, 16);
        dst += 64;
      }
    } else if (rows == MR && ars == 1) {
      // op(A) is Aᵀ: the four rows of one step are contiguous.
      for (; p < kc; p++) {
        v128.store(dst, v128.load(s0 + <usize>p * depthStep));
        dst += 16;
      }
    }
    for (; p < kc; p++) {
      const s = s0 + <usize>p * depthStep;
      for (let r = 0; r < MR; r++) {
        store<f32>(dst, r < rows ? load<f32>(s + <usize>r * rowStep) : 0);
        dst += 4;
      }
    }
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
          for (let ir = 0; ir < mc; ir += MR) {
            const pa = packedA + ((<usize>(ir * kc)) << 2);
            const rows = min(MR, mc - ir);
            const ct = c + <usize>(i0 + ir) * ldc + ((<usize>(j0 + jr)) << 2);
            if (rows == MR && cols == NR) kernel4x8(pa, pb, kc, ct, ldc, accumulate);
            else {
              kernel4x8(pa, pb, kc, tile, NR << 2, false);
              for (let r = 0; r < rows; r++) {
                const row = ct + <usize>r * ldc;
                const from = tile + ((<usize>(r * NR)) << 2);
                for (let col = 0; col < cols; col++) {
                  const at = row + ((<usize>col) << 2);
                  const value = load<f32>(from + ((<usize>col) << 2));
                  store<f32>(at, accumulate ? load<f32>(at) + value : value);
                }
              }
            }
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
