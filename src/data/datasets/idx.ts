// @file IDX arrays (MNIST, Fashion-MNIST) from bytes: a validating header and body parser, browser-safe.
import { FormatError } from '../../errors.js';

/** A parsed IDX array: its shape and its unsigned-byte elements. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

/** What an IDX header declares: the shape, where the elements start and how many bytes they take. */
export interface IdxHeader {
  shape: number[];
  /** Byte offset of the first element: 4 + 4·ndim. */
  dataOffset: number;
  /** Number of element bytes the shape needs: the product of its sizes. */
  dataLength: number;
}

/** The longest possible IDX header: 4 bytes of magic number and 255 dims of 4 bytes each. */
export const MAX_IDX_HEADER_BYTES = 4 + 4 * 255;

/**
 * Reads the header of IDX bytes (two zero bytes, a type byte — 0x08 = unsigned byte, the only type these
 * datasets use —, the number of dims, one big-endian u32 size per dim). `bytes` may hold only the beginning of
 * a file. Throws a FormatError naming `name` for a bad magic number, element type or a header cut short.
 */
export function parseIdxHeader(bytes: Uint8Array, name = 'IDX data'): IdxHeader {
  if (bytes.length < 4)
    throw new FormatError(
      'parseIdx',
      `${name} is ${bytes.length} bytes, shorter than the 4-byte IDX magic number`,
    );
  if (bytes[0] !== 0 || bytes[1] !== 0)
    throw new FormatError('parseIdx', `${name} does not start with the IDX magic bytes 00 00`);
  if (bytes[2] !== 0x08)
    throw new FormatError(
      'parseIdx',
      `${name} has element type 0x${bytes[2]!.toString(16)}; only unsigned bytes (0x08) are supported`,
    );
  const ndim = bytes[3]!;
  if (ndim === 0 || bytes.length < 4 + 4 * ndim)
    throw new FormatError('parseIdx', `${name} is too short for its ${ndim}-dim header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  return { shape, dataOffset: 4 + 4 * ndim, dataLength: shape.reduce((p, d) => p * d, 1) };
}

/**
 * Parses a whole IDX file's bytes (LeCun's MNIST format): the header, then exactly as many element bytes as
 * the shape needs, in row-major order. Anything else throws a FormatError saying what is wrong. The elements
 * are a view on `bytes`, not a copy.
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxArray {
  const { shape, dataOffset, dataLength } = parseIdxHeader(bytes, name);
  if (bytes.length - dataOffset !== dataLength) {
    throw new FormatError(
      'parseIdx',
      `${name}: header shape [${shape.join(', ')}] needs ${dataLength} bytes of data, the file has ${bytes.length - dataOffset}`,
    );
  }
  return { shape, data: bytes.subarray(dataOffset) };
}
