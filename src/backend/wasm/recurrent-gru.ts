// @file The wasm backend's GRU recurrence over a whole sequence in linear memory (assembly/recurrent.ts's gruSequence*, operands staged in place where they live there), and the shared previous-state rebuild.
import type { FloatArray } from '../../tensor/dtype.js';
import type { RecurrenceBackwardArrays, RecurrenceForwardArrays, RecurrenceShape } from '../types.js';
import type { WasmRuntime } from './runtime.js';
import { input, output, scratch, stage } from './staging.js';

/** Bytes that assembly's packWeights fills for a k×n operand (n rounded up to 8-column panels). */
export function packedWeightBytes(k: number, n: number): number {
  return k * Math.ceil(n / 8) * 8 * 4;
}

/**
 * Fills `previous` [T, B, H] with the state each step started from: `initial` for the first step in running
 * order, then the `states` row of the step before (rows by time position; `reverse` runs from T − 1 down).
 */
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
 * Backend.recurrenceForward for a float32 GRU: the operands staged once (in place where they live in linear
 * memory), x·W_ihᵀ for all steps as one gemm into scratch, then assembly's loop (per step: gemm h·W_hhᵀ into a
 * scratch row block, the f32x4 gate kernel) writing h_t into `out` and r, z, n, hn into `saved`.
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
  const rows = steps * batch;
  const call = stage(runtime, [
    scratch(scratchBytes),
    scratch(rows * width * 4),
    input(a.input),
    input(a.weightIh),
    input(a.weightHh),
    a.biasIh ? input(a.biasIh) : scratch(0),
    a.biasHh ? input(a.biasHh) : scratch(0),
    input(a.h0),
    output(a.out),
    output(a.saved!),
    scratch(batch * width * 4),
    scratch(packedWeightBytes(hidden, width)),
  ]);
  const [scratchAt, xAt, inputAt, wIhAt, wAt, biasIhAt, biasHhAt, h0At, hsAt, savedAt, hgAt, packedAt] =
    call.at as [
      number,
      number,
      number,
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
  const kernels = runtime.kernels;
  kernels.gemm(inputAt, inputSize, 1, wIhAt, 1, inputSize, xAt, rows, inputSize, width, scratchAt);
  kernels.gruSequenceForward(
    xAt,
    wAt,
    biasIhAt,
    biasHhAt,
    h0At,
    steps,
    batch,
    hidden,
    reverse,
    hsAt,
    savedAt,
    hgAt,
    packedAt,
    scratchAt,
  );
  call.finish();
  previousStates(steps, state, reverse, a.h0, a.out, a.hPrev);
  const last = reverse ? 0 : steps - 1;
  a.out.copyWithin(steps * state, last * state, (last + 1) * state);
}

/**
 * Backend.recurrenceBackward for a float32 GRU: assembly's BPTT loop, then over all steps at once ∂W_hh, ∂W_ih
 * and ∂x (gemms) and both bias gradients (float64 sums), each written into its gradient array.
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
  const call = stage(runtime, [
    scratch(scratchBytes),
    input(a.gradOut),
    input(a.weightHh),
    input(a.saved!),
    input(a.out.subarray(0, all)),
    input(a.hPrev.subarray(first * state, (first + 1) * state)),
    input(a.hPrev),
    scratch(rows * width * 4),
    scratch(rows * width * 4),
    output(a.gradH0),
    output(a.gradWeightHh),
    a.gradBiasHh ? output(a.gradBiasHh) : scratch(0),
    a.gradBiasIh ? output(a.gradBiasIh) : scratch(0),
    scratch(width * 8),
    input(a.input),
    input(a.weightIh),
    output(a.gradWeightIh),
    output(a.gradInput),
    scratch(packedWeightBytes(width, hidden)),
  ]);
  const [scratchAt, gAt, wAt, savedAt, hsAt, h0At, hPrevAt, dXAt, dHgAt, dhAt, ...rest] = call.at as number[];
  const [dwAt, dbHhAt, dbIhAt, accAt, inputAt, wIhAt, dwIhAt, dInputAt, packedAt] = rest as [
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
  const kernels = runtime.kernels;
  kernels.gruSequenceBackward(
    gAt!,
    wAt!,
    savedAt!,
    hsAt!,
    h0At!,
    steps,
    batch,
    hidden,
    reverse,
    dXAt!,
    dHgAt!,
    dhAt!,
    packedAt,
    scratchAt!,
  );
  kernels.gemm(dHgAt!, 1, width, hPrevAt!, hidden, 1, dwAt, width, rows, hidden, scratchAt!);
  kernels.gemm(dXAt!, 1, width, inputAt, inputSize, 1, dwIhAt, width, rows, inputSize, scratchAt!);
  kernels.gemm(dXAt!, width, 1, wIhAt, inputSize, 1, dInputAt, rows, width, inputSize, scratchAt!);
  if (a.gradBiasHh) kernels.sumMiddle(dHgAt!, 1, rows, width, accAt, dbHhAt);
  if (a.gradBiasIh) kernels.sumMiddle(dXAt!, 1, rows, width, accAt, dbIhAt);
  call.finish();
}
