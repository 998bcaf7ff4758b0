// @file The gate kernels of the recurrent layers on WebGPU (Elman RNN, LSTM, GRU; forward and VJP), one thread per unit.
import type { FloatArray } from '../../../tensor/dtype.js';
import type { GpuContext } from '../context.js';
import { dispatchRows, read, written, type Operand } from './recurrent-rows.js';

/**
 * pm.flags bits: the bias (or the LSTM's ∂c) is present; the Elman cell is ReLU rather than tanh; a VJP adds
 * an addend to ∂h (the sequence loop's ∂out[t], so that ∂h += ∂out[t] costs no dispatch of its own).
 */
const HAS_OPTIONAL = 1;
const RELU = 2;
const HAS_ADDEND = 4;

/** WGSL: `dh`, the thread's ∂h plus, when the addend bit is set, its ∂out[t] (rounded to f32 as one sum). */
const GRAD_H = `  let dh = gh_at(index) + select(0.0, go_at(index), (pm.flags & ${HAS_ADDEND}u) != 0u);`;

/** The bias operand, or a placeholder binding the kernel never reads (its flag bit is clear). */
function optional(ctx: GpuContext, operand: Operand | null): Operand {
  return operand ?? { binding: ctx.scratch(4), offset: 0 };
}

/** WGSL: `name_opt(i)`, element i of an optional operand or 0 when its flag bit is clear. */
const optionalAccessor = (name: string): string => `  let has_${name} = (pm.flags & ${HAS_OPTIONAL}u) != 0u;`;
const opt = (name: string, at: string): string => `select(0.0, ${name}_at(${at}), has_${name})`;

/** Thread `index` = b·H + j: unit j of batch row b; `gate(k)` is column j of gate k in a row of G·H. */
const UNIT = `  let H = pm.width;
  let b = index / H;
  let j = index % H;`;

/** The operands of one LSTM step (offsets select the time step); `bias` is b_hh, or null. */
export interface LstmStep {
  readonly xGates: Operand;
  readonly hGates: Operand;
  readonly bias: Operand | null;
  readonly cPrev: Operand;
  readonly h: Operand;
  readonly c: Operand;
  readonly gates: Operand;
}

/** Backend.lstmCell on operands: a = x̃ + h̃ (+ b); i, f, o = σ, g = tanh; c = f⊙c′ + i⊙g; h = o⊙tanh(c). */
export function lstmStep(ctx: GpuContext, batch: number, hidden: number, s: LstmStep): void {
  const slots = [
    read('xg', s.xGates),
    read('hg', s.hGates),
    read('bias', optional(ctx, s.bias)),
    read('cprev', s.cPrev),
    written('h', s.h),
    written('c', s.c),
    written('gates', s.gates),
  ];
  const pre = (k: number): string =>
    `xg_at(row + ${k}u * H) + hg_at(row + ${k}u * H) + ${opt('bias', `j + ${k}u * H`)}`;
  const body = `${UNIT}
${optionalAccessor('bias')}
  let row = b * 4u * H + j;
  let i = sigmoid_f32(${pre(0)});
  let f = sigmoid_f32(${pre(1)});
  let g = tanh_f32(${pre(2)});
  let o = sigmoid_f32(${pre(3)});
  gates_set(row, i);
  gates_set(row + H, f);
  gates_set(row + 2u * H, g);
  gates_set(row + 3u * H, o);
  let cnew = f * cprev_at(index) + i * g;
  c_set(index, cnew);
  h_set(index, o * tanh_f32(cnew));`;
  const flags = s.bias ? HAS_OPTIONAL : 0;
  dispatchRows(ctx, 'lstmCell', slots, batch * hidden, { width: hidden, flags }, body);
}

