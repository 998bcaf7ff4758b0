// @file The wasm backend's LSTM and GRU recurrences: the whole sequence in linear memory (weights copied once), each step a gemm plus the fused SIMD gate kernel.
import type { FloatArray } from '../../tensor/dtype.js';
import { recurrenceBackward, recurrenceForward } from '../js/recurrence.js';
import type {
  Backend,
  RecurrenceBackwardArrays,
  RecurrenceForwardArrays,
  RecurrenceShape,
} from '../types.js';
import type { WasmLimits } from './limits.js';
import { gruBackwardFused, gruForwardFused, packedWeightBytes, previousStates } from './recurrent-gru.js';
import type { WasmRuntime } from './runtime.js';

/**
 * Whether the fused kernels take this recurrence: a float32 LSTM or GRU with inputs, whose hidden size is a multiple of
 * 4 (whole f32x4 vectors per gate), with at least `limits.minSize` gate values per step and at most 1 GiB of linear
 * memory. Everything else runs the reference loop through this backend's kernels (its matmuls in wasm).
 */
function fused(shape: RecurrenceShape, arrays: { weightHh: FloatArray }, limits: WasmLimits): boolean {
  return (
    (shape.kind === 'lstm' || shape.kind === 'gru') &&
    shape.hidden % 4 === 0 &&
    shape.inputSize > 0 &&
    shape.steps > 0 &&
    arrays.weightHh instanceof Float32Array &&
    shape.batch * 4 * shape.hidden >= limits.minSize &&
    residentBytes(shape) <= MAX_RESIDENT_BYTES
  );
}

/** Linear memory the fused backward pass lays out, about (two gate arrays dominate). */
function residentBytes({ steps, batch, inputSize, hidden }: RecurrenceShape): number {
  return (
    4 * steps * batch * (8 * hidden + 4 * hidden + 2 * inputSize) + 8 * 4 * hidden * (hidden + inputSize)
  );
}

/** Larger recurrences take the reference loop, whose kernels copy one step at a time. */
const MAX_RESIDENT_BYTES = 2 ** 30;

/** b_ih + b_hh in float64, rounded once (the gate kernel adds one bias row); null without biases. */
function combinedBias(a: RecurrenceForwardArrays, width: number): Float32Array | null {
  if (!a.biasIh && !a.biasHh) return null;
  const out = new Float32Array(width);
  for (let j = 0; j < width; j++) out[j] = (a.biasIh ? a.biasIh[j]! : 0) + (a.biasHh ? a.biasHh[j]! : 0);
  return out;
}

/**
 * Backend.recurrenceForward. The fused path copies the input, W_ih, W_hh, the biases, h0 and c0 into linear
 * memory once, computes x·W_ihᵀ for all steps as one gemm, runs assembly/recurrent.ts's loop (per step: gemm
 * accumulating h·W_hhᵀ into that step's gates, then the gate kernel adding b_ih + b_hh), and copies h_t, c_t and
 * the gates out once; the previous-state arrays that the backward pass reads are rebuilt from them.
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
    if (shape.kind === 'gru') {
      gruForwardFused(runtime, scratchBytes, shape, a);
      return;
    }
    const { steps, batch, inputSize, hidden, reverse } = shape;
    const state = batch * hidden;
    const width = 4 * hidden;
    const all = steps * state;
    const rows = steps * batch;
    const bias = combinedBias(a, width);
    const [scratch, xAt, inputAt, wIhAt, wAt, biasAt, h0At, c0At, hsAt, csAt, packedAt] = runtime.layout(
      scratchBytes,
      all * 16,
      rows * inputSize * 4,
      width * inputSize * 4,
      width * hidden * 4,
      bias ? width * 4 : 0,
      state * 4,
      state * 4,
      all * 4,
      all * 4,
      packedWeightBytes(hidden, width),
    );
    const heap = runtime.f32;
    heap.set(a.input, inputAt >> 2);
    heap.set(a.weightIh, wIhAt >> 2);
    heap.set(a.weightHh, wAt >> 2);
    if (bias) heap.set(bias, biasAt >> 2);
    heap.set(a.h0, h0At >> 2);
    heap.set(a.c0!, c0At >> 2);
    const kernels = runtime.kernels;
    // x̃ = x·W_ihᵀ for every step at once: op(B)[p][j] = W_ih[j][p].
    kernels.gemm(inputAt, inputSize, 1, wIhAt, 1, inputSize, xAt, rows, inputSize, width, scratch);
    kernels.lstmSequenceForward(
      xAt,
      wAt,
      bias ? biasAt : 0,
      h0At,
      c0At,
      steps,
      batch,
      hidden,
      reverse,
      hsAt,
      csAt,
      packedAt,
      scratch,
    );
    const cells = a.cells!;
    a.saved!.set(heap.subarray(xAt >> 2, (xAt >> 2) + all * 4));
    a.out.set(heap.subarray(hsAt >> 2, (hsAt >> 2) + all));
    cells.set(heap.subarray(csAt >> 2, (csAt >> 2) + all));
    previousStates(steps, state, reverse, a.h0, a.out, a.hPrev);
    previousStates(steps, state, reverse, a.c0!, cells, a.cPrev!);
    const last = reverse ? 0 : steps - 1;
    a.out.set(a.out.subarray(last * state, (last + 1) * state), steps * state);
    a.out.set(cells.subarray(last * state, (last + 1) * state), (steps + 1) * state);
  };
}

/**
 * Backend.recurrenceBackward. The fused path copies ∂out, the weights, the saved gates, c_t, c0, h_{t−1} and
 * the input in, runs the backward loop (per step: gate gradients, then ∂h = ∂a·W_hh), then over all steps at once
 * ∂W_hh = ∂aᵀ·h_prev, ∂W_ih = ∂aᵀ·x and ∂x = ∂a·W_ih (gemms) and ∂b = Σ ∂a (float64 sums; the LSTM's two
 * biases get the same gradient), and copies only those gradients out.
 */
