// @file Host element types on the GPU: every element is a 32-bit word (float64 rounded to f32, bool widened to u32).
import type { TypedArray } from '../../tensor/dtype.js';

/** The host element type of a region; on the GPU every element is 4 bytes (f32, i32 or u32). */
export type HostKind = 'float32' | 'float64' | 'int32' | 'bool';

/** The host element type of `arr`. */
export function hostKind(arr: TypedArray): HostKind {
  if (arr instanceof Float32Array) return 'float32';
  if (arr instanceof Float64Array) return 'float64';
  if (arr instanceof Int32Array) return 'int32';
  return 'bool';
}

/** A view of `buffer` of `kind` over elements [start, start + count). */
export function hostView(buffer: ArrayBufferLike, kind: HostKind, start: number, count: number): TypedArray {
  switch (kind) {
    case 'float32':
      return new Float32Array(buffer, start * 4, count);
    case 'float64':
      return new Float64Array(buffer, start * 8, count);
    case 'int32':
      return new Int32Array(buffer, start * 4, count);
    case 'bool':
      return new Uint8Array(buffer, start, count);
  }
}

/** The 32-bit words the GPU holds for host values: float64 rounded to f32, bool widened to u32. */
export function gpuWords(values: TypedArray): Float32Array | Int32Array | Uint32Array {
  if (values instanceof Float64Array) return Float32Array.from(values);
  if (values instanceof Uint8Array) return Uint32Array.from(values);
  return values as Float32Array | Int32Array;
}