/** The operands of one LSTM step's VJP; `gradC` null means ∂c = 0. */
export interface LstmGradStep {
  readonly gradH: Operand;
  /** Added to gradH in the kernel (∂out[t] in the sequence loop); absent means nothing is added. */
  readonly gradHAddend?: Operand | null;
  readonly gradC: Operand | null;
  readonly gates: Operand;
  readonly cPrev: Operand;
  readonly c: Operand;
  readonly gradGates: Operand;
  readonly gradCPrev: Operand;
}

/**
 * Backend.lstmCellBackward on operands: ∂c_total = ∂c + ∂h⊙o⊙(1 − tanh²c); ∂a_i = ∂c_total⊙g⊙i(1 − i),
 * ∂a_f = ∂c_total⊙c′⊙f(1 − f), ∂a_g = ∂c_total⊙i⊙(1 − g²), ∂a_o = ∂h⊙tanh(c)⊙o(1 − o), ∂c′ = ∂c_total⊙f.
 */
export function lstmGradStep(ctx: GpuContext, batch: number, hidden: number, s: LstmGradStep): void {
  const slots = [
    read('gh', s.gradH),
    read('go', optional(ctx, s.gradHAddend ?? null)),
    read('gc', optional(ctx, s.gradC)),
    read('gates', s.gates),
    read('cprev', s.cPrev),
    read('c', s.c),
    written('ga', s.gradGates),
    written('gcprev', s.gradCPrev),
  ];
  const body = `${UNIT}
${optionalAccessor('gc')}
  let row = b * 4u * H + j;
  let i = gates_at(row);
  let f = gates_at(row + H);
  let g = gates_at(row + 2u * H);
  let o = gates_at(row + 3u * H);
  let tc = tanh_f32(c_at(index));
${GRAD_H}
  let dc = ${opt('gc', 'index')} + dh * o * (1.0 - tc * tc);
  ga_set(row, dc * g * i * (1.0 - i));
  ga_set(row + H, dc * cprev_at(index) * f * (1.0 - f));
  ga_set(row + 2u * H, dc * i * (1.0 - g * g));
  ga_set(row + 3u * H, dh * tc * o * (1.0 - o));
  gcprev_set(index, dc * f);`;
  const flags = (s.gradC ? HAS_OPTIONAL : 0) | (s.gradHAddend ? HAS_ADDEND : 0);
  dispatchRows(ctx, 'lstmCellBackward', slots, batch * hidden, { width: hidden, flags }, body);
}

/** The operands of one GRU step; `bias` is b_hh, or null; `saved` rows are 4·H (r, z, n, hn). */
export interface GruStep {
  readonly xGates: Operand;
  readonly hGates: Operand;
  readonly bias: Operand | null;
  readonly hPrev: Operand;
  readonly h: Operand;
  readonly saved: Operand;
}

/**
 * Backend.gruCell on operands: hn = h̃_n + b_n, r = σ(x̃_r + h̃_r + b_r), z = σ(x̃_z + h̃_z + b_z),
 * n = tanh(x̃_n + r⊙hn), h = (1 − z)⊙n + z⊙h′.
 */
export function gruStep(ctx: GpuContext, batch: number, hidden: number, s: GruStep): void {
  const slots = [
    read('xg', s.xGates),
    read('hg', s.hGates),
    read('bias', optional(ctx, s.bias)),
    read('hprev', s.hPrev),
    written('h', s.h),
    written('saved', s.saved),
  ];
  const body = `${UNIT}
${optionalAccessor('bias')}
  let row = b * 3u * H + j;
  let srow = b * 4u * H + j;
  let r = sigmoid_f32(xg_at(row) + hg_at(row) + ${opt('bias', 'j')});
  let z = sigmoid_f32(xg_at(row + H) + hg_at(row + H) + ${opt('bias', 'j + H')});
  let hn = hg_at(row + 2u * H) + ${opt('bias', 'j + 2u * H')};
  let n = tanh_f32(xg_at(row + 2u * H) + r * hn);
  saved_set(srow, r);
  saved_set(srow + H, z);
  saved_set(srow + 2u * H, n);
  saved_set(srow + 3u * H, hn);
  h_set(index, (1.0 - z) * n + z * hprev_at(index));`;
  const flags = s.bias ? HAS_OPTIONAL : 0;
  dispatchRows(ctx, 'gruCell', slots, batch * hidden, { width: hidden, flags }, body);
}

