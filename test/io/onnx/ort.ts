// @file Test helpers: run an ONNX model in ONNX Runtime (onnxruntime-node) and check it with onnx.checker when Python has onnx.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Tensor } from '../../../src/index.js';

/** Runs `bytes` in ONNX Runtime (CPU) on one input and returns the first output's values and dims. */
export async function runInOrt(
  bytes: Uint8Array,
  input: Tensor,
  inputName = 'input',
): Promise<{ data: number[]; dims: number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const data = input.dataSync();
  const feed =
    input.dtype === 'int32'
      ? new ort.Tensor('int32', data as Int32Array, [...input.shape])
      : input.dtype === 'float64'
        ? new ort.Tensor('float64', data as Float64Array, [...input.shape])
        : new ort.Tensor('float32', data as Float32Array, [...input.shape]);
  const result = await session.run({ [inputName]: feed });
  const out = result[session.outputNames[0]!]!;
  return { data: Array.from(out.data as Float32Array, Number), dims: [...out.dims] };
}

const PYTHON = '/usr/bin/python3';
let onnxAvailable: boolean | null = null;

/** Whether /usr/bin/python3 can import onnx (apt-get install python3-onnx); prints a notice once when not. */
export function pythonHasOnnx(): boolean {
  if (onnxAvailable === null) {
    onnxAvailable = spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;
    if (!onnxAvailable)
      console.warn('onnx.checker tests skipped: /usr/bin/python3 has no onnx (apt-get install python3-onnx)');
  }
  return onnxAvailable;
}

/** Runs onnx.checker.check_model(full_check=True) on each model; returns '' when all pass, else the error text. */
export function onnxCheck(models: Record<string, Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'neurite-onnx-'));
  try {
    const files = Object.entries(models).map(([name, bytes]) => {
      const file = join(dir, `${name}.onnx`);
      writeFileSync(file, bytes);
      return file;
    });
    const script =
      'import onnx, sys\nfor f in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(f), full_check=True)\n';
    const result = spawnSync(PYTHON, ['-c', script, ...files], { encoding: 'utf8' });
    return result.status === 0 ? '' : result.stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The largest absolute difference between two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(Number(a[i]) - Number(b[i])));
  return worst;
}
