// @file Recurrences of RNN, LSTM and GRU over a whole sequence as single ops: one GEMM and one fused gate kernel per step, BPTT in the VJP.
import { exclusiveGrad } from '../autograd/exclusive.js';
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { allocate, type DType, type FloatArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/** The cell that a recurrence runs: its gate count G (rows of W_hh are G·hidden). */
export type RecurrentKind = 'rnnTanh' | 'rnnRelu' | 'lstm' | 'gru';

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
  const gates = GATES[kind];
  checkRecurrenceShapes(kind, xGates, weightHh, biasHh, h0, c0);
  const [steps, batch, width] = xGates.shape as [number, number, number];
  const hidden = width / gates;
  const dtype = xGates.dtype;
  const state = batch * hidden;
  const kernels = backend();
  const x = xGates.storage as FloatArray;
  const w = weightHh.storage as FloatArray;
  const bias = biasHh ? (biasHh.storage as FloatArray) : null;
  const rows = kind === 'lstm' ? steps + 2 : steps + 1;
  const out = allocate(dtype, rows * state) as FloatArray;
  // Saved for the backward pass, by time position t: the previous hidden state and what the cell kept.
  const hPrev = allocate(dtype, steps * state) as FloatArray;
  const savedWidth = kind === 'lstm' ? 4 : kind === 'gru' ? 4 : 1;
  const saved = kind.startsWith('rnn')
    ? null
    : (allocate(dtype, steps * batch * savedWidth * hidden) as FloatArray);
  const cPrev = c0 ? (allocate(dtype, steps * state) as FloatArray) : null;
  const cells = c0 ? (allocate(dtype, steps * state) as FloatArray) : null;
  const hGates = allocate(dtype, batch * width) as FloatArray;
  const offsets = [0];
  let previous = -1;
  for (let s = 0; s < steps; s++) {
    const t = reverse ? steps - 1 - s : s;
    const here = t * state;
    hPrev.set(previous < 0 ? h0.storage : out.subarray(previous * state, previous * state + state), here);
    if (cPrev && cells) {
      cPrev.set(
        previous < 0 ? c0!.storage : cells.subarray(previous * state, previous * state + state),
        here,
      );
    }
    kernels.matmul(hPrev, [here], w, offsets, hGates, batch, hidden, width, false, true);
    const xt = x.subarray(t * batch * width, (t + 1) * batch * width);
    const ht = out.subarray(here, here + state);
    if (kind === 'lstm') {
      const savedT = saved!.subarray(t * batch * width, (t + 1) * batch * width);
      const ct = cells!.subarray(here, here + state);
      kernels.lstmCell(xt, hGates, bias, cPrev!.subarray(here, here + state), batch, hidden, ht, ct, savedT);
    } else if (kind === 'gru') {
      const savedT = saved!.subarray(t * batch * 4 * hidden, (t + 1) * batch * 4 * hidden);
      kernels.gruCell(xt, hGates, bias, hPrev.subarray(here, here + state), batch, hidden, ht, savedT);
    } else {
      const shape = [batch, hidden];
      kernels.binary('add', hGates, shape, xt, shape, hGates, shape);
      if (bias) kernels.binary('add', hGates, shape, bias, [hidden], hGates, shape);
      kernels.unary(kind === 'rnnTanh' ? 'tanh' : 'relu', hGates, ht);
    }
    previous = t;
  }
  if (steps > 0) {
    out.copyWithin(steps * state, previous * state, previous * state + state);
    if (cells) out.set(cells.subarray(previous * state, previous * state + state), (steps + 1) * state);
  } else {
    out.set(h0.storage, 0);
    if (c0) out.set(c0.storage, state);
  }
  const result = new Tensor(out, [rows, batch, hidden], dtype);
  const recorded = [xGates, weightHh, ...(biasHh ? [biasHh] : []), h0, ...(c0 ? [c0] : [])];
  return record(result, kind, recorded, (g) => {
    const grads = backpropagate(kind, g.storage as FloatArray, {
      dtype,
      steps,
      batch,
      hidden,
      reverse,
      w,
      hPrev,
      out,
      saved,
      cPrev,
      cells,
    });
    const shape = weightHh.shape;
    return [
      xGates.requiresGrad ? exclusiveGrad(new Tensor(grads.x, xGates.shape, dtype)) : null,
      weightHh.requiresGrad ? exclusiveGrad(new Tensor(grads.weight, shape, dtype)) : null,
      ...(biasHh ? [biasHh.requiresGrad ? exclusiveGrad(new Tensor(grads.bias, [width], dtype)) : null] : []),
      h0.requiresGrad ? exclusiveGrad(new Tensor(grads.h0, h0.shape, dtype)) : null,
      ...(c0 ? [c0.requiresGrad ? exclusiveGrad(new Tensor(grads.c0!, c0.shape, dtype)) : null] : []),
    ];
  });
}

