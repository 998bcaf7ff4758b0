// @file Data types, their typed-array storage and PyTorch's type-promotion rules.
import { DTypeError } from '../errors.js';

/** The element types a tensor can hold. `bool` is stored as 0/1 bytes. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** Storage of one tensor: always a flat, contiguous, row-major typed array. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Floating-point storage, the only kind that can carry gradients. */
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** Allocates zeroed storage of `size` elements of `dtype`. */
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** The dtype whose storage class `data` is. */
export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'bool';
}

export function isFloat(dtype: DType): dtype is 'float32' | 'float64' {
  return dtype === 'float32' || dtype === 'float64';
}

export function assertDType(op: string, dtype: DType): DType {
  if (!DTYPES.includes(dtype))
    throw new DTypeError(op, `unknown dtype '${String(dtype)}' (expected one of ${DTYPES.join(', ')})`);
  return dtype;
}

/** PyTorch's promotion for two tensors: bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The result dtype of `tensor ∘ number`: a number never widens a float tensor, an integral number keeps an
 * int tensor integral and a fractional one makes it float32 (PyTorch's default dtype).
 */
export function promoteWithScalar(dtype: DType, scalar: number | boolean): DType {
  if (typeof scalar === 'boolean') return dtype;
  if (isFloat(dtype)) return dtype;
  if (Number.isInteger(scalar)) return dtype === 'bool' ? 'int32' : dtype;
  return 'float32';
}

/** The float dtype an op like `exp` or `mean` computes in for an input of `dtype` (ints become float32). */
export function floatResult(dtype: DType): 'float32' | 'float64' {
  return dtype === 'float64' ? 'float64' : 'float32';
}
