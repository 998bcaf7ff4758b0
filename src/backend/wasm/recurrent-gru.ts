// @file The wasm backend's GRU recurrence over a whole sequence in linear memory (assembly/recurrent.ts's gruSequence*), and the shared previous-state rebuild.
import type { FloatArray } from '../../tensor/dtype.js';
import type { RecurrenceBackwardArrays, RecurrenceForwardArrays, RecurrenceShape } from '../types.js';
import type { WasmRuntime } from './runtime.js';

/**
 * Fills `previous` [T, B, H] with the state each step started from: `initial` for the first step in running
 * order, then the `states` row of the step before (rows by time position; `reverse` runs from T − 1 down).
 */
/** Bytes that assembly's packWeights fills for a k×n operand (n rounded up to 8-column panels). */
export function packedWeightBytes(k: number, n: number): number {
  return k * Math.ceil(n / 8) * 8 * 4;
}

export function previousStates(
  steps: number,
  state: number,
  reverse: boolean,
  initial: FloatArray,
  states: FloatArray,
  previous: FloatArray,
): void {
  const first = reverse ? steps - 1 : 0;
  const step = reverse ? -1 : 1;
  previous.set(initial, first * state);
  for (let s = 1; s < steps; s++) {
    const t = first + s * step;
    previous.set(states.subarray((t - step) * state, (t - step + 1) * state), t * state);
  }
}

/**
 * Backend.recurrenceForward for a float32 GRU: input, W_ih, W_hh, the biases and h0 copied in once, x·W_ihᵀ for
 * all steps as one gemm, then assembly's loop (per step: gemm h·W_hhᵀ into a scratch row block, the f32x4 gate
 * kernel), and h_t and the saved r, z, n, hn copied out once.
 */
export function gruForwardFused(
  runtime: WasmRuntime,
  scratchBytes: number,
  shape: RecurrenceShape,
  a: RecurrenceForwardArrays,
): void {
  const { steps, batch, inputSize, hidden, reverse } = shape;
  const state = batch * hidden;
  const width = 3 * hidden;
  const all = steps * state;
  const rows = steps * batch;
  const [scratch, xAt, inputAt, wIhAt, wAt, biasIhAt, biasHhAt, h0At, hsAt, savedAt, hgAt, packedAt] =
    runtime.layout(
      scratchBytes,
      rows * width * 4,
      rows * inputSize * 4,
      width * inputSize * 4,
      width * hidden * 4,
      a.biasIh ? width * 4 : 0,
      a.biasHh ? width * 4 : 0,
      state * 4,
      all * 4,
      all * 16,
      batch * width * 4,
      packedWeightBytes(hidden, width),
    );
  const heap = runtime.f32;
  heap.set(a.input, inputAt >> 2);
  heap.set(a.weightIh, wIhAt >> 2);
  heap.set(a.weightHh, wAt >> 2);
  if (a.biasIh) heap.set(a.biasIh, biasIhAt >> 2);
  if (a.biasHh) heap.set(a.biasHh, biasHhAt >> 2);
  heap.set(a.h0, h0At >> 2);
  const kernels = runtime.kernels;
  kernels.gemm(inputAt, inputSize, 1, wIhAt, 1, inputSize, xAt, rows, inputSize, width, scratch);
  kernels.gruSequenceForward(
    xAt,
    wAt,
    a.biasIh ? biasIhAt : 0,
    a.biasHh ? biasHhAt : 0,
    h0At,
    steps,
    batch,
    hidden,
    reverse,
    hsAt,
    savedAt,
    hgAt,
    packedAt,
    scratch,
  );
  a.saved!.set(heap.subarray(savedAt >> 2, (savedAt >> 2) + all * 4));
  a.out.set(heap.subarray(hsAt >> 2, (hsAt >> 2) + all));
  previousStates(steps, state, reverse, a.h0, a.out, a.hPrev);
  const last = reverse ? 0 : steps - 1;
  a.out.copyWithin(steps * state, last * state, (last + 1) * state);
}

/**
 * Backend.recurrenceBackward for a float32 GRU: assembly's BPTT loop, then over all steps at once ∂W_hh, ∂W_ih
 * and ∂x (gemms) and both bias gradients (float64 sums), copied out.
 */
export function gruBackwardFused(
  runtime: WasmRuntime,
  scratchBytes: number,
  shape: RecurrenceShape,
  a: RecurrenceBackwardArrays,
): void {
  const { steps, batch, inputSize, hidden, reverse } = shape;
  const state = batch * hidden;
  const width = 3 * hidden;
  const all = steps * state;
  const rows = steps * batch;
  const first = reverse ? steps - 1 : 0;
  const projection = width * inputSize * 4;
  const [scratch, gAt, wAt, savedAt, hsAt, h0At, hPrevAt, dXAt, dHgAt, dhAt, ...rest] = runtime.layout(
    scratchBytes,
    (all + state) * 4,
    width * hidden * 4,
    all * 16,
    all * 4,
    state * 4,
    all * 4,
    rows * width * 4,
    rows * width * 4,
    state * 4,
    width * hidden * 4,
    width * 4,
    width * 4,
    width * 8,
    rows * inputSize * 4,
    projection,
    projection,
    rows * inputSize * 4,
    packedWeightBytes(width, hidden),
  );
  const [dwAt, dbHhAt, dbIhAt, accAt, inputAt, wIhAt, dwIhAt, dInputAt, packedAt] = rest as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const heap = runtime.f32;
  heap.set(a.gradOut, gAt >> 2);
  heap.set(a.weightHh, wAt >> 2);
  heap.set(a.saved!, savedAt >> 2);
  heap.set(a.out.subarray(0, all), hsAt >> 2);
  heap.set(a.hPrev.subarray(first * state, (first + 1) * state), h0At >> 2);
  heap.set(a.hPrev, hPrevAt >> 2);
  heap.set(a.input, inputAt >> 2);
  heap.set(a.weightIh, wIhAt >> 2);
  const kernels = runtime.kernels;
  kernels.gruSequenceBackward(
    gAt,
    wAt,
    savedAt,
    hsAt,
    h0At,
    steps,
    batch,
    hidden,
    reverse,
    dXAt,
    dHgAt,
    dhAt,
    packedAt,
    scratch,
  );
  kernels.gemm(dHgAt, 1, width, hPrevAt, hidden, 1, dwAt, width, rows, hidden, scratch);
  kernels.gemm(dXAt, 1, width, inputAt, inputSize, 1, dwIhAt, width, rows, inputSize, scratch);
  kernels.gemm(dXAt, width, 1, wIhAt, inputSize, 1, dInputAt, rows, width, inputSize, scratch);
  kernels.sumMiddle(dHgAt, 1, rows, width, accAt, dbHhAt);
  kernels.sumMiddle(dXAt, 1, rows, width, accAt, dbIhAt);
  a.gradWeightHh.set(heap.subarray(dwAt >> 2, (dwAt >> 2) + width * hidden));
  a.gradWeightIh.set(heap.subarray(dwIhAt >> 2, (dwIhAt >> 2) + width * inputSize));
  a.gradInput.set(heap.subarray(dInputAt >> 2, (dInputAt >> 2) + rows * inputSize));
  a.gradBiasHh?.set(heap.subarray(dbHhAt >> 2, (dbHhAt >> 2) + width));
  a.gradBiasIh?.set(heap.subarray(dbIhAt >> 2, (dbIhAt >> 2) + width));
  a.gradH0.set(heap.subarray(dhAt >> 2, (dhAt >> 2) + state));
}
