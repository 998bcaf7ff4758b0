// @file The recurrent kernels of the kernel interface: LSTM/GRU cells and whole-sequence recurrences.
import type { FloatArray } from '../tensor/dtype.js';

/** The cell of a recurrence: Elman RNN (tanh or ReLU), LSTM (gates i, f, g, o) or GRU (gates r, z, n). */
export type RecurrentCellKind = 'rnnTanh' | 'rnnRelu' | 'lstm' | 'gru';

/** The sizes of one recurrence (one layer in one direction): T steps of `batch` rows, `inputSize` → `hidden` units. */
export interface RecurrenceShape {
  readonly kind: RecurrentCellKind;
  readonly steps: number;
  readonly batch: number;
  readonly inputSize: number;
  readonly hidden: number;
  /** Run from t = T − 1 down to 0. */
  readonly reverse: boolean;
}

/**
 * The arrays of Backend.recurrenceForward (G gates: 1 for RNN, 4 for LSTM, 3 for GRU). Inputs: `input`
 * [T, B, I], `weightIh` [G·H, I], `biasIh` [G·H] or null, `weightHh` [G·H, H], `biasHh` [G·H] or null, `h0`
 * [B, H], `c0` [B, H] (LSTM only). Outputs: `out` [T + 1, B, H] (LSTM: [T + 2, B, H]): h_t at row t, the final h
 * at row T and the LSTM's final c at row T + 1; and what the backward pass reads, by time position t: `hPrev`
 * [T, B, H] (the h that step t started from), `saved` [T, B, 4H] (LSTM: the activated gates; GRU: r, z, n and
 * W_hn·h + b_hn; null for RNN), `cPrev` and `cells` [T, B, H] (LSTM: c before and after step t; null otherwise).
 */
export interface RecurrenceForwardArrays {
  readonly input: FloatArray;
  readonly weightIh: FloatArray;
  readonly biasIh: FloatArray | null;
  readonly weightHh: FloatArray;
  readonly biasHh: FloatArray | null;
  readonly h0: FloatArray;
  readonly c0: FloatArray | null;
  readonly out: FloatArray;
  readonly hPrev: FloatArray;
  readonly saved: FloatArray | null;
  readonly cPrev: FloatArray | null;
  readonly cells: FloatArray | null;
}

/**
 * The arrays of Backend.recurrenceBackward: `gradOut` (∂L/∂out, out's shape) and the forward pass's arrays in;
 * written: `gradInput` [T, B, I], `gradWeightIh` [G·H, I], `gradBiasIh` [G·H] (or null without biases),
 * `gradWeightHh` [G·H, H], `gradBiasHh` [G·H] (or null), `gradH0` and `gradC0` [B, H] (the latter LSTM only).
 */
export interface RecurrenceBackwardArrays extends RecurrenceForwardArrays {
  readonly gradOut: FloatArray;
  readonly gradInput: FloatArray;
  readonly gradWeightIh: FloatArray;
  readonly gradBiasIh: FloatArray | null;
  readonly gradWeightHh: FloatArray;
  readonly gradBiasHh: FloatArray | null;
  readonly gradH0: FloatArray;
  readonly gradC0: FloatArray | null;
}

/** The recurrent kernels of a Backend (ops/recurrent.ts is their only caller). */
export interface RecurrentKernels {
  /**
   * One LSTM time step over `batch` rows of `hidden` units, gates in PyTorch's order i, f, g, o (rows of
   * 4·hidden): with a = xGates + hGates (+ bias, one row broadcast over the batch),
   * i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o), c = f⊙cPrev + i⊙g and h = o⊙tanh(c). Writes h and c
   * ([batch, hidden]) and the activated gates ([batch, 4·hidden], saved for lstmCellBackward); `gates` may be
   * `hGates` itself.
   */
  lstmCell(
    xGates: FloatArray,
    hGates: FloatArray,
    bias: FloatArray | null,
    cPrev: FloatArray,
    batch: number,
    hidden: number,
    h: FloatArray,
    c: FloatArray,
    gates: FloatArray,
  ): void;

