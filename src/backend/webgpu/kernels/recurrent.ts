// @file Whole-sequence recurrences on WebGPU (Backend.recurrenceForward/Backward): the step loop on the GPU, no readback.
import type { FloatArray } from '../../../tensor/dtype.js';
import type { RecurrenceBackwardArrays, RecurrenceForwardArrays, RecurrenceShape } from '../../types.js';
import type { GpuContext } from '../context.js';
import { matmulBound } from './matmul.js';
import { gruGradStep, gruStep, lstmGradStep, lstmStep, rnnGradStep, rnnStep } from './recurrent-cells.js';
import {
  WrittenOperands,
  accumulateRows,
  addBiasRows,
  copyPairs,
  copyRows,
  readOperand,
  shift,
  sumColumns,
  temporary,
  type Operand,
} from './recurrent-rows.js';

const GATES = { rnnTanh: 1, rnnRelu: 1, lstm: 4, gru: 3 } as const;

const optionalRead = (ctx: GpuContext, arr: FloatArray | null): Operand | null =>
  arr && readOperand(ctx, arr);

/** C (m×n) = op(A)·op(B) through the matmul kernel, each operand from its element offset. */
function product(
  ctx: GpuContext,
  a: Operand,
  b: Operand,
  out: Operand,
  [m, k, n]: readonly [number, number, number],
  transA: boolean,
  transB: boolean,
): void {
  // The matmul kernel writes C from its binding's start: every `out` here is a whole array (offset 0).
  matmulBound(ctx, a.binding, [a.offset], b.binding, [b.offset], out.binding, m, k, n, transA, transB);
}

/**
 * Backend.recurrenceForward on the GPU: x̃ = x·W_ihᵀ (one matmul over all T·B rows) + b_ih, then per step t
 * one copy kernel of h′ (and c′) into hPrev[t] (cPrev[t]), h̃ = h′·W_hhᵀ (one matmul) and the cell kernel, which writes
 * out[t] (cells[t], saved[t]). Every array stays on the GPU: rows are offsets into one binding per array.
 */
export function recurrenceForward(ctx: GpuContext, shape: RecurrenceShape, a: RecurrenceForwardArrays): void {
  const { kind, steps, batch, inputSize, hidden, reverse } = shape;
  const width = GATES[kind] * hidden;
  const state = batch * hidden;
  const gateRows = batch * width;
  const outputs = new WrittenOperands(ctx);
  const out = outputs.write(a.out);
  const h0 = readOperand(ctx, a.h0);
  const c0 = kind === 'lstm' ? optionalRead(ctx, a.c0) : null;
  if (steps === 0) {
    copyRows(ctx, h0, out, state);
    if (c0) copyRows(ctx, c0, shift(out, state), state);
    outputs.finish();
    return;
  }
  const hPrev = outputs.write(a.hPrev);
  const saved = a.saved && outputs.write(a.saved);
  const cPrev = c0 && a.cPrev ? outputs.write(a.cPrev) : null;
  const cells = c0 && a.cells ? outputs.write(a.cells) : null;
  const weightHh = readOperand(ctx, a.weightHh);
  const biasHh = optionalRead(ctx, a.biasHh);
  const xGates = temporary(ctx, steps * gateRows);
  const input = readOperand(ctx, a.input);
  product(ctx, input, readOperand(ctx, a.weightIh), xGates, [steps * batch, inputSize, width], false, true);
  if (a.biasIh) addBiasRows(ctx, xGates, readOperand(ctx, a.biasIh), steps * batch, width);
  const hGates = temporary(ctx, gateRows);
  let previous = -1;
  for (let s = 0; s < steps; s++) {
    const t = reverse ? steps - 1 - s : s;
    const here = t * state;
    const copies: [Operand, Operand][] = [
      [previous < 0 ? h0 : shift(out, previous * state), shift(hPrev, here)],
    ];
    if (cPrev && cells)
      copies.push([previous < 0 ? c0! : shift(cells, previous * state), shift(cPrev, here)]);
    copyPairs(ctx, copies, state);
    product(ctx, shift(hPrev, here), weightHh, hGates, [batch, hidden, width], false, true);
    const xt = shift(xGates, t * gateRows);
    const h = shift(out, here);
    if (kind === 'lstm') {
      const [cp, c] = [shift(cPrev!, here), shift(cells!, here)];
      const gates = shift(saved!, t * gateRows);
      lstmStep(ctx, batch, hidden, { xGates: xt, hGates, bias: biasHh, cPrev: cp, h, c, gates });
    } else if (kind === 'gru') {
      const savedT = shift(saved!, t * 4 * state);
      const hp = shift(hPrev, here);
      gruStep(ctx, batch, hidden, { xGates: xt, hGates, bias: biasHh, hPrev: hp, h, saved: savedT });
    } else {
      rnnStep(ctx, kind === 'rnnRelu', batch, hidden, { xGates: xt, hGates, bias: biasHh, h });
    }
    previous = t;
  }
  copyRows(ctx, shift(out, previous * state), shift(out, steps * state), state);
  if (cells) copyRows(ctx, shift(cells, previous * state), shift(out, (steps + 1) * state), state);
  outputs.finish();
}

