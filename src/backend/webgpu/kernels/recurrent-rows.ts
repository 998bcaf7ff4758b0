// @file The row kernels of the GPU recurrences: operands bound with an element offset, copies, sums and bias rows.
import type { FloatArray } from '../../../tensor/dtype.js';
import type { GpuBinding, GpuContext } from '../context.js';
import { MATH_WGSL } from '../elementwise-wgsl.js';
import { ELEMENT_ENTRY, ShaderBindings, elementGrid, pack, uniforms } from './common.js';

/**
 * An operand of the recurrent kernels: a bound array and the element where the operand starts in it, so that
 * one binding serves every time step (row t of `out` is `shift(out, t·B·H)`) with no scratch copy.
 */
export interface Operand {
  readonly binding: GpuBinding;
  readonly offset: number;
}

/** `operand` moved on by `elements`. */
export function shift(operand: Operand, elements: number): Operand {
  return { binding: operand.binding, offset: operand.offset + elements };
}

/** One storage operand of a row kernel: its WGSL name, the operand, and whether the kernel writes it. */
export interface Slot {
  readonly name: string;
  readonly operand: Operand;
  readonly written: boolean;
}

export const read = (name: string, operand: Operand): Slot => ({ name, operand, written: false });
export const written = (name: string, operand: Operand): Slot => ({ name, operand, written: true });

/**
 * Dispatches a one-thread-per-element kernel over `count` threads (`index` in the body). Each slot `x` gets
 * WGSL accessors `x_at(i)` (element i of the operand) and, when written, `x_set(i, v)`; the scalars are
 * `pm.width`, `pm.rows` and `pm.flags`.
 * The source depends only on `key`'s kernel (offsets, counts and flags are uniforms), so it compiles once.
 */
export function dispatchRows(
  ctx: GpuContext,
  key: string,
  slots: readonly Slot[],
  count: number,
  scalars: { readonly width?: number; readonly rows?: number; readonly flags?: number },
  body: string,
): void {
  if (count === 0) return;
  const shader = new ShaderBindings();
  const words = uniforms()
    .u32(count)
    .u32(scalars.width ?? 0)
    .u32(scalars.rows ?? 0)
    .u32(scalars.flags ?? 0);
  const accessors: string[] = [];
  for (const { name, operand, written: isWritten } of slots) {
    shader.add(name, operand.binding, 'f32', isWritten ? 'read_write' : 'read');
    words.u32(operand.offset);
    accessors.push(`fn ${name}_at(i: u32) -> f32 { return ${name}[pm.o_${name} + i]; }`);
    if (isWritten) accessors.push(`fn ${name}_set(i: u32, v: f32) { ${name}[pm.o_${name} + i] = v; }`);
  }
  const fields = [
    'count: u32',
    'width: u32',
    'rows: u32',
    'flags: u32',
    ...slots.map((s) => `o_${s.name}: u32`),
  ];
  const wgsl = (): string => /* wgsl */ `
${shader.declarations(fields.join(', '))}
${accessors.join('\n')}
${MATH_WGSL}
${ELEMENT_ENTRY}
  if (index >= pm.count) { return; }
${body}
}
`;
  ctx.dispatch(`recurrent:${key}`, wgsl, shader.list, pack(words), elementGrid(count));
}

/**
 * to[i] = from[i] for i < count; `from` and `to` may be disjoint ranges of one binding (then it is bound once,
 * read-write, and the kernel reads at index + (from − to) in wrapping u32 arithmetic).
 */
export function copyRows(ctx: GpuContext, from: Operand, to: Operand, count: number): void {
  if (from.binding !== to.binding) {
    copyPairs(ctx, [[from, to]], count);
    return;
  }
  const body = '  rows_set(index, rows_at(index + pm.width));';
  dispatchRows(
    ctx,
    'copyWithin',
    [written('rows', to)],
    count,
    { width: (from.offset - to.offset) >>> 0 },
    body,
  );
}

