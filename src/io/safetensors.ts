// @file safetensors: byte-level encode/decode of a state dict (pure, browser-safe: no Node imports).
/**
 * The safetensors format (huggingface/safetensors), as read and written here:
 *
 * ```
 * ┌────────────────┬──────────────────────────────────┬──────────────────────────────────────┐
 * │ N: u64, little │ header: N bytes of UTF-8 JSON,    │ data buffer: every tensor's elements, │
 * │ endian         │ padded with spaces to 8·k bytes   │ little-endian, row-major, no strides  │
 * └────────────────┴──────────────────────────────────┴──────────────────────────────────────┘
 * header = {"__metadata__": {"format": "pt"},
 *           "0.weight": {"dtype": "F32", "shape": [3, 2], "data_offsets": [0, 24]}, …}
 * ```
 *
 * `data_offsets` are `[begin, end)` byte offsets relative to the data buffer (which starts at byte 8 + N).
 * `__metadata__` is an optional string → string map. Because the header is padded to a multiple of 8, the
 * data buffer starts 8-aligned.
 *
 * dtypes: F32 ↔ float32, F64 ↔ float64, I32 ↔ int32, BOOL ↔ bool (one byte, 0 or 1). On read only:
 * I64 → int32 (every value must fit in int32, else FormatError), F16 and BF16 → float32 (exact: every half
 * and bfloat16 value is a float32). Other dtypes (U8, I8, I16, U16, U32, U64, F8_*, …) are refused with a
 * FormatError that names them.
 *
 * The writer follows the reference implementation byte for byte: tensors sorted by dtype, widest first
 * (F64, F32, I32, BOOL, the order of safetensors' `Dtype` enum), then by name (code point order, like Rust's
 * `String` ordering); `__metadata__` first in the header, written only when given; compact JSON.
 *
 * The reader validates everything before it allocates tensor storage and refuses a malformed input with a
 * FormatError saying what is wrong: an input under 8 bytes, a header length past the input or above
 * 100,000,000 bytes, a header that is not UTF-8 JSON or not an object, duplicate keys, an entry with a missing
 * or mistyped field, a shape that is not a list of non-negative integers, an unknown or unsupported dtype,
 * offsets out of range, overlapping, leaving gaps or not starting at 0, `end − begin ≠ numel·itemsize`, and
 * `8 + N + last_end ≠ input size`. Each tensor is copied into a fresh typed array, so storage never aliases the
 * input and is always aligned. Non-zero BOOL bytes read as true (1).
 */
import { ValueError } from '../errors.js';
import type { StateDict } from '../nn/module.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import {
  MAX_HEADER_LENGTH,
  METADATA_KEY,
  READABLE,
  defineEntry,
  describe,
  failure,
  parseHeader,
  readHeaderLength,
  type Fail,
  type Metadata,
  type ReadableDType,
  type TensorEntry,
} from './header.js';

export { MAX_HEADER_LENGTH, type Metadata } from './header.js';

/** What a safetensors file holds: the tensors by name (in file order) and the `__metadata__` map. */
export interface SafetensorsContent {
  tensors: StateDict;
  /** `{}` when the file has no `__metadata__`. */
  metadata: Metadata;
}

/** neurite dtype → file dtype, its size, and its rank in safetensors' `Dtype` enum (the writer sorts by it). */
const WRITTEN: Record<DType, { name: ReadableDType; itemSize: number; rank: number }> = {
  float64: { name: 'F64', itemSize: 8, rank: 3 },
  float32: { name: 'F32', itemSize: 4, rank: 2 },
  int32: { name: 'I32', itemSize: 4, rank: 1 },
  bool: { name: 'BOOL', itemSize: 1, rank: 0 },
};

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---- writing --------------------------------------------------------------------------------------------

/**
 * Encodes a state dict as a safetensors file in memory (safetensors.torch.save). Pure and browser-safe:
 * `new Blob([io.serialize(model.stateDict())])` is a downloadable `.safetensors` file.
 *
 * @param stateDict tensors by name, e.g. `model.stateDict()`; every value must be a Tensor and no name may be
 *   `__metadata__`.
 * @param metadata optional string → string pairs stored as `__metadata__`.
 * @throws ValueError for a non-tensor value, a reserved name or non-string metadata.
 */
