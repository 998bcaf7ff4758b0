// @file Data types, their typed-array storage and PyTorch's type-promotion rules.
import { DTypeError, ValueError } from '../errors.js';

/** The element types a tensor can hold. `bool` is stored as 0/1 bytes. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** Storage of one tensor: always a flat, contiguous, row-major typed array. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Floating-point storage, the only kind that can carry gradients. */
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** Bytes per element of each dtype's storage. */
export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = {
  float32: 4,
  float64: 8,
  int32: 4,
  bool: 1,
};

/** The most elements one tensor may hold: the longest typed array of V8 (Node ≥ 20, Chrome) is 2³² elements. */
export const MAX_TENSOR_ELEMENTS = 2 ** 32;

/** `10000000000 elements (40 GB as float32)`: an element count with its size in bytes, for error messages. */
export function describeSize(size: number, dtype: DType): string {
  const bytes = size * BYTES_PER_ELEMENT[dtype];
  const units: [string, number][] = [
    ['TB', 1e12],
    ['GB', 1e9],
    ['MB', 1e6],
    ['kB', 1e3],
  ];
  const [unit, scale] = units.find(([, s]) => bytes >= s) ?? ['bytes', 1];
  const amount = scale === 1 ? String(bytes) : (bytes / scale).toPrecision(3);
  return `${size} elements (${amount} ${unit} as ${dtype})`;
}

/**
 * Storage that a backend keeps where its kernels run (the wasm backend: float32 arrays in its linear memory).
 * allocate() asks it first for float32 storage of at least `minElements` elements; null means full, and the
 * storage is then a plain array.
 */
export interface ResidentAllocator {
  readonly minElements: number;
  /** A float32 array of `size` elements, all zero when `zeroed` (else holding old values), or null. */
  float32(size: number, zeroed: boolean): Float32Array | null;
  /** Returns `data`'s memory now if it is one of this allocator's arrays (Tensor.dispose); false otherwise. */
  release(data: TypedArray): boolean;
}

let resident: ResidentAllocator | null = null;
let residentMin = Infinity;

/** Installs the active backend's storage allocator (null: plain typed arrays). Called by setBackend. */
export function setResidentAllocator(allocator: ResidentAllocator | null): void {
  resident = allocator;
  residentMin = allocator ? allocator.minElements : Infinity;
}

/** Returns `data`'s memory to the backend that allocated it, now; false when it is a plain array. */
export function releaseStorage(data: TypedArray): boolean {
  return resident !== null && resident.release(data);
}

/**
 * Allocates zeroed storage of `size` elements of `dtype`. Sizes above MAX_TENSOR_ELEMENTS, and allocations the
 * engine refuses (out of memory), throw a ValueError naming `op` (and `shape` when given) instead of V8's
 * RangeError.
 */
export function allocate(dtype: DType, size: number, op = 'allocate', shape?: readonly number[]): TypedArray {
  // The hot path of every op: no closure, no try block (both cost measurably on tiny tensors).
  if (size >>> 0 === size && size <= MAX_FAST_ELEMENTS) {
    switch (dtype) {
      case 'float32':
        return (size >= residentMin && resident!.float32(size, true)) || new Float32Array(size);
      case 'float64':
        return new Float64Array(size);
      case 'int32':
        return new Int32Array(size);
      case 'bool':
        return new Uint8Array(size);
    }
  }
  return allocateChecked(dtype, size, op, shape, true);
}

/**
 * allocate() for an op whose kernel writes every element before anything reads one (binary and unary maps,
 * matmul, softmax): float32 storage from the backend may then hold old values instead of zeros, which saves
 * clearing it. Other dtypes and plain arrays are zeroed as ever.
 */
export function allocateUninitialized(
  dtype: DType,
  size: number,
  op = 'allocate',
  shape?: readonly number[],
): TypedArray {
  if (dtype === 'float32' && size >>> 0 === size && size <= MAX_FAST_ELEMENTS) {
    return (size >= residentMin && resident!.float32(size, false)) || new Float32Array(size);
  }
  return dtype === 'float32'
    ? allocateChecked(dtype, size, op, shape, false)
    : allocate(dtype, size, op, shape);
}

/** Whole sizes up to this never make the engine throw (a few MB), so allocate() skips the checks for them. */
const MAX_FAST_ELEMENTS = 1 << 20;

function describeAllocation(dtype: DType, size: number, shape?: readonly number[]): string {
  return `${shape ? `shape [${shape.join(', ')}] has ` : ''}${describeSize(size, dtype)}`;
}

