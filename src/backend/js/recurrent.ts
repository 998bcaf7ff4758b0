// @file Fused gate kernels of the recurrent layers (LSTM, GRU) for the reference backend: one pass per time step.
import type { FloatArray } from '../../tensor/dtype.js';
import { sigmoid } from './unary.js';

/** Backend.lstmCell: i, f, g, o from the summed pre-activations, then c = f⊙cPrev + i⊙g and h = o⊙tanh(c). */
export function lstmCell(
  xGates: FloatArray,
  hGates: FloatArray,
  bias: FloatArray | null,
  cPrev: FloatArray,
  batch: number,
  hidden: number,
  h: FloatArray,
  c: FloatArray,
  gates: FloatArray,
): void {
  const width = 4 * hidden;
  for (let b = 0; b < batch; b++) {
    const row = b * width;
    const state = b * hidden;
    for (let j = 0; j < hidden; j++) {
      const ai = row + j;
      const af = ai + hidden;
      const ag = af + hidden;
      const ao = ag + hidden;
      const i = sigmoid(xGates[ai]! + hGates[ai]! + (bias ? bias[j]! : 0));
      const f = sigmoid(xGates[af]! + hGates[af]! + (bias ? bias[j + hidden]! : 0));
      const g = Math.tanh(xGates[ag]! + hGates[ag]! + (bias ? bias[j + 2 * hidden]! : 0));
      const o = sigmoid(xGates[ao]! + hGates[ao]! + (bias ? bias[j + 3 * hidden]! : 0));
      gates[ai] = i;
      gates[af] = f;
      gates[ag] = g;
      gates[ao] = o;
      // c is rounded to the storage dtype first, so that h = o·tanh(c) uses the c that is saved and returned.
      c[state + j] = f * cPrev[state + j]! + i * g;
      h[state + j] = o * Math.tanh(c[state + j]!);
    }
  }
}

/** Backend.lstmCellBackward: the gradient of the four pre-activations and of cPrev, from the saved gates. */
export function lstmCellBackward(
  gradH: FloatArray,
  gradC: FloatArray | null,
  gates: FloatArray,
  cPrev: FloatArray,
  c: FloatArray,
  batch: number,
  hidden: number,
  gradGates: FloatArray,
  gradCPrev: FloatArray,
): void {
  const width = 4 * hidden;
  for (let b = 0; b < batch; b++) {
    const row = b * width;
    const state = b * hidden;
    for (let j = 0; j < hidden; j++) {
      const ai = row + j;
      const af = ai + hidden;
      const ag = af + hidden;
      const ao = ag + hidden;
      const i = gates[ai]!;
      const f = gates[af]!;
      const g = gates[ag]!;
      const o = gates[ao]!;
      const tanhC = Math.tanh(c[state + j]!);
      const dh = gradH[state + j]!;
      const dc = (gradC ? gradC[state + j]! : 0) + dh * o * (1 - tanhC * tanhC);
      gradGates[ai] = dc * g * i * (1 - i);
      gradGates[af] = dc * cPrev[state + j]! * f * (1 - f);
      gradGates[ag] = dc * i * (1 - g * g);
      gradGates[ao] = dh * tanhC * o * (1 - o);
      gradCPrev[state + j] = dc * f;
    }
  }
}

/** Backend.gruCell: r, z, n from the input and hidden projections, then h = (1 − z)⊙n + z⊙hPrev. */
export function gruCell(
  xGates: FloatArray,
  hGates: FloatArray,
  bias: FloatArray | null,
  hPrev: FloatArray,
  batch: number,
  hidden: number,
  h: FloatArray,
  saved: FloatArray,
): void {
  const width = 3 * hidden;
  for (let b = 0; b < batch; b++) {
    const row = b * width;
    const out = b * 4 * hidden;
    const state = b * hidden;
    for (let j = 0; j < hidden; j++) {
      const ar = row + j;
      const az = ar + hidden;
      const an = az + hidden;
      const r = sigmoid(xGates[ar]! + hGates[ar]! + (bias ? bias[j]! : 0));
      const z = sigmoid(xGates[az]! + hGates[az]! + (bias ? bias[j + hidden]! : 0));
      saved[out + 3 * hidden + j] = hGates[an]! + (bias ? bias[j + 2 * hidden]! : 0);
      const hn = saved[out + 3 * hidden + j]!;
      const n = Math.tanh(xGates[an]! + r * hn);
      saved[out + j] = r;
      saved[out + hidden + j] = z;
      saved[out + 2 * hidden + j] = n;
      h[state + j] = (1 - z) * n + z * hPrev[state + j]!;
    }
  }
}

/** Backend.gruCellBackward: gradients of the input and hidden pre-activations and the direct part of ∂hPrev. */
export function gruCellBackward(
  gradH: FloatArray,
  saved: FloatArray,
  hPrev: FloatArray,
  batch: number,
  hidden: number,
  gradXGates: FloatArray,
  gradHGates: FloatArray,
  gradHPrev: FloatArray,
): void {
  const width = 3 * hidden;
  for (let b = 0; b < batch; b++) {
    const row = b * width;
    const from = b * 4 * hidden;
    const state = b * hidden;
    for (let j = 0; j < hidden; j++) {
      const r = saved[from + j]!;
      const z = saved[from + hidden + j]!;
      const n = saved[from + 2 * hidden + j]!;
      const hn = saved[from + 3 * hidden + j]!;
      const dh = gradH[state + j]!;
      const dn = dh * (1 - z) * (1 - n * n);
      const dz = dh * (hPrev[state + j]! - n) * z * (1 - z);
      const dr = dn * hn * r * (1 - r);
      gradXGates[row + j] = dr;
      gradXGates[row + hidden + j] = dz;
      gradXGates[row + 2 * hidden + j] = dn;
      gradHGates[row + j] = dr;
      gradHGates[row + hidden + j] = dz;
      gradHGates[row + 2 * hidden + j] = dn * r;
      gradHPrev[state + j] = dh * z;
    }
  }
}
