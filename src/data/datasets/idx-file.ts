// @file IDX files on disk (Node only), gzipped or not, inflated no further than their header declares.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { FormatError, ValueError } from '../../errors.js';
import { MAX_IDX_HEADER_BYTES, parseIdx, parseIdxHeader, type IdxArray, type IdxHeader } from './idx.js';

/** Largest IDX file read by default, compressed or inflated: 1 GiB (Fashion-MNIST's training images: 47 MB). */
export const MAX_IDX_BYTES = 2 ** 30;

export interface ReadIdxOptions {
  /** Refuse files whose header declares (or whose size is) more bytes than this; default MAX_IDX_BYTES. */
  maxBytes?: number;
}

/**
 * Reads an IDX file, gunzipping it when its name ends in .gz. Sizes are checked before memory is allocated:
 * the header is read (or inflated from the first compressed bytes) first, and the whole file is then inflated
 * with zlib's `maxOutputLength` set to the size the header declares, so a gzip bomb stops at that size
 * instead of filling memory.
 *
 * @throws FormatError naming the file for a malformed header, a size that does not match the header, a file
 *   larger than `maxBytes`, or a broken gzip stream; the file system's error if the file cannot be opened.
 */
export function readIdx(path: string, options: ReadIdxOptions = {}): IdxArray {
  const maxBytes = options.maxBytes ?? MAX_IDX_BYTES;
  if (typeof maxBytes !== 'number' || !Number.isInteger(maxBytes) || maxBytes <= 0)
    throw new ValueError('readIdx', `maxBytes must be a positive integer, got ${String(maxBytes)}`);
  const raw = readRegular(path, maxBytes);
  if (!path.endsWith('.gz')) return parseIdx(raw, path);
  const header = parseIdxHeader(inflatePrefix(raw, path), path);
  const declared = checkDeclared(header, maxBytes, path);
  let inflated: Buffer;
  try {
    inflated = zlib.gunzipSync(raw, { maxOutputLength: declared });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new FormatError(
        'readIdx',
        `${path} inflates to more than the ${declared} bytes its header declares (shape [${header.shape.join(', ')}]); stopped there`,
      );
    }
    throw new FormatError('readIdx', `${path} is not a valid gzip file (${(error as Error).message})`);
  }
  return parseIdx(new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength), path);
}

/** The bytes of a regular file of at most `maxBytes`; a plain IDX file's size is checked against its header first. */
function readRegular(path: string, maxBytes: number): Uint8Array {
  const fd = fs.openSync(path, 'r');
  try {
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) throw new FormatError('readIdx', `${path} is not a regular file`);
    if (stats.size > maxBytes)
      throw new FormatError('readIdx', `${path} is ${stats.size} bytes, more than the limit of ${maxBytes}`);
    if (!path.endsWith('.gz')) {
      const head = readAt(fd, 0, Math.min(stats.size, MAX_IDX_HEADER_BYTES), path);
      const header = parseIdxHeader(head, path);
      if (stats.size !== header.dataOffset + header.dataLength) {
        throw new FormatError(
          'readIdx',
          `${path}: header shape [${header.shape.join(', ')}] needs ${header.dataLength} bytes of data, the file has ${stats.size - header.dataOffset}`,
        );
      }
    }
    return readAt(fd, 0, stats.size, path);
  } finally {
    fs.closeSync(fd);
  }
}

function readAt(fd: number, position: number, length: number, path: string): Uint8Array {
  const buffer = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const count = fs.readSync(fd, buffer, done, length - done, position + done);
    if (count === 0)
      throw new FormatError('readIdx', `${path} ended at byte ${position + done} while being read`);
    done += count;
  }
  return buffer;
}

/**
 * Inflates just enough of a gzip stream to hold an IDX header. Deflate expands at most ~1032×, so a prefix of
 * k compressed bytes yields at most ~1 KB·k: the prefix doubles from 64 bytes until the header is complete.
 */
function inflatePrefix(raw: Uint8Array, path: string): Uint8Array {
  for (let take = 64; ; take *= 2) {
    const prefix = raw.subarray(0, Math.min(take, raw.length));
    let out: Buffer;
    try {
      out = zlib.gunzipSync(prefix, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch (error) {
      throw new FormatError('readIdx', `${path} is not a valid gzip file (${(error as Error).message})`);
    }
    const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    const complete = bytes.length >= 4 && bytes.length >= 4 + 4 * bytes[3]!;
    if (complete || prefix.length === raw.length) return bytes;
  }
}

/** The total inflated size the header declares, refused when it is beyond `maxBytes`. */
function checkDeclared(header: IdxHeader, maxBytes: number, path: string): number {
  const declared = header.dataOffset + header.dataLength;
  if (declared > maxBytes) {
    throw new FormatError(
      'readIdx',
      `${path}: header shape [${header.shape.join(', ')}] declares ${declared} bytes, more than the limit of ${maxBytes}`,
    );
  }
  return declared;
}
