// @file Strided index maps for WGSL kernels: a row-major position over a shape → an element of each operand.
import { NeuriteError } from '../../errors.js';
import { UniformWords } from './context.js';

/** One operand of a strided map: element (i₀, …) sits at offset + Σ iₖ·strides[k] (strides may be 0 or < 0). */
export interface StridedOperand {
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Up to this many operands per map (where: condition, a, b). */
export const MAX_OPERANDS = 3;

/**
 * Merges dims that every operand walks contiguously (stride[d] = stride[d+1]·shape[d+1]) and drops size-1 dims,
 * so most maps reach the kernel with rank 1 or 2: fewer divisions per element and fewer compiled variants.
 */
export function coalesce(
  shape: readonly number[],
  operands: readonly StridedOperand[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = operands.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && operands.every((o, k) => outStrides[k]![last] === o.strides[d]! * size);
    if (mergeable) {
      outShape[last]! *= size;
      operands.forEach((o, k) => (outStrides[k]![last] = o.strides[d]!));
    } else {
      outShape.push(size);
      operands.forEach((o, k) => outStrides[k]!.push(o.strides[d]!));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** Row-major strides of a contiguous `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= shape[d]!;
  }
  return strides;
}

/** Strides of `shape` read as broadcast to `outShape` (0 on repeated and leading dims). */
export function broadcastOperandStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = contiguousStrides(shape);
  const lead = outShape.length - shape.length;
  return outShape.map((_, d) => (d < lead || shape[d - lead] === 1 ? 0 : own[d - lead]!));
}

/** A coalesced map, ready for a kernel: its rank (part of the pipeline key) and its uniform words. */
export interface StridedMap {
  readonly rank: number;
  readonly count: number;
  readonly uniforms: Uint32Array;
}

/**
 * Uniform words for the WGSL struct of `stridedParamsWgsl(rank, operands)`: [count, offset₀, offset₁, offset₂],
 * then the shape and each operand's strides as vec4 arrays. Element positions must fit i32.
 */
export function stridedMap(
  op: string,
  shape: readonly number[],
  operands: readonly StridedOperand[],
): StridedMap {
  if (operands.length > MAX_OPERANDS)
    throw new NeuriteError(op, 'webgpu: too many operands for a strided map');
  const merged = coalesce(shape, operands);
  const rank = merged.shape.length;
  const count = shape.reduce((a, b) => a * b, 1);
  const words = new UniformWords().u32(count);
  for (let k = 0; k < MAX_OPERANDS; k++) words.i32(operands[k]?.offset ?? 0);
  const vecs = Math.max(1, Math.ceil(rank / 4)) * 4;
  for (let d = 0; d < vecs; d++) words.u32(merged.shape[d] ?? 1);
  for (let k = 0; k < MAX_OPERANDS; k++) {
    for (let d = 0; d < vecs; d++) words.i32(merged.strides[k]?.[d] ?? 0);
  }
  return { rank, count, uniforms: words.finish() };
}

/**
 * WGSL for a strided map of `rank` dims: the uniform struct `P` (declared at binding `binding`) and
 * `fn locate(i: u32) -> vec3i`, each operand's element index for row-major position i.
 */
export function stridedParamsWgsl(rank: number, binding: number): string {
  const vecs = Math.max(1, Math.ceil(rank / 4));
  const steps: string[] = [];
  for (let d = rank - 1; d >= 0; d--) {
    const at = `[${d >> 2}][${d & 3}]`;
    steps.push(`  { let size = P.shape${at}; let idx = i32(rem % size); rem = rem / size;
    at += idx * vec3i(P.s0${at}, P.s1${at}, P.s2${at}); }`);
  }
  return /* wgsl */ `
struct Params {
  count: u32, off0: i32, off1: i32, off2: i32,
  shape: array<vec4u, ${vecs}>,
  s0: array<vec4i, ${vecs}>,
  s1: array<vec4i, ${vecs}>,
  s2: array<vec4i, ${vecs}>,
}
@group(0) @binding(${binding}) var<uniform> P: Params;

fn locate(i: u32) -> vec3i {
  var rem = i;
  var at = vec3i(P.off0, P.off1, P.off2);
${steps.join('\n')}
  return at;
}
`;
}
