// @file io.load refuses what it cannot read safely: FIFOs and devices at once, oversized (sparse) files by size.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as io from '../../src/node/io.js';
import { tensor } from '../../src/tensor/create.js';
import { craft, expectFormatError } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'neurite-io-limits-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A file whose header declares one F32 tensor of `bytes` bytes; the data is a hole (sparse), not written. */
function sparseSafetensors(path: string, bytes: number): void {
  const header = craft({ big: { dtype: 'F32', shape: [bytes / 4], data_offsets: [0, bytes] } });
  const fd = openSync(path, 'w');
  writeSync(fd, header);
  closeSync(fd);
  truncateSync(path, header.byteLength + bytes);
}

describe('io.load refuses non-regular files before opening them', () => {
  it('a FIFO named model.safetensors fails at once instead of blocking for a writer', () => {
    const fifo = join(dir, 'model.safetensors');
    execFileSync('mkfifo', [fifo]);
    expectFormatError(() => io.load(fifo), /io\.load: .*model\.safetensors: not a regular file but a FIFO/);
  });

  it('a directory and a character device are refused with what they are', () => {
    expectFormatError(() => io.load(dir), /not a regular file but a directory/);
    expectFormatError(() => io.load('/dev/zero'), /not a regular file but a device/);
  });

  it('a missing file is still the file system error', () => {
    expect(() => io.load(join(dir, 'nope.safetensors'))).toThrow(/ENOENT/);
  });
});

describe('io.load refuses oversized files before reading them whole', () => {
  it('a sparse 10 GB file with a valid header is refused by its size', () => {
    const path = join(dir, 'big.safetensors');
    sparseSafetensors(path, 10e9);
    expectFormatError(
      () => io.load(path),
      /big\.safetensors: the file is 100000000\d\d bytes \(9\.31 GiB\), above the limit of 4294967296 bytes/,
    );
  });

  it('with a raised limit, a tensor larger than the biggest typed array is refused by its header', () => {
    const path = join(dir, 'big.safetensors');
    sparseSafetensors(path, 10e9);
    expectFormatError(
      () => io.load(path, { maxBytes: 2 ** 40 }),
      /tensor "big" holds 10000000000 bytes, more than the largest array/,
    );
  });

  it('maxBytes applies to ordinary files too, and files under it load', () => {
    const path = join(dir, 'small.safetensors');
    io.save({ w: tensor([1, 2, 3]) }, path);
    expectFormatError(() => io.load(path, { maxBytes: 10 }), /above the limit of 10 bytes/);
    expect(Array.from(io.load(path).tensors.w!.storage)).toEqual([1, 2, 3]);
    expect(io.DEFAULT_MAX_LOAD_BYTES).toBe(2 ** 32);
  });
});
