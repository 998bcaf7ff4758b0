// @file Helpers for the io tests: hand-made safetensors files, an independent reader, error assertions.
import { expect } from 'vitest';
import { FormatError } from '../../src/errors.js';
import type { TypedArray } from '../../src/tensor/dtype.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** A safetensors file from a header (JSON text or a value to stringify) and a data buffer, unpadded. */
export function craft(
  header: string | object,
  data: Uint8Array | number[] = new Uint8Array(0),
  headerLength?: bigint,
): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** The bytes of a typed array's elements (little-endian hosts), as hex. */
export function hexOf(data: TypedArray): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex');
}

/** Runs `fn` and checks that it throws a FormatError whose message matches `pattern`. */
export function expectFormatError(fn: () => unknown, pattern?: RegExp): FormatError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a FormatError, nothing was thrown').toBeInstanceOf(FormatError);
  if (pattern) expect((caught as Error).message).toMatch(pattern);
  return caught as FormatError;
}

/** Builds a tensor around exactly this storage (no copy, so NaN payloads survive). */
export function raw(storage: TypedArray, shape: number[] = [storage.length]): Tensor {
  return new Tensor(storage, shape);
}

export interface ReadTensor {
  dtype: string;
  shape: number[];
  values: number[];
}

/**
 * A minimal, independent safetensors reader written from the spec with DataView (no code shared with
 * src/io): header length and text, tensor names in data order, metadata, each tensor's values.
 */
export function readIndependently(bytes: Uint8Array): {
  headerLength: number;
  headerText: string;
  order: string[];
  metadata: Record<string, string> | undefined;
  tensors: Record<string, ReadTensor>;
} {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  const headerText = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
  const header = JSON.parse(headerText) as Record<string, unknown>;
  const dataStart = 8 + headerLength;
  const tensors: Record<string, ReadTensor> = {};
  const order: string[] = [];
  const sizes: Record<string, number> = { F64: 8, F32: 4, I32: 4, BOOL: 1 };
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    order.push(name);
    const info = value as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const [begin, end] = info.data_offsets;
    const size = sizes[info.dtype]!;
    const values: number[] = [];
    for (let at = dataStart + begin; at < dataStart + end; at += size) {
      if (info.dtype === 'F64') values.push(view.getFloat64(at, true));
      else if (info.dtype === 'F32') values.push(view.getFloat32(at, true));
      else if (info.dtype === 'I32') values.push(view.getInt32(at, true));
      else values.push(view.getUint8(at));
    }
    tensors[name] = { dtype: info.dtype, shape: info.shape, values };
  }
  order.sort((a, b) => {
    const offsets = (name: string) => (header[name] as { data_offsets: [number, number] }).data_offsets;
    return offsets(a)[0] - offsets(b)[0] || offsets(a)[1] - offsets(b)[1];
  });
  return {
    headerLength,
    headerText,
    order,
    metadata: header.__metadata__ as Record<string, string> | undefined,
    tensors,
  };
}