/** The operands of one GRU step's VJP. */
export interface GruGradStep {
  readonly gradH: Operand;
  /** Added to gradH in the kernel (∂out[t] in the sequence loop); absent means nothing is added. */
  readonly gradHAddend?: Operand | null;
  readonly saved: Operand;
  readonly hPrev: Operand;
  readonly gradXGates: Operand;
  readonly gradHGates: Operand;
  readonly gradHPrev: Operand;
}

/**
 * Backend.gruCellBackward on operands: ∂a_n = ∂h⊙(1 − z)⊙(1 − n²), ∂a_z = ∂h⊙(h′ − n)⊙z(1 − z),
 * ∂a_r = ∂a_n⊙hn⊙r(1 − r); ∂x̃ = (∂a_r, ∂a_z, ∂a_n), ∂h̃ = (∂a_r, ∂a_z, ∂a_n⊙r), direct ∂h′ = ∂h⊙z.
 */
export function gruGradStep(ctx: GpuContext, batch: number, hidden: number, s: GruGradStep): void {
  const slots = [
    read('gh', s.gradH),
    read('go', optional(ctx, s.gradHAddend ?? null)),
    read('saved', s.saved),
    read('hprev', s.hPrev),
    written('gx', s.gradXGates),
    written('ghg', s.gradHGates),
    written('ghp', s.gradHPrev),
  ];
  const body = `${UNIT}
  let row = b * 3u * H + j;
  let srow = b * 4u * H + j;
  let r = saved_at(srow);
  let z = saved_at(srow + H);
  let n = saved_at(srow + 2u * H);
  let hn = saved_at(srow + 3u * H);
${GRAD_H}
  let dn = dh * (1.0 - z) * (1.0 - n * n);
  let dz = dh * (hprev_at(index) - n) * z * (1.0 - z);
  let dr = dn * hn * r * (1.0 - r);
  gx_set(row, dr);
  gx_set(row + H, dz);
  gx_set(row + 2u * H, dn);
  ghg_set(row, dr);
  ghg_set(row + H, dz);
  ghg_set(row + 2u * H, dn * r);
  ghp_set(index, dh * z);`;
  const flags = s.gradHAddend ? HAS_ADDEND : 0;
  dispatchRows(ctx, 'gruCellBackward', slots, batch * hidden, { width: hidden, flags }, body);
}

/** The operands of one Elman step: h = act(h̃ + x̃ (+ b)), act tanh or ReLU (NaN passes through). */
export interface RnnStep {
  readonly xGates: Operand;
  readonly hGates: Operand;
  readonly bias: Operand | null;
  readonly h: Operand;
}

/** One Elman RNN step (no Backend method of its own: the reference runs it as adds and a unary op). */
export function rnnStep(ctx: GpuContext, relu: boolean, batch: number, hidden: number, s: RnnStep): void {
  const slots = [
    read('xg', s.xGates),
    read('hg', s.hGates),
    read('bias', optional(ctx, s.bias)),
    written('h', s.h),
  ];
  const body = `${UNIT}
${optionalAccessor('bias')}
  let a = (hg_at(index) + xg_at(index)) + ${opt('bias', 'j')};
  if ((pm.flags & ${RELU}u) != 0u) { h_set(index, select(0.0, a, a > 0.0 || is_nan(a))); }
  else { h_set(index, tanh_f32(a)); }`;
  const flags = (s.bias ? HAS_OPTIONAL : 0) | (relu ? RELU : 0);
  dispatchRows(ctx, 'rnnCell', slots, batch * hidden, { width: hidden, flags }, body);
}