  /**
   * The VJP of lstmCell from its saved gates, cPrev and c: with ∂c_total = ∂c + ∂h⊙o⊙(1 − tanh²c), writes
   * the gradient of the pre-activations a (∂a_i = ∂c_total⊙g⊙i(1 − i), ∂a_f = ∂c_total⊙cPrev⊙f(1 − f),
   * ∂a_g = ∂c_total⊙i⊙(1 − g²), ∂a_o = ∂h⊙tanh(c)⊙o(1 − o)) and ∂cPrev = ∂c_total⊙f. `gradC` null means 0.
   */
  lstmCellBackward(
    gradH: FloatArray,
    gradC: FloatArray | null,
    gates: FloatArray,
    cPrev: FloatArray,
    c: FloatArray,
    batch: number,
    hidden: number,
    gradGates: FloatArray,
    gradCPrev: FloatArray,
  ): void;

  /**
   * One GRU time step over `batch` rows of `hidden` units, gates in PyTorch's order r, z, n (rows of 3·hidden):
   * with hn = hGates_n + bias_n, r = σ(x_r + hGates_r + bias_r), z = σ(x_z + hGates_z + bias_z),
   * n = tanh(x_n + r⊙hn) and h = (1 − z)⊙n + z⊙hPrev. `xGates` holds x·W_ihᵀ + b_ih, `hGates` hPrev·W_hhᵀ and
   * `bias` b_hh (null: none). Writes h and the saved values r, z, n, hn ([batch, 4·hidden]).
   */
  gruCell(
    xGates: FloatArray,
    hGates: FloatArray,
    bias: FloatArray | null,
    hPrev: FloatArray,
    batch: number,
    hidden: number,
    h: FloatArray,
    saved: FloatArray,
  ): void;

  /**
   * The VJP of gruCell from its saved r, z, n, hn: ∂a_n = ∂h⊙(1 − z)⊙(1 − n²), ∂a_z = ∂h⊙(hPrev − n)⊙z(1 − z),
   * ∂a_r = ∂a_n⊙hn⊙r(1 − r). Writes ∂xGates = (∂a_r, ∂a_z, ∂a_n), ∂hGates = (∂a_r, ∂a_z, ∂a_n⊙r) (also ∂bias
   * per row) and the direct part of ∂hPrev = ∂h⊙z (the caller adds ∂hGates·W_hh).
   */
  gruCellBackward(
    gradH: FloatArray,
    saved: FloatArray,
    hPrev: FloatArray,
    batch: number,
    hidden: number,
    gradXGates: FloatArray,
    gradHGates: FloatArray,
    gradHPrev: FloatArray,
  ): void;

  /**
   * One layer's recurrence in one direction over a whole sequence (ops/recurrent.ts gives the equations): the
   * input projection x·W_ihᵀ + b_ih of all steps as one product, then per step one product h·W_hhᵀ and the
   * cell's gate kernel. Called as a method: the reference implementation runs its steps through `this`'s matmul
   * and cell kernels, so a backend inherits it with its own fast kernels.
   */
  recurrenceForward(shape: RecurrenceShape, arrays: RecurrenceForwardArrays): void;

  /**
   * Backpropagation through time for recurrenceForward: per step (last to first) the cell's gate gradient and
   * one product ∂a_t·W_hh, then over all steps at once ∂W_hh = Σ_t ∂a_tᵀ·h_{t−1}, ∂b_hh = Σ ∂a, and for the
   * projection ∂W_ih = ∂ãᵀ·x, ∂x = ∂ã·W_ih and ∂b_ih = Σ ∂ã (ã: the input-side pre-activations).
   */
  recurrenceBackward(shape: RecurrenceShape, arrays: RecurrenceBackwardArrays): void;
}
