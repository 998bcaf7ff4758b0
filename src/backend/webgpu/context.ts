// @file The kernel API of the webgpu backend: what a WGSL kernel gets (bindings, dispatch) and the grid helpers.
/// <reference types="@webgpu/types" />
import type { TypedArray } from '../../tensor/dtype.js';

/**
 * A range of a GPU buffer bound to one `@binding`: `offset` and `size` are in bytes, element 0 of the array sits
 * at `offset`, and `size` covers the whole array (at least 4 bytes, so an empty array still binds).
 */
export interface GpuBinding {
  readonly buffer: GPUBuffer;
  readonly offset: number;
  readonly size: number;
}

/**
 * What a WebGPU kernel codes against. Typed arrays stay the handles of tensor storage; the context keeps the GPU
 * copy of each one and knows which side is newer. A kernel asks for its operands' bindings, then records one or
 * more dispatches into the current command encoder; the context submits them when a read needs them, after a
 * number of dispatches, or on a microtask.
 *
 * Element types on the GPU: Float32Array and Float64Array are `f32` (float64 values are rounded on upload and
 * widened on download), Int32Array is `i32`, Uint8Array (bool) is `u32` (0/1); see `wgslElementType`.
 *
 * A kernel never reads `arr`'s host values itself: they may be stale while the GPU holds the newest ones.
 */
export interface GpuContext {
  readonly device: GPUDevice;
  /** A read-only operand: uploads the host copy first when it is newer; the whole array, element 0 at the start. */
  input(arr: TypedArray): GpuBinding;
  /** A written operand: after the dispatch the GPU holds the newest values and the host copy is stale. */
  output(arr: TypedArray): GpuBinding;
  /** A read-modify-write operand (optimizer parameters, accumulated gradients): input, then output. */
  inout(arr: TypedArray): GpuBinding;
  /** A temporary of `bytes` bytes (rounded up to 4) for this step; its contents start undefined. */
  scratch(bytes: number): GpuBinding;
  /**
   * Compiles `wgsl()` once per `key` (the key must determine the source), binds `bindings` at @group(0)
   * @binding(0 … n−1) and, when given, `uniforms` (packed 32-bit words) as a uniform buffer at @binding(n), and
   * records `dispatchWorkgroups(...workgroups)` in the current encoder. Storage bindings are read_write in the
   * layout, so the shader may declare each one `read` or `read_write`. The entry point is `main`.
   */
  dispatch(
    key: string,
    wgsl: () => string,
    bindings: readonly GpuBinding[],
    uniforms: Uint32Array | null,
    workgroups: readonly [number, number?, number?],
  ): void;
}

/** The largest workgroup count of one dispatch dimension that every WebGPU device accepts. */
export const MAX_WORKGROUPS_PER_DIMENSION = 65535;

/**
 * A grid of workgroups that covers `n` invocations in workgroups of `size`: [⌈n/size⌉, 1] while that fits one
 * dimension, else [65535, ⌈⌈n/size⌉ / 65535⌉]. The shader recovers the flat index with `WGSL_FLAT_INDEX`
 * (`flat_index(wid, nwg, lid, size)` = (wid.y·nwg.x + wid.x)·size + lid) and must skip indices ≥ n, since the
 * 2-D grid overshoots. `n` = 0 gives [0, 1]: skip the dispatch then.
 */
export function workgroupsFor(n: number, size: number): [number, number] {
  const groups = Math.ceil(n / size);
  if (groups <= MAX_WORKGROUPS_PER_DIMENSION) return [groups, 1];
  return [MAX_WORKGROUPS_PER_DIMENSION, Math.ceil(groups / MAX_WORKGROUPS_PER_DIMENSION)];
}

/**
 * WGSL for the flat invocation index under a `workgroupsFor` grid; declare the entry point with
 * `@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
 * @builtin(local_invocation_index) lid: u32`.
 */
export const WGSL_FLAT_INDEX = /* wgsl */ `
fn flat_index(wid: vec3u, nwg: vec3u, lid: u32, size: u32) -> u32 {
  return (wid.y * nwg.x + wid.x) * size + lid;
}
`;

/** The WGSL scalar type a storage array becomes on the GPU (see GpuContext). */
export function wgslElementType(arr: TypedArray): 'f32' | 'i32' | 'u32' {
  if (arr instanceof Int32Array) return 'i32';
  if (arr instanceof Uint8Array) return 'u32';
  return 'f32';
}

/**
 * Packs uniform words in order: integers as u32 (negative ones as their two's complement, read back with
 * `bitcast<i32>` or an `i32` field) and floats as f32 bits. A WGSL uniform struct of scalar u32/i32/f32 fields
 * has exactly this layout; arrays in a uniform struct need a 16-byte stride (use `array<vec4u, N>`).
 */
export class UniformWords {
  private readonly words: number[] = [];
  private static readonly f32 = new Float32Array(1);
  private static readonly bits = new Uint32Array(UniformWords.f32.buffer);

  u32(value: number): this {
    this.words.push(value >>> 0);
    return this;
  }

  i32(value: number): this {
    this.words.push((value | 0) >>> 0);
    return this;
  }

  f32(value: number): this {
    UniformWords.f32[0] = value;
    this.words.push(UniformWords.bits[0]!);
    return this;
  }

  /** Adds zero words until the count is a multiple of 4 (a vec4 boundary). */
  align4(): this {
    while (this.words.length % 4 !== 0) this.words.push(0);
    return this;
  }

  finish(): Uint32Array {
    return Uint32Array.from(this.words);
  }
}