/**
 * The VJP of rnnStep from its output y, with ∂h = gradH (+ gradHAddend): ∂a = ∂h⊙(1 − y²) (tanh), or ∂h where
 * y > 0 or NaN and 0 elsewhere (ReLU: y > 0 exactly where the pre-activation was).
 */
export function rnnGradStep(
  ctx: GpuContext,
  relu: boolean,
  count: number,
  s: {
    readonly gradH: Operand;
    readonly gradHAddend: Operand | null;
    readonly h: Operand;
    readonly gradA: Operand;
  },
): void {
  const slots = [
    read('gh', s.gradH),
    read('go', optional(ctx, s.gradHAddend)),
    read('y', s.h),
    written('ga', s.gradA),
  ];
  const body = `${GRAD_H}
  let y = y_at(index);
  if ((pm.flags & ${RELU}u) != 0u) { ga_set(index, select(0.0, dh, y > 0.0 || is_nan(y))); }
  else { ga_set(index, dh * (1.0 - y * y)); }`;
  const flags = (relu ? RELU : 0) | (s.gradHAddend ? HAS_ADDEND : 0);
  dispatchRows(ctx, 'rnnCellBackward', slots, count, { flags }, body);
}

/** The binding of a read array for the one dispatch of a Backend cell method (the context aligns views). */
const input = (ctx: GpuContext, arr: FloatArray): Operand => ({ binding: ctx.input(arr), offset: 0 });
const output = (ctx: GpuContext, arr: FloatArray): Operand => ({ binding: ctx.output(arr), offset: 0 });

/** Backend.lstmCell (see lstmStep); `gates` may be `hGates` itself (the context reads a copy then). */
export function lstmCell(
  ctx: GpuContext,
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
  lstmStep(ctx, batch, hidden, {
    xGates: input(ctx, xGates),
    hGates: input(ctx, hGates),
    bias: bias && input(ctx, bias),
    cPrev: input(ctx, cPrev),
    h: output(ctx, h),
    c: output(ctx, c),
    gates: output(ctx, gates),
  });
}

/** Backend.lstmCellBackward (see lstmGradStep). */
export function lstmCellBackward(
  ctx: GpuContext,
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
  lstmGradStep(ctx, batch, hidden, {
    gradH: input(ctx, gradH),
    gradC: gradC && input(ctx, gradC),
    gates: input(ctx, gates),
    cPrev: input(ctx, cPrev),
    c: input(ctx, c),
    gradGates: output(ctx, gradGates),
    gradCPrev: output(ctx, gradCPrev),
  });
}

/** Backend.gruCell (see gruStep). */
export function gruCell(
  ctx: GpuContext,
  xGates: FloatArray,
  hGates: FloatArray,
  bias: FloatArray | null,
  hPrev: FloatArray,
  batch: number,
  hidden: number,
  h: FloatArray,
  saved: FloatArray,
): void {
  gruStep(ctx, batch, hidden, {
    xGates: input(ctx, xGates),
    hGates: input(ctx, hGates),
    bias: bias && input(ctx, bias),
    hPrev: input(ctx, hPrev),
    h: output(ctx, h),
    saved: output(ctx, saved),
  });
}

/** Backend.gruCellBackward (see gruGradStep). */
export function gruCellBackward(
  ctx: GpuContext,
  gradH: FloatArray,
  saved: FloatArray,
  hPrev: FloatArray,
  batch: number,
  hidden: number,
  gradXGates: FloatArray,
  gradHGates: FloatArray,
  gradHPrev: FloatArray,
): void {
  gruGradStep(ctx, batch, hidden, {
    gradH: input(ctx, gradH),
    saved: input(ctx, saved),
    hPrev: input(ctx, hPrev),
    gradXGates: output(ctx, gradXGates),
    gradHGates: output(ctx, gradHGates),
    gradHPrev: output(ctx, gradHPrev),
  });
}