/** allocate() for large or invalid sizes: the limit check, and an engine RangeError turned into a ValueError. */
function allocateChecked(
  dtype: DType,
  size: number,
  op: string,
  shape: readonly number[] | undefined,
  zeroed: boolean,
): TypedArray {
  if (size > MAX_TENSOR_ELEMENTS) {
    throw new ValueError(
      op,
      `${describeAllocation(dtype, size, shape)}, above the limit of ${MAX_TENSOR_ELEMENTS} elements per tensor`,
    );
  }
  if (dtype === 'float32' && Number.isInteger(size) && size >= residentMin) {
    const data = resident!.float32(size, zeroed);
    if (data) return data;
  }
  try {
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
  } catch (error) {
    if (error instanceof RangeError) {
      throw new ValueError(op, `cannot allocate ${describeAllocation(dtype, size, shape)}: ${error.message}`);
    }
    throw error;
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

/**
 * `value` as an element of an int32 tensor: truncated toward zero, as PyTorch converts; a value that int32 cannot
 * hold (beyond ±2³¹, ±∞, NaN) is a ValueError instead of a silently wrapped number (PyTorch: "value cannot be
 * converted to type int without overflow").
 */
export function int32Element(op: string, value: number): number {
  const whole = Math.trunc(value);
  if (!(whole >= -2147483648 && whole <= 2147483647))
    throw new ValueError(op, `value ${value} cannot be converted to int32 without overflow`);
  return whole;
}

/** PyTorch's promotion for two tensors: bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** A binary op's operand as type promotion sees it: a tensor (its dtype and rank), or a plain number or boolean. */
export type PromotionOperand = { readonly dtype: DType; readonly ndim: number } | number | boolean;

/**
 * The dtype a plain number stands for: bool for a boolean, int32 for an integer that int32 holds, float32 (the
 * default) otherwise. A whole number beyond int32 (1e30, 3e9) is a float, as the Python literal 1e30 is: an
 * int32 tensor compared with it, or added to it, computes in float32 like PyTorch's `t <= 1e30` instead of
 * wrapping the number to int32 (JavaScript cannot tell 3e9 from 3000000000; PyTorch would wrap the latter).
 */
function wrappedType(value: number | boolean): DType {
  if (typeof value === 'boolean') return 'bool';
  return Number.isInteger(value) && value >= -2147483648 && value <= 2147483647 ? 'int32' : 'float32';
}

/** c10's combine_categories: the higher tier's dtype, unless the lower tier is of a higher category. */
function combineTiers(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null || isFloat(higher)) return higher;
  if (higher === 'bool' || isFloat(lower)) return promoteTypes(higher, lower);
  return higher;
}

/**
 * The result dtype of an op on `operands` (torch.result_type). Operands fall in three tiers: tensors with at
 * least one dim, 0-d tensors, plain numbers. Within a tier dtypes promote (bool < int32 < float32 < float64);
 * a lower tier changes the result only when its category (bool < int < float) is higher:
 *
 * ```
 * float32 [3] · float64 0-d  → float32        int32 [3] · float64 0-d → float64
 * int32 [3]   · 2.5          → float32        float64 0-d · 2.5       → float64
 * int32 [3]   · 7            → int32          int32 [3]   · 1e30      → float32 (beyond int32: a float)
 * ```
 */
export function resultType(...operands: readonly PromotionOperand[]): DType {
  let dimensioned: DType | null = null;
  let zeroDim: DType | null = null;
  let wrapped: DType | null = null;
  const join = (current: DType | null, dtype: DType) =>
    current === null ? dtype : promoteTypes(current, dtype);
  for (const operand of operands) {
    if (typeof operand !== 'object') wrapped = join(wrapped, wrappedType(operand));
    else if (operand.ndim > 0) dimensioned = join(dimensioned, operand.dtype);
    else zeroDim = join(zeroDim, operand.dtype);
  }
  return combineTiers(dimensioned, combineTiers(zeroDim, wrapped)) ?? 'float32';
}

/**
 * The result dtype of `tensor ∘ number`: a number never widens a float tensor, an integral number keeps an
 * int tensor integral and a fractional one makes it float32 (PyTorch's default dtype).
 */
export function promoteWithScalar(dtype: DType, scalar: number | boolean): DType {
  return resultType({ dtype, ndim: 1 }, scalar);
}

/** The float dtype an op like `exp` or `mean` computes in for an input of `dtype` (ints become float32). */
export function floatResult(dtype: DType): 'float32' | 'float64' {
  return dtype === 'float64' ? 'float64' : 'float32';
}
