// @file Files written by neurite, checked in Python: by the `safetensors` package and by a torch-based reader.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as io from '../../src/node/io.js';
import { tensor, zeros } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { hexOf, raw } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'fixtures', 'safetensors.py');

function hasPythonModule(module: string): boolean {
  const result = spawnSync(PYTHON, ['-c', `import ${module}`], {
    cwd: tmpdir(),
    stdio: 'ignore',
    timeout: 60_000,
  });
  return result.status === 0;
}

const haveTorch = hasPythonModule('torch');
const haveSafetensors = haveTorch && hasPythonModule('safetensors.torch');

const FILE_DTYPE = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' } as const;

const dir = mkdtempSync(join(tmpdir(), 'neurite-io-py-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a file with neurite and its spec (what Python must find) next to it; returns both paths. */
function writeCase(name: string, dict: Record<string, Tensor>, metadata?: Record<string, string>): string[] {
  const path = join(dir, `${name}.safetensors`);
  io.save(dict, path, metadata ? { metadata } : {});
  const tensors = Object.fromEntries(
    Object.entries(dict).map(([key, t]) => [
      key,
      { dtype: FILE_DTYPE[t.dtype], shape: t.shape, hex: hexOf(t.storage) },
    ]),
  );
  const specPath = join(dir, `${name}.json`);
  writeFileSync(specPath, JSON.stringify({ metadata: metadata ?? {}, tensors, loadInto: 'mlp-2-3-1' }));
  return [path, specPath];
}

const cases: [string, string[]][] = [
  [
    'all-dtypes',
    writeCase(
      'all-dtypes',
      {
        '0.weight': tensor([0.1, -0.2, 0.3, 0.4, -0.5, 0.6], { shape: [3, 2] }),
        '0.bias': tensor([0, 1e-40, -0]),
        '2.weight': tensor([1, 2, 3], { shape: [1, 3] }),
        '2.bias': tensor([Infinity]),
        special: raw(
          new Float32Array(new Uint32Array([0x7fc00000, 0xff800000, 0x80000000, 0x7f7fffff]).buffer),
        ),
        double: tensor([Math.PI, -1e-310, NaN], { dtype: 'float64' }),
        ids: tensor(new Int32Array([-2147483648, 2147483647, 5])),
        mask: tensor([true, false, true, true], { shape: [2, 2] }),
        scalar: tensor(new Float32Array([7.25]), { shape: [] }),
        empty: zeros([0, 3]),
        'empty.int': zeros([2, 0], { dtype: 'int32' }),
        'ünïcödé ✓': tensor([1], { dtype: 'float64' }),
      },
      { format: 'pt', note: 'written by neurite ✓' },
    ),
  ],
  [
    'no-metadata',
    writeCase('no-metadata', {
      '0.weight': zeros([3, 2]),
      '0.bias': zeros([3]),
      '2.weight': zeros([1, 3]),
      '2.bias': zeros([1]),
    }),
  ],
];

function runCheck(reader: 'safetensors' | 'manual'): void {
  const files = cases.flatMap(([, paths]) => paths);
  const result = spawnSync(PYTHON, [SCRIPT, 'check', '--reader', reader, ...files], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
  for (const [name] of cases) expect(result.stdout).toContain(`ok: ${name}.safetensors`);
}

describe(`neurite-written files (${cases.map(([name]) => name).join(', ')}) in Python`, () => {
  it.skipIf(!haveSafetensors)('safetensors.torch.load_file reads the same tensors and metadata', () => {
    runCheck('safetensors');
  });
  it.skipIf(!haveTorch)('a torch reader finds the same bytes, the reference order and padding', () => {
    runCheck('manual');
  });
});
