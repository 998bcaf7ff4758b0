// @file Test helper: re-seal a run directory after a test edits its files by hand (new sizes and SHA-256 in manifest.json).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Records the current size and SHA-256 of every file manifest.json lists, so that a deliberately edited run
 * (a NaN weight, an out-of-range config value) reaches the checks a test is about instead of the manifest's.
 */
export function reseal(dir: string): void {
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as {
    files: Record<string, { bytes: number; sha256: string }>;
  };
  for (const name of Object.keys(manifest.files)) {
    const bytes = readFileSync(join(dir, name));
    manifest.files[name] = {
      bytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  }
  writeFileSync(path, JSON.stringify(manifest, null, 2) + '\n');
}
