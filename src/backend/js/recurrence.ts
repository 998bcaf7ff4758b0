// @file The reference recurrence over a whole sequence (Backend.recurrenceForward/Backward): the step loop, through `this` backend's kernels.
import type { FloatArray } from '../../tensor/dtype.js';
import type {
  Backend,
  RecurrenceBackwardArrays,
  RecurrenceForwardArrays,
  RecurrenceShape,
} from '../types.js';

const GATES = { rnnTanh: 1, rnnRelu: 1, lstm: 4, gru: 3 } as const;
const ONE_MATRIX: readonly number[] = Object.freeze([0]);

/** A new array of `array`'s type. */
function like(array: FloatArray, length: number): FloatArray {
  return array instanceof Float64Array ? new Float64Array(length) : new Float32Array(length);
}

/**
 * Backend.recurrenceForward: x̃ = x·W_ihᵀ + b_ih for all steps (this.matmul), then per step
 * hGates = h_{t−1}·W_hhᵀ and the cell kernel.
 */
export function recurrenceForward(this: Backend, shape: RecurrenceShape, a: RecurrenceForwardArrays): void {
  const { kind, steps, batch, inputSize, hidden, reverse } = shape;
  const width = GATES[kind] * hidden;
  const state = batch * hidden;
  const { weightHh, biasHh, h0, c0, out, hPrev, saved, cPrev, cells } = a;
  const xGates = like(out, steps * batch * width);
  const rows = [steps * batch, width];
  this.matmul(
    a.input,
    ONE_MATRIX,
    a.weightIh,
    ONE_MATRIX,
    xGates,
    steps * batch,
    inputSize,
    width,
    false,
    true,
  );
  if (a.biasIh) this.binary('add', xGates, rows, a.biasIh, [width], xGates, rows);
  const hGates = like(out, batch * width);
  let previous = -1;
  for (let s = 0; s < steps; s++) {
    const t = reverse ? steps - 1 - s : s;
    const here = t * state;
    hPrev.set(previous < 0 ? h0 : out.subarray(previous * state, previous * state + state), here);
    if (cPrev && cells && c0) {
      cPrev.set(previous < 0 ? c0 : cells.subarray(previous * state, previous * state + state), here);
    }
    this.matmul(hPrev, [here], weightHh, ONE_MATRIX, hGates, batch, hidden, width, false, true);
    const xt = xGates.subarray(t * batch * width, (t + 1) * batch * width);
    const ht = out.subarray(here, here + state);
    if (kind === 'lstm') {
      const savedT = saved!.subarray(t * batch * width, (t + 1) * batch * width);
      const range = [here, here + state] as const;
      this.lstmCell(
        xt,
        hGates,
        biasHh,
        cPrev!.subarray(...range),
        batch,
        hidden,
        ht,
        cells!.subarray(...range),
        savedT,
      );
    } else if (kind === 'gru') {
      const savedT = saved!.subarray(t * 4 * state, (t + 1) * 4 * state);
      this.gruCell(xt, hGates, biasHh, hPrev.subarray(here, here + state), batch, hidden, ht, savedT);
    } else {
      const dims = [batch, hidden];
      this.binary('add', hGates, dims, xt, dims, hGates, dims);
      if (biasHh) this.binary('add', hGates, dims, biasHh, [hidden], hGates, dims);
      this.unary(kind === 'rnnTanh' ? 'tanh' : 'relu', hGates, ht);
    }
    previous = t;
  }
  if (steps > 0) {
    out.copyWithin(steps * state, previous * state, previous * state + state);
    if (cells) out.set(cells.subarray(previous * state, previous * state + state), (steps + 1) * state);
  } else {
    out.set(h0, 0);
    if (c0) out.set(c0, state);
  }
}

/** Backend.recurrenceBackward: backpropagation through time, one gate-gradient kernel and one product per step. */
export function recurrenceBackward(this: Backend, shape: RecurrenceShape, a: RecurrenceBackwardArrays): void {
  const { kind, steps, batch, inputSize, hidden, reverse } = shape;
  const width = GATES[kind] * hidden;
  const state = batch * hidden;
  const { gradOut: g, weightHh, out, hPrev, saved, cPrev, cells } = a;
  // ∂ of the input-side pre-activations x̃, and of those that meet W_hh (for the GRU they differ in the n rows).
  const gradX = like(g, steps * batch * width);
  const dHidden = kind === 'gru' ? like(gradX, steps * batch * width) : gradX;
  const dh = a.gradH0;
  dh.set(g.subarray(steps * state, steps * state + state));
  let dc = a.gradC0;
  let dcNext = dc ? like(dc, state) : null;
  if (dc) dc.set(g.subarray((steps + 1) * state, (steps + 2) * state));
  const direct = kind === 'gru' ? like(dh, state) : null;
  for (let s = steps - 1; s >= 0; s--) {
    const t = reverse ? steps - 1 - s : s;
    const here = t * state;
    for (let j = 0; j < state; j++) dh[j] = dh[j]! + g[here + j]!;
    const at = t * batch * width;
    const dHt = dHidden.subarray(at, at + batch * width);
    if (kind === 'lstm') {
      const range = [here, here + state] as const;
      const savedT = saved!.subarray(at, at + batch * width);
      this.lstmCellBackward(
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
      const dXt = gradX.subarray(at, at + batch * width);
      this.gruCellBackward(dh, savedT, hPrev.subarray(here, here + state), batch, hidden, dXt, dHt, direct!);
    } else {
      // relu′ reads x > 0, which holds exactly where h = relu(x) > 0, so the saved output serves both.
      this.unaryGrad(kind === 'rnnTanh' ? 'tanh' : 'relu', dh, out.subarray(here, here + state), dHt);
    }
    this.matmul(dHidden, [at], weightHh, ONE_MATRIX, dh, batch, width, hidden, false, false);
    if (direct) for (let j = 0; j < state; j++) dh[j] = dh[j]! + direct[j]!;
  }
  // After an odd number of LSTM steps the final ∂c sits in the scratch array.
  if (dc && a.gradC0 && dc !== a.gradC0) a.gradC0.set(dc);
  const rows = steps * batch;
  if (rows > 0 && inputSize > 0) {
    this.matmul(gradX, ONE_MATRIX, a.input, ONE_MATRIX, a.gradWeightIh, width, rows, inputSize, true, false);
    this.matmul(gradX, ONE_MATRIX, a.weightIh, ONE_MATRIX, a.gradInput, rows, width, inputSize, false, false);
  } else {
    a.gradWeightIh.fill(0);
  }
  if (rows > 0) {
    this.matmul(dHidden, ONE_MATRIX, hPrev, ONE_MATRIX, a.gradWeightHh, width, rows, hidden, true, false);
  } else {
    a.gradWeightHh.fill(0);
  }
  if (a.gradBiasHh) this.reduce('sum', dHidden, [rows, width], [0], a.gradBiasHh);
  if (a.gradBiasIh) this.reduce('sum', gradX, [rows, width], [0], a.gradBiasIh);
}
