// @file Node file I/O for safetensors: io.save with atomic replacement, io.load reading only what it validated.
// Namespace imports: a browser bundle that pulls in the io barrel gets stubs that fail only when called.
import * as buffer from 'node:buffer';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type { StateDict } from '../nn/module.js';
import { defineEntry, failure, parseHeader, readHeaderLength, type Fail, type Metadata } from './header.js';
import { decodeTensor, encodeParts, type SafetensorsContent } from './safetensors.js';

export interface SaveOptions {
  /** String → string pairs stored as the file's `__metadata__` (e.g. `{ format: 'pt' }`). */
  metadata?: Metadata;
}

/**
 * Saves a state dict as a safetensors file (safetensors.torch.save_file), e.g.
 * `io.save(model.stateDict(), 'model.safetensors', { metadata: { epoch: '10' } })`.
 *
 * Every check runs before the file system is touched, and the write is atomic: the bytes go to a temporary
 * file in the same directory, are fsynced, and the temporary file is renamed over `path`. A crash or an error
 * never leaves a half-written model; an existing file is replaced only on success (keeping its permissions).
 *
 * @throws ValueError for a non-tensor value, a reserved name or non-string metadata (nothing is written);
 *   the file system's error if the directory is not writable.
 */
export function save(stateDict: StateDict, path: string, options: SaveOptions = {}): void {
  writeFileAtomic(path, encodeParts('io.save', stateDict, options.metadata));
}

/** The largest file `load` reads unless told otherwise: 4 GiB, also the longest typed array Node 20 allocates. */
export const DEFAULT_MAX_LOAD_BYTES = 2 ** 32;

export interface LoadOptions {
  /** Refuse files larger than this many bytes before reading them (default 4 GiB). */
  maxBytes?: number;
}

/**
 * Loads a safetensors file written by neurite, PyTorch (safetensors.torch.save_file) or any other writer
 * (safetensors.torch.load_file): `model.loadStateDict(io.load('model.safetensors').tensors)`.
 *
 * The path must name a regular file (a FIFO or device is refused before it is opened, so nothing blocks) of at
 * most `maxBytes` bytes (4 GiB by default: a sparse 10 GB file is refused by its size, not read). The header is
 * read and validated first; then each tensor's bytes are read straight into its own storage, so memory stays
 * proportional to the tensors, never to what a corrupt header claims. I64 tensors become int32 (values must
 * fit), F16/BF16 tensors become float32.
 *
 * @throws FormatError (naming the file) for a malformed, unsupported, non-regular or too large file; the file
 *   system's error if it cannot be opened.
 */
export function load(path: string, options: LoadOptions = {}): SafetensorsContent {
  const fail = failure('io.load', path);
  const fd = openRegularFile(path, fail);
  try {
    const fileSize = checkedSize(fd, options.maxBytes ?? DEFAULT_MAX_LOAD_BYTES, fail);
    const headerLength = readHeaderLength(readAt(fd, 0, Math.min(8, fileSize), fail), fileSize, fail);
    const header = parseHeader(readAt(fd, 8, headerLength, fail), fileSize, fail);
    const tensors: StateDict = {};
    for (const entry of header.entries) {
      if (entry.end - entry.begin > buffer.constants.MAX_LENGTH) {
        fail(
          `tensor "${entry.name}" holds ${entry.end - entry.begin} bytes, more than the largest array ` +
            `this JavaScript engine allocates (${buffer.constants.MAX_LENGTH} bytes)`,
        );
      }
    }
    for (const entry of header.entries) {
      const raw = readAt(fd, header.dataStart + entry.begin, entry.end - entry.begin, fail);
      defineEntry(tensors, entry.name, decodeTensor(entry, raw, fail, true));
    }
    return { tensors, metadata: header.metadata };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads a whole regular file of at most `maxBytes` bytes; FIFOs, devices and directories are refused before
 * they are opened (opening a FIFO for reading would block until a writer appears).
 *
 * @param tooLarge the message for a file above `maxBytes` (default: its size and the limit).
 * @throws through `fail` for a non-regular or too large file; the file system's error if it cannot be opened.
 */
export function readRegularFile(
  path: string,
  maxBytes: number,
  fail: Fail,
  tooLarge?: (size: number) => string,
): Uint8Array {
  const fd = openRegularFile(path, fail);
  try {
    return readAt(fd, 0, checkedSize(fd, maxBytes, fail, tooLarge), fail);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Opens `path` for reading after checking that it is a regular file. O_NONBLOCK makes the open return at once
 * even if the path was swapped for a FIFO in between (on a regular file it changes nothing); fstat then checks
 * what was actually opened.
 */
function openRegularFile(path: string, fail: Fail): number {
  refuseIrregular(fs.statSync(path), fail);
  const fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    refuseIrregular(fs.fstatSync(fd), fail);
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
  return fd;
}

function refuseIrregular(stats: fs.Stats, fail: Fail): void {
  if (stats.isFile()) return;
  const kind = stats.isDirectory()
    ? 'a directory'
    : stats.isFIFO()
      ? 'a FIFO (named pipe)'
      : stats.isSocket()
        ? 'a socket'
        : stats.isCharacterDevice() || stats.isBlockDevice()
          ? 'a device'
          : 'a special file';
  fail(`not a regular file but ${kind}`);
}

/** The file's size, refused above `maxBytes` before anything is allocated. */
function checkedSize(fd: number, maxBytes: number, fail: Fail, tooLarge?: (size: number) => string): number {
  const size = fs.fstatSync(fd).size;
  if (size > maxBytes && tooLarge) fail(tooLarge(size));
  if (size > maxBytes) {
    fail(
      `the file is ${size} bytes (${(size / 2 ** 30).toFixed(2)} GiB), above the limit of ${maxBytes} bytes; ` +
        'refusing to read it (io.load(path, { maxBytes }) raises the limit)',
    );
  }
  return size;
}

/** Reads exactly `length` bytes at `position` into a fresh buffer. */
function readAt(fd: number, position: number, length: number, fail: Fail): Uint8Array {
  const buffer = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const count = fs.readSync(fd, buffer, done, Math.min(length - done, 0x40000000), position + done);
    if (count === 0) fail(`the file ended at byte ${position + done}; it changed while being read`);
    done += count;
  }
  return buffer;
}

/**
 * Writes `chunks` to `path` atomically: temporary file in the same directory, fsync, rename over `path`, then
 * a best-effort fsync of the directory so that the rename itself is durable. On any error the temporary file
 * is removed and `path` is left as it was.
 */
export function writeFileAtomic(path: string, chunks: readonly Uint8Array[]): void {
  const temporary = nodePath.join(
    nodePath.dirname(path),
    `.${nodePath.basename(path)}.${crypto.randomBytes(6).toString('hex')}.tmp`,
  );
  const fd = fs.openSync(temporary, 'wx');
  try {
    try {
      for (const chunk of chunks) {
        let done = 0;
        while (done < chunk.byteLength) done += fs.writeSync(fd, chunk, done, chunk.byteLength - done);
      }
      const existingMode = modeOf(path);
      if (existingMode !== undefined) fs.chmodSync(temporary, existingMode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, path);
  } catch (error) {
    try {
      fs.unlinkSync(temporary);
    } catch {
      // already gone
    }
    throw error;
  }
  syncDirectory(nodePath.dirname(path));
}

function modeOf(path: string): number | undefined {
  try {
    const stats = fs.statSync(path);
    return stats.isFile() ? stats.mode & 0o7777 : undefined;
  } catch {
    return undefined;
  }
}

function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(directory, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename has happened regardless.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
