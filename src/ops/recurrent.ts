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
import { allocate, type FloatArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/** The cell that a recurrence runs; its gate count G makes the rows of W_hh (G·hidden). */
export type RecurrentKind = RecurrentCellKind;

const GATES: Record<RecurrentKind, number> = { rnnTanh: 1, rnnRelu: 1, lstm: 4, gru: 3 };

/**
 * The inputs of one layer's recurrence in one direction. `xGates` [T, B, G·H] is the input projection
 * x·W_ihᵀ + b_ih of all T steps (one GEMM, computed by the caller); `weightHh` [G·H, H], `biasHh` [G·H] or null;
 * `h0` and, for the LSTM, `c0` [B, H]. With `reverse` the steps run from t = T − 1 down to 0.
 */
export interface RecurrenceInputs {
  xGates: Tensor;
  weightHh: Tensor;
  biasHh: Tensor | null;
  h0: Tensor;
  c0?: Tensor | null;
  reverse: boolean;
}

/**
 * Runs a recurrence and returns one tensor [T + 1, B, H] (LSTM: [T + 2, B, H]): rows 0 … T − 1 are the hidden
 * states h_t at their time positions, row T the final hidden state (h_{T−1}, or h_0 when reversed) and, for the
 * LSTM, row T + 1 the final cell state. Per step t (h′ the previous hidden state, σ the logistic function):
 *
 * - rnnTanh / rnnRelu: h_t = act(x̃_t + h′·W_hhᵀ + b_hh)
 * - lstm: (i, f, g, o) = (σ, σ, tanh, σ)(x̃_t + h′·W_hhᵀ + b_hh), c_t = f⊙c′ + i⊙g, h_t = o⊙tanh(c_t)
 * - gru: r, z = σ(x̃ + h′·W_hhᵀ + b_hh) (their rows), n = tanh(x̃_n + r⊙(h′·W_hnᵀ + b_hn)),
 *   h_t = (1 − z)⊙n + z⊙h′
 *
 * The VJP is backpropagation through time: one fused gate-gradient kernel and one GEMM (∂a·W_hh) per step,
 * then ∂W_hh = Σ_t ∂a_tᵀ·h′_t as a single GEMM over all steps and ∂x̃ = ∂a for all steps at once.
 */
export function recurrence(kind: RecurrentKind, inputs: RecurrenceInputs): Tensor {
  const { xGates, weightHh, biasHh, h0, reverse } = inputs;
  const c0 = kind === 'lstm' ? (inputs.c0 ?? null) : null;
  checkRecurrenceShapes(kind, xGates, weightHh, biasHh, h0, c0);
  const [steps, batch, width] = xGates.shape as [number, number, number];
  const hidden = width / GATES[kind];
  const dtype = xGates.dtype;
  const state = batch * hidden;
  const make = (n: number) => allocate(dtype, n, kind) as FloatArray;
  const rows = kind === 'lstm' ? steps + 2 : steps + 1;
  const shape: RecurrenceShape = { kind, steps, batch, hidden, reverse };
  const arrays: RecurrenceForwardArrays = {
    xGates: xGates.storage as FloatArray,
    weightHh: weightHh.storage as FloatArray,
    biasHh: biasHh ? (biasHh.storage as FloatArray) : null,
    h0: h0.storage as FloatArray,
    c0: c0 ? (c0.storage as FloatArray) : null,
    out: make(rows * state),
    hPrev: make(steps * state),
    saved: kind === 'lstm' || kind === 'gru' ? make(steps * 4 * state) : null,
    cPrev: c0 ? make(steps * state) : null,
    cells: c0 ? make(steps * state) : null,
  };
  backend().recurrenceForward(shape, arrays);
  const result = new Tensor(arrays.out, [rows, batch, hidden], dtype);
  const recorded = [xGates, weightHh, ...(biasHh ? [biasHh] : []), h0, ...(c0 ? [c0] : [])];
  return record(result, kind, recorded, (g) => {
    const grads: RecurrenceBackwardArrays = {
      ...arrays,
      gradOut: g.storage as FloatArray,
      gradX: make(steps * batch * width),
      gradWeight: make(width * hidden),
      gradBias: make(width),
      gradH0: make(state),
      gradC0: c0 ? make(state) : null,
    };
    backend().recurrenceBackward(shape, grads);
    const grad = (t: Tensor | null, data: FloatArray | null) =>
      t ? [t.requiresGrad ? exclusiveGrad(new Tensor(data!, t.shape, dtype)) : null] : [];
    return [
      ...grad(xGates, grads.gradX),
      ...grad(weightHh, grads.gradWeight),
      ...grad(biasHh, grads.gradBias),
      ...grad(h0, grads.gradH0),
      ...grad(c0, grads.gradC0),
    ];
  });
}

function checkRecurrenceShapes(
  kind: RecurrentKind,
  xGates: Tensor,
  weightHh: Tensor,
  biasHh: Tensor | null,
  h0: Tensor,
  c0: Tensor | null,
): void {
  const fail = (what: string) => {
    throw new ShapeError(kind, what);
  };
  if (xGates.ndim !== 3) fail(`expected input gates [T, B, G·H], got shape ${fmtShape(xGates.shape)}`);
  const [, batch, width] = xGates.shape as [number, number, number];
  const hidden = width / GATES[kind];
  const expect = (name: string, t: Tensor | null, shape: readonly number[]) => {
    if (t && (t.ndim !== shape.length || t.shape.some((n, i) => n !== shape[i]))) {
      fail(`expected ${name} of shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`);
    }
    if (t && t.dtype !== xGates.dtype) {
      throw new DTypeError(kind, `expected ${name} of dtype ${xGates.dtype}, got ${t.dtype}`);
    }
  };
  if (!Number.isInteger(hidden)) fail(`input gates width ${width} is not a multiple of ${GATES[kind]}`);
  expect('weight_hh', weightHh, [width, hidden]);
  expect('bias_hh', biasHh, [width]);
  expect('h0', h0, [batch, hidden]);
  if (kind === 'lstm') {
    if (!c0) fail('the LSTM recurrence needs an initial cell state c0');
    expect('c0', c0, [batch, hidden]);
  }
}
