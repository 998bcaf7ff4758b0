// @file The wasm backend's matmul: the SIMD gemm on operands in linear memory (in place, or copied in and out).
import type { FloatArray } from '../../tensor/dtype.js';
import { jsBackend } from '../js/index.js';
import type { Backend } from '../types.js';
import type { WasmLimits } from './limits.js';
import { holdsNaN } from './overflow.js';
import type { WasmRuntime } from './runtime.js';
import { input, output, scratch, stage } from './staging.js';
import { kernelPool, scatterColumns, type MatmulJob } from './threads.js';

/**
 * Backend.matmul on float32 operands of at least `limits.matmulMinWork` multiply-adds (`matmulNarrowMinWork`
 * when the output has fewer than 4 rows or columns); float64 and smaller products go to the js kernel. Batches
 * run one product at a time on A, B and C in linear memory: tensor storage there is used in place, other
 * arrays are copied in whole (once, however many batch entries share them) and C out after the last product.
 *
 * In Node, products of at least THREADED_MIN_WORK multiply-adds are split across getNumThreads() threads
 * (threads.ts), by rows of C, or by columns when C has fewer rows than columns, one product at a time; each
 * thread runs the same gemm, so results are bit-identical. A result holding a NaN is redone by the js kernel
 * (float32 overflow makes NaNs of its own, see overflow.ts).
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
    const redoIfOverflowed = () => {
      if (holdsNaN(runtime, out)) jsBackend.matmul(a, aOffsets, b, bOffsets, out, m, k, n, transA, transB);
    };
    const { shares, byColumns } = pool?.split(m, n, work) ?? { shares: 1, byColumns: false };
    if (pool && shares > 1) {
      for (let batch = 0; batch < aOffsets.length; batch++) {
        const job: MatmulJob = {
          a,
          aOffset: aOffsets[batch]!,
          b,
          bOffset: bOffsets[batch]!,
          out,
          outOffset: batch * m * n,
          m,
          k,
          n,
          transA,
          transB,
        };
        pool.run('matmul', job, shares, byColumns, (count) =>
          gemmShare(runtime, scratchBytes, job, byColumns, count),
        );
      }
      redoIfOverflowed();
      return;
    }
    const cSize = m * n;
    const call = stage(runtime, [scratch(scratchBytes), input(a), input(b), output(out)]);
    const [scratchAt, aAt, bAt, cAt] = call.at;
    const kernels = runtime.kernels;
    for (let batch = 0; batch < aOffsets.length; batch++) {
      kernels.gemm(
        aAt! + aOffsets[batch]! * 4,
        transA ? 1 : k,
        transA ? m : 1,
        bAt! + bOffsets[batch]! * 4,
        transB ? 1 : n,
        transB ? k : 1,
        cAt! + batch * cSize * 4,
        m,
        k,
        n,
        scratchAt!,
      );
    }
    call.finish();
    redoIfOverflowed();
  };
}

/**
 * The calling thread's share of a split product: rows [0, count) of C = op(A)·op(B), or columns [0, count)
 * (`byColumns`; written into `out`'s rows, n apart).
 */
function gemmShare(
  runtime: WasmRuntime,
  scratchBytes: number,
  job: MatmulJob,
  byColumns: boolean,
  count: number,
): void {
  const { a, aOffset, b, bOffset, out, outOffset, m, k, n, transA, transB } = job;
  const rows = byColumns ? m : count;
  const cols = byColumns ? count : n;
  // op(A)'s first rows are A's first rows, or (transposed) the first columns of all of A; op(B)'s first columns
  // are the first rows of the stored Bᵀ, or (not transposed) all of B, read with stride n.
  const aSize = byColumns || transA ? m * k : rows * k;
  const bSize = byColumns && transB ? cols * k : k * n;
  const [scratch, aAt, bAt, cAt] = runtime.layout(scratchBytes, aSize * 4, bSize * 4, rows * cols * 4);
  const heap = runtime.f32;
  heap.set(a.subarray(aOffset, aOffset + aSize), aAt >> 2);
  heap.set(b.subarray(bOffset, bOffset + bSize), bAt >> 2);
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
    cols,
    scratch,
  );
  if (byColumns) scatterColumns(heap, cAt >> 2, rows, cols, out, outOffset, n);
  else out.set(heap.subarray(cAt >> 2, (cAt >> 2) + rows * n), outOffset);
}

function isFloat32(x: FloatArray): x is Float32Array {
  return x instanceof Float32Array;
}