/** What the forward pass kept for BPTT (arrays by time position t). */
interface Saved {
  dtype: DType;
  steps: number;
  batch: number;
  hidden: number;
  reverse: boolean;
  w: FloatArray;
  hPrev: FloatArray;
  out: FloatArray;
  saved: FloatArray | null;
  cPrev: FloatArray | null;
  cells: FloatArray | null;
}

interface RecurrenceGrads {
  x: FloatArray;
  weight: FloatArray;
  bias: FloatArray;
  h0: FloatArray;
  c0: FloatArray | null;
}

/** Backpropagation through time from the gradient `g` of the packed result. */
function backpropagate(kind: RecurrentKind, g: FloatArray, m: Saved): RecurrenceGrads {
  const { dtype, steps, batch, hidden, reverse, w, hPrev, out, saved, cPrev, cells } = m;
  const kernels = backend();
  const gates = GATES[kind];
  const width = gates * hidden;
  const state = batch * hidden;
  const dtypeOf = (n: number) => allocate(dtype, n, kind) as FloatArray;
  // ∂ of the pre-activations that meet W_hh (for the GRU they differ from ∂x̃ in the n rows).
  const dHidden = dtypeOf(steps * batch * width);
  const dX = kind === 'gru' ? dtypeOf(steps * batch * width) : dHidden;
  const dh = g.slice(steps * state, steps * state + state) as FloatArray;
  let dc = kind === 'lstm' ? (g.slice((steps + 1) * state, (steps + 2) * state) as FloatArray) : null;
  let dcNext = kind === 'lstm' ? dtypeOf(state) : null;
  const direct = kind === 'gru' ? dtypeOf(state) : null;
  const offsets = [0];
  for (let s = steps - 1; s >= 0; s--) {
    const t = reverse ? steps - 1 - s : s;
    const here = t * state;
    for (let j = 0; j < state; j++) dh[j] = dh[j]! + g[here + j]!;
    const at = t * batch * width;
    const dHt = dHidden.subarray(at, at + batch * width);
    if (kind === 'lstm') {
      const savedT = saved!.subarray(at, at + batch * width);
      const range = [here, here + state] as const;
      kernels.lstmCellBackward(
        dh,
        dc,
        savedT,
        cPrev!.subarray(...range),
        cells!.subarray(...range),
        batch,
        hidden,
        dHt,
        dcNext!,
      );
      [dc, dcNext] = [dcNext!, dc!];
    } else if (kind === 'gru') {
      const savedT = saved!.subarray(t * 4 * state, (t + 1) * 4 * state);
      const dXt = dX.subarray(at, at + batch * width);
      kernels.gruCellBackward(
        dh,
        savedT,
        hPrev.subarray(here, here + state),
        batch,
        hidden,
        dXt,
        dHt,
        direct!,
      );
    } else {
      // relu′ reads x > 0, which holds exactly where h = relu(x) > 0, so the saved output serves both.
      kernels.unaryGrad(kind === 'rnnTanh' ? 'tanh' : 'relu', dh, out.subarray(here, here + state), dHt);
    }
    kernels.matmul(dHidden, [at], w, offsets, dh, batch, width, hidden, false, false);
    if (direct) for (let j = 0; j < state; j++) dh[j] = dh[j]! + direct[j]!;
  }
  const weight = dtypeOf(width * hidden);
  if (steps > 0) {
    kernels.matmul(dHidden, offsets, hPrev, offsets, weight, width, steps * batch, hidden, true, false);
  }
  const bias = dtypeOf(width);
  kernels.reduce('sum', dHidden, [steps * batch, width], [0], bias);
  return { x: dX, weight, bias, h0: dh, c0: dc };
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
