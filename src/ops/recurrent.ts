// @file Recurrences of RNN, LSTM and GRU over a whole sequence as single ops: one GEMM and one fused gate kernel per step, BPTT in the VJP.
import { exclusiveGrad } from '../autograd/exclusive.js';
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import type {
  RecurrenceBackwardArrays,
  RecurrenceForwardArrays,
  RecurrenceShape,
  RecurrentCellKind,
} from '../backend/types.js';
import { allocate, allocateUninitialized, type FloatArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/** The cell that a recurrence runs; its gate count G makes the rows of W_hh (G·hidden). */
export type RecurrentKind = RecurrentCellKind;

const GATES: Record<RecurrentKind, number> = { rnnTanh: 1, rnnRelu: 1, lstm: 4, gru: 3 };

/**
 * The inputs of one layer's recurrence in one direction: `input` [T, B, I], `weightIh` [G·H, I], `biasIh`
 * [G·H] or null, `weightHh` [G·H, H], `biasHh` [G·H] or null, `h0` and, for the LSTM, `c0` [B, H]. With
 * `reverse` the steps run from t = T − 1 down to 0.
 */
export interface RecurrenceInputs {
  input: Tensor;
  weightIh: Tensor;
  biasIh: Tensor | null;
  weightHh: Tensor;
  biasHh: Tensor | null;
  h0: Tensor;
  c0?: Tensor | null;
  reverse: boolean;
}

/**
 * Runs a recurrence and returns one tensor [T + 1, B, H] (LSTM: [T + 2, B, H]): rows 0 … T − 1 are the hidden
 * states h_t at their time positions, row T the final hidden state (h_{T−1}, or h_0 when reversed) and, for the
 * LSTM, row T + 1 the final cell state. With x̃_t = x_t·W_ihᵀ + b_ih (one GEMM over all steps), per step t
 * (h′ the previous hidden state, σ the logistic function):
 *
 * - rnnTanh / rnnRelu: h_t = act(x̃_t + h′·W_hhᵀ + b_hh)
 * - lstm: (i, f, g, o) = (σ, σ, tanh, σ)(x̃_t + h′·W_hhᵀ + b_hh), c_t = f⊙c′ + i⊙g, h_t = o⊙tanh(c_t)
 * - gru: r, z = σ(x̃ + h′·W_hhᵀ + b_hh) (their rows), n = tanh(x̃_n + r⊙(h′·W_hnᵀ + b_hn)),
 *   h_t = (1 − z)⊙n + z⊙h′
 *
 * The VJP is backpropagation through time: one fused gate-gradient kernel and one GEMM (∂a·W_hh) per step,
 * then one GEMM each over all steps for ∂W_hh = Σ_t ∂a_tᵀ·h′_t, ∂W_ih = ∂x̃ᵀ·x and ∂x = ∂x̃·W_ih.
 */
export function recurrence(kind: RecurrentKind, inputs: RecurrenceInputs): Tensor {
  const { input, weightIh, biasIh, weightHh, biasHh, h0, reverse } = inputs;
  const c0 = kind === 'lstm' ? (inputs.c0 ?? null) : null;
  checkRecurrenceShapes(kind, inputs, c0);
  const [steps, batch, inputSize] = input.shape as [number, number, number];
  const width = weightHh.shape[0]!;
  const hidden = weightHh.shape[1]!;
  const dtype = input.dtype;
  const state = batch * hidden;
  const make = (n: number) => allocate(dtype, n, kind) as FloatArray;
  // The forward pass's arrays: every backend writes each of their elements, so they need not be cleared first.
  const fresh = (n: number) => allocateUninitialized(dtype, n, kind) as FloatArray;
  const data = (t: Tensor | null) => (t ? (t.storage as FloatArray) : null);
  const rows = kind === 'lstm' ? steps + 2 : steps + 1;
  const shape: RecurrenceShape = { kind, steps, batch, inputSize, hidden, reverse };
  const arrays: RecurrenceForwardArrays = {
    input: input.storage as FloatArray,
    weightIh: weightIh.storage as FloatArray,
    biasIh: data(biasIh),
    weightHh: weightHh.storage as FloatArray,
    biasHh: data(biasHh),
    h0: h0.storage as FloatArray,
    c0: data(c0),
    out: fresh(rows * state),
    hPrev: fresh(steps * state),
    saved: kind === 'lstm' || kind === 'gru' ? fresh(steps * 4 * state) : null,
    cPrev: c0 ? fresh(steps * state) : null,
    cells: c0 ? fresh(steps * state) : null,
  };
  backend().recurrenceForward(shape, arrays);
  const result = new Tensor(arrays.out, [rows, batch, hidden], dtype);
  const present = (t: Tensor | null) => (t ? [t] : []);
  const recorded = [input, weightIh, ...present(biasIh), weightHh, ...present(biasHh), h0, ...present(c0)];
  return record(result, kind, recorded, (g) => {
    const grads: RecurrenceBackwardArrays = {
      ...arrays,
      gradOut: g.storage as FloatArray,
      gradInput: make(input.numel()),
      gradWeightIh: make(width * inputSize),
      gradBiasIh: biasIh ? make(width) : null,
      gradWeightHh: make(width * hidden),
      gradBiasHh: biasHh ? make(width) : null,
      gradH0: make(state),
      gradC0: c0 ? make(state) : null,
    };
    backend().recurrenceBackward(shape, grads);
    const grad = (t: Tensor | null, values: FloatArray | null) =>
      t ? [t.requiresGrad ? exclusiveGrad(new Tensor(values!, t.shape, dtype)) : null] : [];
    return [
      ...grad(input, grads.gradInput),
      ...grad(weightIh, grads.gradWeightIh),
      ...grad(biasIh, grads.gradBiasIh),
      ...grad(weightHh, grads.gradWeightHh),
      ...grad(biasHh, grads.gradBiasHh),
      ...grad(h0, grads.gradH0),
      ...grad(c0, grads.gradC0),
    ];
  });
}

function checkRecurrenceShapes(kind: RecurrentKind, inputs: RecurrenceInputs, c0: Tensor | null): void {
  const { input, weightIh, biasIh, weightHh, biasHh, h0 } = inputs;
  const fail = (what: string) => {
    throw new ShapeError(kind, what);
  };
  if (input.ndim !== 3) fail(`expected input [T, B, I], got shape ${fmtShape(input.shape)}`);
  if (weightHh.ndim !== 2) fail(`expected weight_hh [G·H, H], got shape ${fmtShape(weightHh.shape)}`);
  const [, batch, inputSize] = input.shape as [number, number, number];
  const [width, hidden] = weightHh.shape as [number, number];
  if (width !== GATES[kind] * hidden) {
    fail(`weight_hh of shape ${fmtShape(weightHh.shape)} does not have ${GATES[kind]}·hidden rows`);
  }
  const expect = (name: string, t: Tensor | null, shape: readonly number[]) => {
    if (t && (t.ndim !== shape.length || t.shape.some((n, i) => n !== shape[i]))) {
      fail(`expected ${name} of shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`);
    }
    if (t && t.dtype !== input.dtype) {
      throw new DTypeError(kind, `expected ${name} of dtype ${input.dtype}, got ${t.dtype}`);
    }
  };
  expect('weight_ih', weightIh, [width, inputSize]);
  expect('bias_ih', biasIh, [width]);
  expect('weight_hh', weightHh, [width, hidden]);
  expect('bias_hh', biasHh, [width]);
  expect('h0', h0, [batch, hidden]);
  if (kind === 'lstm') {
    if (!c0) fail('the LSTM recurrence needs an initial cell state c0');
    expect('c0', c0, [batch, hidden]);
  }
}