export function serialize(stateDict: StateDict, metadata?: Metadata): Uint8Array {
  const parts = encodeParts('io.serialize', stateDict, metadata);
  let total = 0;
  for (const part of parts) total += part.byteLength;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/**
 * The file as a list of chunks: the 8-byte length and header first, then each tensor's bytes in header order.
 * Chunks may be views of tensor storage (no copy on little-endian hosts); write them before mutating tensors.
 * Every check runs before anything is returned, so a caller can validate first and touch files after.
 */
export function encodeParts(op: string, stateDict: StateDict, metadata?: Metadata): Uint8Array[] {
  if (typeof stateDict !== 'object' || stateDict === null || Array.isArray(stateDict)) {
    throw new ValueError(op, `expected a state dict (an object of tensors), got ${describe(stateDict)}`);
  }
  const items: { name: string; tensor: Tensor }[] = [];
  for (const name of Object.keys(stateDict)) {
    const tensor: unknown = stateDict[name];
    if (name === METADATA_KEY) {
      throw new ValueError(op, `"${METADATA_KEY}" is reserved for metadata and cannot name a tensor`);
    }
    if (!(tensor instanceof Tensor)) {
      throw new ValueError(op, `value of "${name}" is not a Tensor (got ${describe(tensor)})`);
    }
    if (!Object.hasOwn(WRITTEN, tensor.dtype)) {
      throw new ValueError(
        op,
        `tensor "${name}" has dtype ${String(tensor.dtype)}, which safetensors cannot store`,
      );
    }
    items.push({ name, tensor });
  }
  items.sort(
    (a, b) =>
      WRITTEN[b.tensor.dtype].rank - WRITTEN[a.tensor.dtype].rank || compareCodePoints(a.name, b.name),
  );

  const headerParts: string[] = [];
  if (metadata !== undefined && metadata !== null) {
    headerParts.push(`${JSON.stringify(METADATA_KEY)}:${encodeMetadata(op, metadata)}`);
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const { name, tensor } of items) {
    const { name: dtype, itemSize } = WRITTEN[tensor.dtype];
    const length = tensor.numel() * itemSize;
    const info = { dtype, shape: tensor.shape, data_offsets: [offset, offset + length] };
    headerParts.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    chunks.push(tensorBytes(tensor));
    offset += length;
  }
  const json = new TextEncoder().encode(`{${headerParts.join(',')}}`);
  const headerLength = Math.ceil(json.byteLength / 8) * 8;
  if (headerLength > MAX_HEADER_LENGTH) {
    throw new ValueError(
      op,
      `the header would be ${headerLength} bytes, above the format's limit of ${MAX_HEADER_LENGTH}`,
    );
  }
  const head = new Uint8Array(8 + headerLength).fill(0x20, 8 + json.byteLength);
  new DataView(head.buffer).setUint32(0, headerLength, true); // the high 32 bits stay 0
  head.set(json, 8);
  return [head, ...chunks];
}

function encodeMetadata(op: string, metadata: Metadata): string {
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new ValueError(op, `metadata must be an object of strings, got ${describe(metadata)}`);
  }
  const pairs: string[] = [];
  for (const key of Object.keys(metadata)) {
    const value: unknown = metadata[key];
    if (typeof value !== 'string') {
      throw new ValueError(op, `metadata value for "${key}" must be a string, got ${describe(value)}`);
    }
    pairs.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
  }
  return `{${pairs.join(',')}}`;
}

/** The tensor's elements as little-endian bytes: a view of its storage where possible. */
function tensorBytes(tensor: Tensor): Uint8Array {
  const storage = tensor.storage;
  const bytes = new Uint8Array(storage.buffer, storage.byteOffset, storage.byteLength);
  if (tensor.dtype === 'bool') return bytes.some((b) => b > 1) ? bytes.map((b) => (b === 0 ? 0 : 1)) : bytes;
  if (LITTLE_ENDIAN_HOST) return bytes;
  return swapBytes(new Uint8Array(bytes), storage.BYTES_PER_ELEMENT);
}

/** Orders strings by code point, as Rust orders `String`s (JS `<` compares UTF-16 units, which differs). */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates (halves of code points ≥ U+10000) above U+E000–U+FFFF. */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

// ---- reading --------------------------------------------------------------------------------------------

/**
 * Decodes a safetensors file held in memory (safetensors.torch.load). Pure and browser-safe:
 * `io.deserialize(new Uint8Array(await (await fetch(url)).arrayBuffer()))`.
 *
 * @returns the tensors in file order, each with fresh storage, and the `__metadata__` map (`{}` if absent).
 * @throws FormatError for any malformed input (see the file comment for the checks).
 */