export function wasmRecurrenceBackward(
  runtime: WasmRuntime,
  limits: WasmLimits,
): Backend['recurrenceBackward'] {
  const scratchBytes = runtime.kernels.gemmScratchBytes();
  return function (this: Backend, shape, a: RecurrenceBackwardArrays) {
    if (!fused(shape, a, limits)) {
      recurrenceBackward.call(this, shape, a);
      return;
    }
    if (shape.kind === 'gru') {
      gruBackwardFused(runtime, scratchBytes, shape, a);
      return;
    }
    const { steps, batch, inputSize, hidden, reverse } = shape;
    const state = batch * hidden;
    const width = 4 * hidden;
    const all = steps * state;
    const rows = steps * batch;
    const first = reverse ? steps - 1 : 0;
    const projection = width * inputSize * 4;
    const [
      scratch,
      gAt,
      wAt,
      gatesAt,
      csAt,
      c0At,
      hPrevAt,
      dGatesAt,
      dhAt,
      dcAt,
      dwAt,
      dbAt,
      accAt,
      ...more
    ] = runtime.layout(
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
      rows * inputSize * 4,
      projection,
      projection,
      rows * inputSize * 4,
      packedWeightBytes(width, hidden),
    );
    const [inputAt, wIhAt, dwIhAt, dInputAt, packedAt] = more as [number, number, number, number, number];
    const heap = runtime.f32;
    heap.set(a.gradOut, gAt >> 2);
    heap.set(a.weightHh, wAt >> 2);
    heap.set(a.saved!, gatesAt >> 2);
    heap.set(a.cells!, csAt >> 2);
    heap.set(a.cPrev!.subarray(first * state, (first + 1) * state), c0At >> 2);
    heap.set(a.hPrev, hPrevAt >> 2);
    heap.set(a.input, inputAt >> 2);
    heap.set(a.weightIh, wIhAt >> 2);
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
      packedAt,
      scratch,
    );
    // ∂W_hh = ∂aᵀ·h_prev over all T·B rows: op(A) is the [T·B, 4H] gradient read transposed.
    kernels.gemm(dGatesAt, 1, width, hPrevAt, hidden, 1, dwAt, width, rows, hidden, scratch);
    kernels.sumMiddle(dGatesAt, 1, rows, width, accAt, dbAt);
    a.gradWeightHh.set(heap.subarray(dwAt >> 2, (dwAt >> 2) + width * hidden));
    const biasGrad = heap.subarray(dbAt >> 2, (dbAt >> 2) + width);
    a.gradBiasHh?.set(biasGrad);
    a.gradBiasIh?.set(biasGrad);
    a.gradH0.set(heap.subarray(dhAt >> 2, (dhAt >> 2) + state));
    a.gradC0!.set(heap.subarray(dcAt >> 2, (dcAt >> 2) + state));
    // The projection's gradients: ∂W_ih = ∂aᵀ·x and ∂x = ∂a·W_ih.
    kernels.gemm(dGatesAt, 1, width, inputAt, inputSize, 1, dwIhAt, width, rows, inputSize, scratch);
    kernels.gemm(dGatesAt, width, 1, wIhAt, inputSize, 1, dInputAt, rows, width, inputSize, scratch);
    a.gradWeightIh.set(heap.subarray(dwIhAt >> 2, (dwIhAt >> 2) + width * inputSize));
    a.gradInput.set(heap.subarray(dInputAt >> 2, (dInputAt >> 2) + rows * inputSize));
  };
}