/**
 * Backend.recurrenceBackward on the GPU: per step (last to first) the cell's gate gradient kernel, which reads
 * ∂h + ∂out[t], and ∂h = ∂a_t·W_hh (one matmul; the GRU then adds its direct ∂h⊙z), then over all steps
 * ∂W_hh = ∂aᵀ·hPrev, ∂W_ih = ∂ãᵀ·x, ∂x = ∂ã·W_ih (three matmuls) and the bias gradients as column sums.
 */
export function recurrenceBackward(
  ctx: GpuContext,
  shape: RecurrenceShape,
  a: RecurrenceBackwardArrays,
): void {
  const { kind, steps, batch, inputSize, hidden, reverse } = shape;
  const width = GATES[kind] * hidden;
  const state = batch * hidden;
  const gateRows = batch * width;
  const rows = steps * batch;
  const outputs = new WrittenOperands(ctx);
  const gradOut = readOperand(ctx, a.gradOut);
  const lstm = kind === 'lstm';
  // ∂ of the input-side pre-activations x̃, and of those that meet W_hh (for the GRU they differ in the n rows).
  const gradX = temporary(ctx, rows * width);
  const dHidden = kind === 'gru' ? temporary(ctx, rows * width) : gradX;
  const dh = temporary(ctx, state);
  copyRows(ctx, shift(gradOut, steps * state), dh, state);
  let dc = lstm ? temporary(ctx, state) : null;
  let dcNext = lstm ? temporary(ctx, state) : null;
  if (dc) copyRows(ctx, shift(gradOut, (steps + 1) * state), dc, state);
  if (rows > 0) {
    const weightHh = readOperand(ctx, a.weightHh);
    const hPrev = readOperand(ctx, a.hPrev);
    const forward = {
      out: kind === 'rnnTanh' || kind === 'rnnRelu' ? readOperand(ctx, a.out) : null,
      saved: optionalRead(ctx, a.saved),
      cPrev: lstm ? optionalRead(ctx, a.cPrev) : null,
      cells: lstm ? optionalRead(ctx, a.cells) : null,
    };
    const direct = kind === 'gru' ? temporary(ctx, state) : null;
    for (let s = steps - 1; s >= 0; s--) {
      const t = reverse ? steps - 1 - s : s;
      const here = t * state;
      const at = t * gateRows;
      // ∂h += ∂out[t] happens inside each gate-gradient kernel (its addend).
      const gradHAddend = shift(gradOut, here);
      const dHt = shift(dHidden, at);
      if (kind === 'lstm') {
        lstmGradStep(ctx, batch, hidden, {
          gradH: dh,
          gradHAddend,
          gradC: dc,
          gates: shift(forward.saved!, at),
          cPrev: shift(forward.cPrev!, here),
          c: shift(forward.cells!, here),
          gradGates: dHt,
          gradCPrev: dcNext!,
        });
        [dc, dcNext] = [dcNext, dc];
      } else if (kind === 'gru') {
        gruGradStep(ctx, batch, hidden, {
          gradH: dh,
          gradHAddend,
          saved: shift(forward.saved!, t * 4 * state),
          hPrev: shift(hPrev, here),
          gradXGates: shift(gradX, at),
          gradHGates: dHt,
          gradHPrev: direct!,
        });
      } else {
        const h = shift(forward.out!, here);
        rnnGradStep(ctx, kind === 'rnnRelu', state, { gradH: dh, gradHAddend, h, gradA: dHt });
      }
      product(ctx, dHt, weightHh, dh, [batch, width, hidden], false, false);
      if (direct) accumulateRows(ctx, dh, direct, state);
    }
    const input = readOperand(ctx, a.input);
    const weightIh = readOperand(ctx, a.weightIh);
    const gradWeightIh = outputs.write(a.gradWeightIh);
    product(ctx, gradX, input, gradWeightIh, [width, rows, inputSize], true, false);
    product(ctx, gradX, weightIh, outputs.write(a.gradInput), [rows, width, inputSize], false, false);
    product(ctx, dHidden, hPrev, outputs.write(a.gradWeightHh), [width, rows, hidden], true, false);
  } else {
    // Without rows the weight gradients are sums of nothing: zero (sumColumns over no rows writes 0).
    sumColumns(ctx, gradX, 0, a.gradWeightIh.length, outputs.write(a.gradWeightIh));
    sumColumns(ctx, gradX, 0, a.gradWeightHh.length, outputs.write(a.gradWeightHh));
  }
  copyRows(ctx, dh, outputs.write(a.gradH0), state);
  if (dc && a.gradC0) copyRows(ctx, dc, outputs.write(a.gradC0), state);
  if (a.gradBiasHh) sumColumns(ctx, dHidden, rows, width, outputs.write(a.gradBiasHh));
  if (a.gradBiasIh) sumColumns(ctx, gradX, rows, width, outputs.write(a.gradBiasIh));
  outputs.finish();
}