export function deserialize(bytes: Uint8Array | ArrayBuffer): SafetensorsContent {
  const op = 'io.deserialize';
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  if (!(bytes instanceof Uint8Array)) {
    throw new ValueError(op, `expected a Uint8Array or ArrayBuffer, got ${describe(bytes)}`);
  }
  bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength); // a plain view, even of a Buffer
  const fail = failure(op);
  const headerLength = readHeaderLength(bytes, bytes.byteLength, fail);
  const header = parseHeader(bytes.subarray(8, 8 + headerLength), bytes.byteLength, fail);
  const tensors: StateDict = {};
  for (const entry of header.entries) {
    const raw = bytes.subarray(header.dataStart + entry.begin, header.dataStart + entry.end);
    defineEntry(tensors, entry.name, decodeTensor(entry, raw, fail));
  }
  return { tensors, metadata: header.metadata };
}

/**
 * Builds the tensor of a validated entry from its `end − begin` raw bytes, always into fresh storage unless
 * `owned` says `raw` is a whole, unshared buffer the tensor may keep.
 */
export function decodeTensor(entry: TensorEntry, raw: Uint8Array, fail: Fail, owned = false): Tensor {
  const n = raw.byteLength / READABLE[entry.dtype];
  switch (entry.dtype) {
    case 'F32':
      return new Tensor(new Float32Array(copyLittleEndian(raw, 4, owned)), entry.shape, 'float32');
    case 'F64':
      return new Tensor(new Float64Array(copyLittleEndian(raw, 8, owned)), entry.shape, 'float64');
    case 'I32':
      return new Tensor(new Int32Array(copyLittleEndian(raw, 4, owned)), entry.shape, 'int32');
    case 'BOOL': {
      const bools = new Uint8Array(n);
      for (let i = 0; i < n; i++) bools[i] = raw[i] === 0 ? 0 : 1;
      return new Tensor(bools, entry.shape, 'bool');
    }
    case 'I64':
      return new Tensor(int64ToInt32(entry.name, raw, n, fail), entry.shape, 'int32');
    case 'F16':
    case 'BF16': {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      const floats = new Float32Array(n);
      const bits = new Uint32Array(floats.buffer);
      const widen = entry.dtype === 'F16' ? halfToFloatBits : (h: number) => h << 16;
      for (let i = 0; i < n; i++) bits[i] = widen(view.getUint16(2 * i, true));
      return new Tensor(floats, entry.shape, 'float32');
    }
  }
}

/** The bytes in host order, in a buffer of their own (the input's, when `owned` and nothing to swap). */
function copyLittleEndian(raw: Uint8Array, itemSize: number, owned: boolean): ArrayBuffer {
  const whole = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength;
  // new Uint8Array(view) copies; Node's Buffer#slice would not.
  const bytes = owned && whole && raw.buffer instanceof ArrayBuffer ? raw : new Uint8Array(raw);
  if (!LITTLE_ENDIAN_HOST) swapBytes(bytes, itemSize);
  return bytes.buffer as ArrayBuffer;
}

function swapBytes(bytes: Uint8Array, itemSize: number): Uint8Array {
  for (let i = 0; i < bytes.length; i += itemSize) bytes.subarray(i, i + itemSize).reverse();
  return bytes;
}

/** I64 → int32: each value's high word must be the sign extension of its low word. */
function int64ToInt32(name: string, raw: Uint8Array, n: number, fail: Fail): Int32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const low = view.getInt32(8 * i, true);
    const high = view.getInt32(8 * i + 4, true);
    if (high !== low >> 31) {
      fail(
        `tensor "${name}" (I64) holds ${view.getBigInt64(8 * i, true)} at flat index ${i}, ` +
          `outside the int32 range neurite stores integers in`,
      );
    }
    out[i] = low;
  }
  return out;
}

/** IEEE half (1 sign, 5 exponent, 10 mantissa bits) → the float32 bit pattern of the same value. */
function halfToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >> 10) & 0x1f;
  let mantissa = h & 0x3ff;
  if (exponent === 0x1f) return sign | 0x7f800000 | (mantissa << 13); // inf, NaN (payload kept)
  if (exponent !== 0) return sign | ((exponent + 112) << 23) | (mantissa << 13); // rebias 15 → 127
  if (mantissa === 0) return sign; // ±0
  let floatExponent = 113; // subnormal mantissa·2⁻²⁴: shift until the implicit bit appears
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    floatExponent -= 1;
  }
  return sign | (floatExponent << 23) | ((mantissa & 0x3ff) << 13);
}