/** to_k[i] = from_k[i] for i < count, for one or two (from, to) pairs of distinct bindings, in one dispatch. */
export function copyPairs(
  ctx: GpuContext,
  pairs: readonly (readonly [Operand, Operand])[],
  count: number,
): void {
  const slots = pairs.flatMap(([from, to], k) => [read(`src${k}`, from), written(`dst${k}`, to)]);
  const body = pairs.map((_, k) => `  dst${k}_set(index, src${k}_at(index));`).join('\n');
  dispatchRows(ctx, `copy${pairs.length}`, slots, count, {}, body);
}

/** sum[i] += addend[i] for i < count. */
export function accumulateRows(ctx: GpuContext, sum: Operand, addend: Operand, count: number): void {
  const slots = [read('addend', addend), written('sum', sum)];
  dispatchRows(ctx, 'accumulate', slots, count, {}, '  sum_set(index, sum_at(index) + addend_at(index));');
}

/** x[r, c] += bias[c] over `rows` rows of `width`: the input projection's b_ih, broadcast over T·B rows. */
export function addBiasRows(ctx: GpuContext, x: Operand, bias: Operand, rows: number, width: number): void {
  const slots = [read('bias', bias), written('x', x)];
  dispatchRows(
    ctx,
    'addBias',
    slots,
    rows * width,
    { width },
    '  x_set(index, x_at(index) + bias_at(index % pm.width));',
  );
}

/**
 * out[c] = Σ_r x[r, c] over `rows` rows of `width` (0 when there are no rows): the bias gradients, one thread per
 * column summing in row order in f32.
 */
export function sumColumns(ctx: GpuContext, x: Operand, rows: number, width: number, out: Operand): void {
  const slots = [read('x', x), written('total', out)];
  const body = `  var acc = 0.0;
  for (var r = 0u; r < pm.rows; r++) { acc += x_at(r * pm.width + index); }
  total_set(index, acc);`;
  dispatchRows(ctx, 'sumColumns', slots, width, { width, rows }, body);
}

/** Whether `arr` is its buffer's only view from element 0 (what a tensor op allocates), so it binds as is. */
function isWhole(arr: FloatArray): boolean {
  return arr.byteOffset === 0 && arr.byteLength === arr.buffer.byteLength;
}

/**
 * A read operand. A whole array binds as it is; a view (an h0 sliced from a stacked state, an array in wasm
 * memory) is first copied into a fresh array by one kernel, so the recurrence never holds a scratch copy that a
 * later submit could recycle.
 */
export function readOperand(ctx: GpuContext, arr: FloatArray): Operand {
  if (isWhole(arr)) return { binding: ctx.input(arr), offset: 0 };
  const staged = new Float32Array(arr.length);
  copyRows(
    ctx,
    { binding: ctx.input(arr), offset: 0 },
    { binding: ctx.output(staged), offset: 0 },
    arr.length,
  );
  return { binding: ctx.input(staged), offset: 0 };
}

/** A fresh GPU array of `length` f32 elements for this call (the step's products, the running gradients). */
export function temporary(ctx: GpuContext, length: number): Operand {
  return { binding: ctx.output(new Float32Array(length)), offset: 0 };
}

/**
 * The written operands of one call. A whole array is written in place; a view (of a plain buffer or of wasm
 * memory) gets a fresh array that `finish()` copies into the view through the context's ordinary binding.
 */
export class WrittenOperands {
  private readonly pending: { readonly from: Operand; readonly to: FloatArray }[] = [];

  constructor(private readonly ctx: GpuContext) {}

  /** The operand the kernels write for `arr`; `finish()` must run after the last write. */
  write(arr: FloatArray): Operand {
    if (isWhole(arr)) return { binding: this.ctx.output(arr), offset: 0 };
    const from = temporary(this.ctx, arr.length);
    this.pending.push({ from, to: arr });
    return from;
  }

  /**
   * Copies every view's values into place. A misaligned view binds through a scratch copy that the context
   * copies back when the op ends; a submit between two such bindings would let the second reuse the first's
   * scratch, so every view is made GPU-current first (an upload submits) and all are bound before any copy.
   */
  finish(): void {
    for (const { to } of this.pending) this.ctx.input(to);
    const targets = this.pending.map(({ to }) => this.ctx.inout(to));
    this.pending.forEach(({ from, to }, k) => {
      copyRows(this.ctx, from, { binding: targets[k]!, offset: 0 }, to.length);
    });
  }
}
