// @file The wasm backend's LSTM recurrence: the whole sequence in linear memory (W_hh copied once), each step a gemm plus the fused SIMD gate kernel.
import type { FloatArray } from '../../tensor/dtype.js';
import { recurrenceBackward, recurrenceForward } from '../js/recurrence.js';
import type {
  Backend,
  RecurrenceBackwardArrays,
  RecurrenceForwardArrays,
  RecurrenceShape,
} from '../types.js';
import type { WasmLimits } from './limits.js';
import type { WasmRuntime } from './runtime.js';

/**
 * Whether the fused kernels take this recurrence: a float32 LSTM whose hidden size is a multiple of 4 (whole
 * f32x4 vectors per gate) and at least `limits.minSize` gate values per step. Everything else runs the reference
 * loop through this backend's kernels (its matmuls in wasm).
 */
function fused(shape: RecurrenceShape, arrays: { weightHh: FloatArray }, limits: WasmLimits): boolean {
  return (
    shape.kind === 'lstm' &&
    shape.hidden % 4 === 0 &&
    arrays.weightHh instanceof Float32Array &&
    shape.batch * 4 * shape.hidden >= limits.minSize
  );
}

/**
 * Backend.recurrenceForward. The fused path copies x·W_ihᵀ + b_ih of every step, W_hh, b_hh, h0 and c0 into
 * linear memory once, runs assembly/recurrent.ts's loop (per step: gemm accumulating h·W_hhᵀ into that step's
 * gates, then the gate kernel), and copies h_t, c_t and the gates out once; the previous-state arrays that the
 * backward pass reads are rebuilt from them.
 */
export function wasmRecurrenceForward(
  runtime: WasmRuntime,
  limits: WasmLimits,
): Backend['recurrenceForward'] {
  const scratchBytes = runtime.kernels.gemmScratchBytes();
  return function (this: Backend, shape, a: RecurrenceForwardArrays) {
    if (!fused(shape, a, limits)) {
      recurrenceForward.call(this, shape, a);
      return;
    }
    const { steps, batch, hidden, reverse } = shape;
    const state = batch * hidden;
    const width = 4 * hidden;
    const all = steps * state;
    const [scratch, xAt, wAt, biasAt, h0At, c0At, hsAt, csAt] = runtime.layout(
      scratchBytes,
      all * 16,
      width * hidden * 4,
      a.biasHh ? width * 4 : 0,
      state * 4,
      state * 4,
      all * 4,
      all * 4,
    );
    const heap = runtime.f32;
    heap.set(a.xGates, xAt >> 2);
    heap.set(a.weightHh, wAt >> 2);
    if (a.biasHh) heap.set(a.biasHh, biasAt >> 2);
    heap.set(a.h0, h0At >> 2);
    heap.set(a.c0!, c0At >> 2);
    runtime.kernels.lstmSequenceForward(
      xAt,
      wAt,
      a.biasHh ? biasAt : 0,
      h0At,
      c0At,
      steps,
      batch,
      hidden,
      reverse,
      hsAt,
      csAt,
      scratch,
    );
    const cells = a.cells!;
    a.saved!.set(heap.subarray(xAt >> 2, (xAt >> 2) + all * 4));
    a.out.set(heap.subarray(hsAt >> 2, (hsAt >> 2) + all));
    cells.set(heap.subarray(csAt >> 2, (csAt >> 2) + all));
    const first = reverse ? steps - 1 : 0;
    const last = reverse ? 0 : steps - 1;
    const step = reverse ? -1 : 1;
    a.hPrev.set(a.h0, first * state);
    a.cPrev!.set(a.c0!, first * state);
    for (let t = first + step; t !== last + step && steps > 1; t += step) {
      a.hPrev.set(a.out.subarray((t - step) * state, (t - step + 1) * state), t * state);
      a.cPrev!.set(cells.subarray((t - step) * state, (t - step + 1) * state), t * state);
    }
    a.out.set(a.out.subarray(last * state, (last + 1) * state), steps * state);
    a.out.set(cells.subarray(last * state, (last + 1) * state), (steps + 1) * state);
  };
}

/**
 * Backend.recurrenceBackward. The fused path copies ∂out, W_hh, the saved gates, c_t, c0 and h_{t−1} in, runs the
 * backward loop (per step: gate gradients, then ∂h = ∂a·W_hh), then ∂W_hh = Σ ∂a_tᵀ·h_{t−1} as one gemm and
 * ∂b_hh = Σ ∂a (float64 sums), and copies the gradients out.
 */
export function wasmRecurrenceBackward(
  runtime: WasmRuntime,
  limits: WasmLimits,
): Backend['recurrenceBackward'] {
  const scratchBytes = runtime.kernels.gemmScratchBytes();
  return function (this: Backend, shape, a: RecurrenceBackwardArrays) {
    if (!fused(shape, a, limits) || shape.steps === 0) {
      recurrenceBackward.call(this, shape, a);
      return;
    }
    const { steps, batch, hidden, reverse } = shape;
    const state = batch * hidden;
    const width = 4 * hidden;
    const all = steps * state;
    const first = reverse ? steps - 1 : 0;
    const [scratch, gAt, wAt, gatesAt, csAt, c0At, hPrevAt, dGatesAt, dhAt, dcAt, dwAt, dbAt, accAt] =
      runtime.layout(
        scratchBytes,
        (all + 2 * state) * 4,
        width * hidden * 4,
        all * 16,
        all * 4,
        state * 4,
        all * 4,
        all * 16,
        state * 4,
        state * 4,
        width * hidden * 4,
        width * 4,
        width * 8,
      );
    const heap = runtime.f32;
    heap.set(a.gradOut, gAt >> 2);
    heap.set(a.weightHh, wAt >> 2);
    heap.set(a.saved!, gatesAt >> 2);
    heap.set(a.cells!, csAt >> 2);
    heap.set(a.cPrev!.subarray(first * state, (first + 1) * state), c0At >> 2);
    heap.set(a.hPrev, hPrevAt >> 2);
    const kernels = runtime.kernels;
    kernels.lstmSequenceBackward(
      gAt,
      wAt,
      gatesAt,
      csAt,
      c0At,
      steps,
      batch,
      hidden,
      reverse,
      dGatesAt,
      dhAt,
      dcAt,
      scratch,
    );
    // ∂W_hh = ∂aᵀ·h_prev over all T·B rows: op(A) is the [T·B, 4H] gradient read transposed.
    kernels.gemm(dGatesAt, 1, width, hPrevAt, hidden, 1, dwAt, width, steps * batch, hidden, scratch);
    // ∂b_hh = Σ over the T·B rows of ∂a, accumulated in float64.
    kernels.sumMiddle(dGatesAt, 1, steps * batch, width, accAt, dbAt);
    a.gradX.set(heap.subarray(dGatesAt >> 2, (dGatesAt >> 2) + all * 4));
    a.gradWeight.set(heap.subarray(dwAt >> 2, (dwAt >> 2) + width * hidden));
    a.gradBias.set(heap.subarray(dbAt >> 2, (dbAt >> 2) + width));
    a.gradH0.set(heap.subarray(dhAt >> 2, (dhAt >> 2) + state));
    a.gradC0!.set(heap.subarray(dcAt >> 2, (dcAt >> 2) + state));
  };
}
