// @file The wasm backend's matmul: copies operands into linear memory, runs the SIMD gemm, copies C out.
import type { FloatArray } from '../../tensor/dtype.js';
import { jsBackend } from '../js/index.js';
import type { Backend } from '../types.js';
import type { WasmLimits } from './limits.js';
import type { WasmRuntime } from './runtime.js';
import { kernelPool, scatterColumns } from './threads.js';

/**
 * Backend.matmul on float32 operands of at least `limits.matmulMinWork` multiply-adds (`matmulNarrowMinWork`
 * when the output has fewer than 4 rows or columns); float64 and smaller products go to the js kernel. Batches
 * run one product at a time: an operand is copied only when its offset changes (a weight shared by every batch
 * entry is copied once), and each result is copied out when done. Copying costs little: 3 × 4 MiB at 1024³ is about 1 ms against 60 ms of arithmetic.
 *
 * In Node, products of at least THREADED_MIN_WORK multiply-adds are split across getNumThreads() threads
 * (threads.ts), by rows of C, or by columns when C has fewer rows than columns, one product at a time; each
 * thread runs the same gemm, so results are bit-identical.
 */
export function wasmMatmul(runtime: WasmRuntime, limits: WasmLimits): Backend['matmul'] {
  const scratchBytes = runtime.kernels.gemmScratchBytes();
  const pool = kernelPool(runtime.relaxedSimd ? 'relaxed-simd' : 'simd', runtime.wasmModule);
  return (a, aOffsets, b, bOffsets, out, m, k, n, transA, transB) => {
    const work = m * n * k;
    const minWork = m < 4 || n < 4 ? limits.matmulNarrowMinWork : limits.matmulMinWork;
    if (!isFloat32(a) || !isFloat32(b) || !isFloat32(out) || work < minWork) {
      jsBackend.matmul(a, aOffsets, b, bOffsets, out, m, k, n, transA, transB);
      return;
    }
    const { shares, byColumns } = pool?.split(m, n, work) ?? { shares: 1, byColumns: false };
    if (pool && shares > 1) {
      for (let batch = 0; batch < aOffsets.length; batch++) {
        const job = {
          a,
          aOffset: aOffsets[batch]!,
          b,
          bOffset: bOffsets[batch]!,
          out,
          outOffset: batch * m * n,
        };
        pool.run('matmul', { ...job, m, k, n, transA, transB }, shares, byColumns, (count) =>
          (byColumns ? gemmColumns : gemmRows)(
            runtime,
            scratchBytes,
            job.a,
            job.aOffset,
            b,
            job.bOffset,
            out,
            job.outOffset,
            m,
            k,
            n,
            transA,
            transB,
            count,
          ),
        );
      }
      return;
    }
    const aSize = m * k;
    const bSize = k * n;
    const cSize = m * n;
    const [scratch, aAt, bAt, cAt] = runtime.layout(scratchBytes, aSize * 4, bSize * 4, cSize * 4);
    const heap = runtime.f32;
    const kernels = runtime.kernels;
    let aCopied = -1;
    let bCopied = -1;
    for (let batch = 0; batch < aOffsets.length; batch++) {
      const aOff = aOffsets[batch]!;
      const bOff = bOffsets[batch]!;
      if (aOff !== aCopied) heap.set(a.subarray(aOff, aOff + aSize), aAt >> 2);
      if (bOff !== bCopied) heap.set(b.subarray(bOff, bOff + bSize), bAt >> 2);
      aCopied = aOff;
      bCopied = bOff;
      kernels.gemm(
        aAt,
        transA ? 1 : k,
        transA ? m : 1,
        bAt,
        transB ? 1 : n,
        transB ? k : 1,
        cAt,
        m,
        k,
        n,
        scratch,
      );
      out.set(heap.subarray(cAt >> 2, (cAt >> 2) + cSize), batch * cSize);
    }
  };
}

/** Rows [0, rows) of C = op(A)·op(B) (A m×k, B k×n as stored at the offsets) on the calling thread. */
function gemmRows(
  runtime: WasmRuntime,
  scratchBytes: number,
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  bOffset: number,
  out: Float32Array,
  outOffset: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  rows: number,
): void {
  // op(A)'s first rows are A's first rows, or (transposed) the first columns of all of A.
  const aSize = transA ? m * k : rows * k;
  const [scratch, aAt, bAt, cAt] = runtime.layout(scratchBytes, aSize * 4, k * n * 4, rows * n * 4);
  const heap = runtime.f32;
  heap.set(a.subarray(aOffset, aOffset + aSize), aAt >> 2);
  heap.set(b.subarray(bOffset, bOffset + k * n), bAt >> 2);
  runtime.kernels.gemm(
    aAt,
    transA ? 1 : k,
    transA ? m : 1,
    bAt,
    transB ? 1 : n,
    transB ? k : 1,
    cAt,
    rows,
    k,
    n,
    scratch,
  );
  out.set(heap.subarray(cAt >> 2, (cAt >> 2) + rows * n), outOffset);
}

/** Columns [0, cols) of C = op(A)·op(B) on the calling thread (written into `out`'s rows, n apart). */
function gemmColumns(
  runtime: WasmRuntime,
  scratchBytes: number,
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  bOffset: number,
  out: Float32Array,
  outOffset: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  cols: number,
): void {
  // op(B)'s first columns: the first rows of the stored Bᵀ, or (not transposed) all of B, read with stride n.
  const bSize = transB ? cols * k : k * n;
  const [scratch, aAt, bAt, cAt] = runtime.layout(scratchBytes, m * k * 4, bSize * 4, m * cols * 4);
  const heap = runtime.f32;
  heap.set(a.subarray(aOffset, aOffset + m * k), aAt >> 2);
  heap.set(b.subarray(bOffset, bOffset + bSize), bAt >> 2);
  runtime.kernels.gemm(
    aAt,
    transA ? 1 : k,
    transA ? m : 1,
    bAt,
    transB ? 1 : n,
    transB ? k : 1,
    cAt,
    m,
    k,
    cols,
    scratch,
  );
  scatterColumns(heap, cAt >> 2, m, cols, out, outOffset, n);
}

function isFloat32(x: FloatArray): x is Float32Array {
  return x instanceof Float32Array;
}
