// @file The wasm backend's LSTM and GRU recurrences: the whole sequence in linear memory (operands staged once, in place where they live there), each step a gemm plus the fused SIMD gate kernel.
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
import { input, output, scratch, stage } from './staging.js';

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
 * Backend.recurrenceForward. The fused path stages its operands (tensor storage in linear memory in place, other
 * arrays copied), computes x·W_ihᵀ for all steps as one gemm straight into `saved`, and runs
 * assembly/recurrent.ts's loop there (per step: gemm accumulating h·W_hhᵀ into that step's gates, then the gate
 * kernel adding b_ih + b_hh and activating them in place), writing h_t into `out` and c_t into `cells`; the
 * previous-state arrays that the backward pass reads are rebuilt from them.
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
    const rows = steps * batch;
    const bias = combinedBias(a, width);
    const cells = a.cells!;
    const call = stage(runtime, [
      scratch(scratchBytes),
      input(a.input),
      input(a.weightIh),
      input(a.weightHh),
      bias ? input(bias) : scratch(0),
      input(a.h0),
      input(a.c0!),
      output(a.saved!),
      output(a.out),
      output(cells),
      scratch(packedWeightBytes(hidden, width)),
    ]);
    const [scratchAt, inputAt, wIhAt, wAt, biasAt, h0At, c0At, gatesAt, hsAt, csAt, packedAt] = call.at as [
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
    // x̃ = x·W_ihᵀ for every step at once: op(B)[p][j] = W_ih[j][p].
    kernels.gemm(inputAt, inputSize, 1, wIhAt, 1, inputSize, gatesAt, rows, inputSize, width, scratchAt);
    kernels.lstmSequenceForward(
      gatesAt,
      wAt,
      biasAt,
      h0At,
      c0At,
      steps,
      batch,
      hidden,
      reverse,
      hsAt,
      csAt,
      packedAt,
      scratchAt,
    );
    call.finish();
    previousStates(steps, state, reverse, a.h0, a.out, a.hPrev);
    previousStates(steps, state, reverse, a.c0!, cells, a.cPrev!);
    const last = reverse ? 0 : steps - 1;
    a.out.copyWithin(steps * state, last * state, (last + 1) * state);
    a.out.set(cells.subarray(last * state, (last + 1) * state), (steps + 1) * state);
  };
}

/**
 * Backend.recurrenceBackward. The fused path stages ∂out, the weights, the saved gates, c_t, c0, h_{t−1} and the
 * input (in place where they live in linear memory), runs the backward loop (per step: gate gradients, then
 * ∂h = ∂a·W_hh) into a scratch ∂a, then over all steps at once ∂W_hh = ∂aᵀ·h_prev, ∂W_ih = ∂aᵀ·x and
 * ∂x = ∂a·W_ih (gemms) and ∂b = Σ ∂a (float64 sums; the LSTM's two biases get the same gradient), each written
 * into its gradient array.
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
    const rows = steps * batch;
    const first = reverse ? steps - 1 : 0;
    const gradBias = a.gradBiasHh ?? a.gradBiasIh;
    const call = stage(runtime, [
      scratch(scratchBytes),
      input(a.gradOut),
      input(a.weightHh),
      input(a.saved!),
      input(a.cells!),
      input(a.cPrev!.subarray(first * state, (first + 1) * state)),
      input(a.hPrev),
      input(a.input),
      input(a.weightIh),
      scratch(rows * width * 4),
      output(a.gradH0),
      output(a.gradC0!),
      output(a.gradWeightHh),
      gradBias ? output(gradBias) : scratch(0),
      scratch(gradBias ? width * 8 : 0),
      output(a.gradWeightIh),
      output(a.gradInput),
      scratch(packedWeightBytes(width, hidden)),
    ]);
    const [scratchAt, gAt, wAt, gatesAt, csAt, c0At, hPrevAt, inputAt, wIhAt, dGatesAt, ...more] = call.at;
    const [dhAt, dcAt, dwAt, dbAt, accAt, dwIhAt, dInputAt, packedAt] = more as [
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
    kernels.lstmSequenceBackward(
      gAt!,
      wAt!,
      gatesAt!,
      csAt!,
      c0At!,
      steps,
      batch,
      hidden,
      reverse,
      dGatesAt!,
      dhAt,
      dcAt,
      packedAt,
      scratchAt!,
    );
    // ∂W_hh = ∂aᵀ·h_prev over all T·B rows: op(A) is the [T·B, 4H] gradient read transposed.
    kernels.gemm(dGatesAt!, 1, width, hPrevAt!, hidden, 1, dwAt, width, rows, hidden, scratchAt!);
    if (gradBias) kernels.sumMiddle(dGatesAt!, 1, rows, width, accAt, dbAt);
    // The projection's gradients: ∂W_ih = ∂aᵀ·x and ∂x = ∂a·W_ih.
    kernels.gemm(dGatesAt!, 1, width, inputAt!, inputSize, 1, dwIhAt, width, rows, inputSize, scratchAt!);
    kernels.gemm(dGatesAt!, width, 1, wIhAt!, inputSize, 1, dInputAt, rows, width, inputSize, scratchAt!);
    call.finish();
    if (a.gradBiasHh && a.gradBiasIh) a.gradBiasIh.set(a.gradBiasHh);
  };
}
