// @file Text files (Node only): read a UTF-8 file with a size check and decode it strictly (decodeText).
import { readFileSync, statSync } from 'node:fs';
import { FormatError } from '../../errors.js';
import { decodeText } from './text.js';

/** Largest text file read: 64 MiB (its input and target windows take 8 bytes per character). */
export const MAX_TEXT_BYTES = 64 * 1024 * 1024;

/**
 * The characters of a UTF-8 text file. A FormatError names the file when it is not a regular file, is larger
 * than MAX_TEXT_BYTES, is empty or holds bytes that are not UTF-8.
 */
export function readTextFile(path: string): string {
  const stat = statSync(path);
  if (!stat.isFile()) throw new FormatError(path, 'is not a regular file');
  if (stat.size > MAX_TEXT_BYTES) {
    throw new FormatError(
      path,
      `is ${(stat.size / 2 ** 20).toFixed(0)} MiB; text files up to ${MAX_TEXT_BYTES / 2 ** 20} MiB are read`,
    );
  }
  return decodeText(readFileSync(path), path);
}
