// @file One kernel call's operands in linear memory: arrays already there are passed in place, others copied.
import type { WasmRuntime } from './runtime.js';

/** An array a kernel reads or writes. */
type Stageable = Float32Array | Float64Array | Int32Array;

/** What the kernel does with a part: reads it, writes it, both, or uses it as scratch (no array). */
const enum Role {
  Scratch,
  Read,
  Write,
  ReadWrite,
}

/** One region of a kernel call (build with input, output, inout, scratch). */
export interface Part {
  readonly data: Stageable | null;
  readonly bytes: number;
  readonly role: Role;
}

/** An operand the kernel reads. */
export function input(data: Stageable): Part {
  return { data, bytes: data.byteLength, role: Role.Read };
}

/** An operand the kernel writes (every element, or the caller does not care about the old ones). */
export function output(data: Stageable): Part {
  return { data, bytes: data.byteLength, role: Role.Write };
}

/** An operand the kernel reads and writes in place (an accumulator, an optimizer's parameter). */
export function inout(data: Stageable): Part {
  return { data, bytes: data.byteLength, role: Role.ReadWrite };
}

/** `bytes` bytes of scratch; scratch(0) stands for an absent operand and gets address 0 (the kernels' "none"). */
export function scratch(bytes: number): Part {
  return { data: null, bytes, role: Role.Scratch };
}

/** A staged call: each part's byte address, and `finish()`, which copies written parts that were copied back out. */
export interface Staged {
  readonly at: number[];
  finish(): void;
}

function overlaps(x: Stageable, y: Stageable): boolean {
  return x.byteOffset < y.byteOffset + y.byteLength && y.byteOffset < x.byteOffset + x.byteLength;
}

/**
 * Whether `parts[i]`, an array in the main memory, may be passed in place: a read array unless it overlaps a
 * written one (an `elementwise` kernel may read and write the very same elements, as x.add_(y) does), a written
 * array unless it overlaps another written one.
 */
function inPlace(parts: readonly Part[], i: number, elementwise: boolean): boolean {
  const part = parts[i]!;
  const data = part.data!;
  for (let j = 0; j < parts.length; j++) {
    const other = parts[j]!;
    if (j === i || other.data === null || other.data.buffer !== data.buffer || !overlaps(data, other.data))
      continue;
    const partWrites = part.role !== Role.Read;
    const otherWrites = other.role !== Role.Read;
    if (partWrites && otherWrites) return false;
    if (partWrites || !otherWrites) continue;
    const same = other.data.byteOffset === data.byteOffset && other.data.length === data.length;
    if (!(elementwise && same)) return false;
  }
  return true;
}

function view(like: Stageable, buffer: ArrayBufferLike, at: number, length: number): Stageable {
  if (like instanceof Float32Array) return new Float32Array(buffer, at, length);
  if (like instanceof Int32Array) return new Int32Array(buffer, at, length);
  return new Float64Array(buffer, at, length);
}

/**
 * Places `parts` for one kernel call. An array that is a view of the main memory (tensor storage from the arena)
 * is passed by its address, unless it overlaps an array the call writes (a written array never aliases another
 * operand, except for `elementwise` kernels reading and writing the same elements); every other array is copied
 * into the scratch region, or, when the copies do not fit there, all arrays are copied into the spill instance.
 * Read the kernels and heap from `runtime` after this call, and call `finish()` after the kernel. `copyAll`
 * copies every array (into regions padded to 64 bytes).
 */
export function stage(
  runtime: WasmRuntime,
  parts: readonly Part[],
  elementwise = false,
  copyAll = false,
): Staged {
  const resident = copyAll ? null : runtime.resident;
  const kept = parts.map(
    (p, i) =>
      p.data !== null && resident !== null && resident.holds(p.data) && inPlace(parts, i, elementwise),
  );
  let at = runtime.layout(...parts.map((p, i) => (kept[i] ? 0 : p.bytes)));
  if (!runtime.inMainMemory) {
    kept.fill(false);
    at = runtime.layout(...parts.map((p) => p.bytes));
  }
  const buffer = runtime.f32.buffer;
  const copies: [Stageable, Stageable][] = [];
  parts.forEach((p, i) => {
    if (p.data === null) {
      if (p.bytes === 0) at[i] = 0;
      return;
    }
    if (kept[i]) {
      at[i] = p.data.byteOffset;
      return;
    }
    const heapView = view(p.data, buffer, at[i]!, p.data.length);
    if (p.role !== Role.Write) heapView.set(p.data);
    if (p.role !== Role.Read) copies.push([p.data, heapView]);
  });
  return {
    at,
    finish: () => {
      for (const [target, source] of copies) target.set(source);
    },
  };
}

/**
 * Runs a kernel that works in whole vectors (unary, unaryGrad, optimizerStep: it reads and writes up to three
 * floats past n) over elements [0, n): `run(from, to, copyAll)` on the body, a multiple of 4, with operands in
 * place, then on the ragged tail with every operand copied into padded scratch, so that nothing past `n` of a
 * tensor's storage (a neighbour in a shared block, or the end of memory) is touched. Each element is computed
 * alone, so the split changes no result.
 */
export function inWholeVectors(n: number, run: (from: number, to: number, copyAll: boolean) => void): void {
  const body = n - (n % 4);
  if (body > 0) run(0, body, false);
  if (body < n) run(body, n, true);
}
