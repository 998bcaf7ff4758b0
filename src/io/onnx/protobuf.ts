// @file A minimal protocol-buffers wire codec (varints, length-delimited fields, fixed32/64) for ONNX files.
import { FormatError } from '../../errors.js';

/** Wire types of the protobuf encoding. */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

const textEncoder = new TextEncoder();

/**
 * Appends protobuf fields to a growing byte buffer. Integers are written as varints (negative int64 values as
 * ten bytes, as protobuf does), strings as UTF-8, nested messages as length-delimited bytes.
 */
export class ProtoWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buffer[this.length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buffer[this.length++] = Number(v);
  }

  private tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** An int32/int64/enum/bool field. */
  int(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  /** A float field (fixed32, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.reserve(4);
    new DataView(this.buffer.buffer).setFloat32(this.length, value, true);
    this.length += 4;
    return this;
  }

  /** A bytes field. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_BYTES);
    this.varint(value.length);
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  /** A nested message field. */
  message(field: number, write: (writer: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** One decoded field: its number, wire type and value (a number or bigint for varints, bytes for the rest). */
export interface ProtoField {
  field: number;
  wireType: number;
  /** Varints as bigint (int64 needs all 64 bits). */
  varint: bigint;
  /** Length-delimited and fixed-width payloads (a view into the input, no copy). */
  bytes: Uint8Array;
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the fields of one message from `bytes`, checking every length against the bytes that remain, so a
 * truncated or hostile buffer gives a FormatError naming `what` (and never reads past the end or loops).
 */
export function readFields(bytes: Uint8Array, what: string): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  const fail = (reason: string): never => {
    throw new FormatError('importOnnx', `${what}: ${reason} at byte ${pos} of ${bytes.length}`);
  };
  const readVarint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= bytes.length) fail('truncated varint');
      const byte = bytes[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    return fail('varint longer than 10 bytes');
  };
  while (pos < bytes.length) {
    const key = readVarint();
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (field === 0 || field > 536_870_911) fail(`invalid field number ${field}`);
    if (wireType === WIRE_VARINT) {
      fields.push({ field, wireType, varint: readVarint(), bytes: EMPTY });
    } else if (wireType === WIRE_BYTES || wireType === WIRE_FIXED32 || wireType === WIRE_FIXED64) {
      const size = wireType === WIRE_BYTES ? readVarint() : BigInt(wireType === WIRE_FIXED32 ? 4 : 8);
      if (size > BigInt(bytes.length - pos)) {
        fail(`field ${field} claims ${size} bytes but only ${bytes.length - pos} remain`);
      }
      const end = pos + Number(size);
      fields.push({ field, wireType, varint: 0n, bytes: bytes.subarray(pos, end) });
      pos = end;
    } else {
      fail(`unsupported wire type ${wireType} (field ${field})`);
    }
  }
  return fields;
}

const EMPTY = new Uint8Array(0);

/** A varint field as a safe integer (int64 values beyond ±2⁵³ are a FormatError naming `what`). */
export function toSafeInt(value: bigint, what: string): number {
  const signed = BigInt.asIntN(64, value);
  if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new FormatError('importOnnx', `${what}: integer ${signed} is out of range`);
  }
  return Number(signed);
}

/** A string field's UTF-8 text (invalid UTF-8 is a FormatError naming `what`). */
export function toText(bytes: Uint8Array, what: string): string {
  try {
    return textDecoder.decode(bytes);
  } catch {
    throw new FormatError('importOnnx', `${what}: invalid UTF-8 text`);
  }
}

/**
 * The integers of a repeated int field, which writers encode either as one varint per field or as a packed
 * run of varints in one length-delimited field.
 */
export function repeatedInts(field: ProtoField, what: string): number[] {
  if (field.wireType === WIRE_VARINT) return [toSafeInt(field.varint, what)];
  if (field.wireType !== WIRE_BYTES) throw new FormatError('importOnnx', `${what}: expected integers`);
  const out: number[] = [];
  const bytes = field.bytes;
  let pos = 0;
  while (pos < bytes.length) {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= bytes.length || shift >= 70n) {
        throw new FormatError('importOnnx', `${what}: truncated packed integers`);
      }
      const byte = bytes[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if ((byte & 0x80) === 0) break;
    }
    out.push(toSafeInt(BigInt.asUintN(64, result), what));
  }
  return out;
}

/** The floats of a repeated float field (one fixed32 per field, or packed). */
export function repeatedFloats(field: ProtoField, what: string): number[] {
  if (field.wireType !== WIRE_FIXED32 && field.wireType !== WIRE_BYTES) {
    throw new FormatError('importOnnx', `${what}: expected floats`);
  }
  if (field.bytes.length % 4 !== 0)
    throw new FormatError('importOnnx', `${what}: packed floats not a multiple of 4 bytes`);
  const view = new DataView(field.bytes.buffer, field.bytes.byteOffset, field.bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i < field.bytes.length; i += 4) out.push(view.getFloat32(i, true));
  return out;
}
