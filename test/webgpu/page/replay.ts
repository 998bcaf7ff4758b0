// @file Golden replay inside the page: each fixture case on the active backend, read with await t.data(), compared without vitest.
import { tensor, type DType, type Tensor } from '../../../src/index.js';
import type { Encoded, GoldenCase, RunResult, Runner } from '../../helpers/golden.js';

/** One case's outcome: passed, failed (with the first mismatches), or refused for want of a GPU kernel. */
export interface CaseResult {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'no-gpu-kernel';
  readonly detail: string;
}

function decodeNumber(v: number | string): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v as number;
}

/** Builds a tensor on the active backend from a fixture entry. */
export function decode(e: Encoded, requiresGrad = false): Tensor {
  const data = e.data.map(decodeNumber);
  const arrays: Record<DType, () => ArrayLike<number>> = {
    float64: () => new Float64Array(data),
    int32: () => new Int32Array(data),
    bool: () => new Uint8Array(data),
    float32: () => new Float32Array(data),
  };
  return tensor(arrays[e.dtype]() as Float32Array, { shape: e.shape, dtype: e.dtype, requiresGrad });
}

/**
 * The project's tolerances (float32 rtol 1e-4, atol 1e-5). Float64 tensors compute in f32 on the GPU, so they
 * get the float32 tolerance here instead of 1e-7.
 */
const TOLERANCE = { rtol: 1e-4, atol: 1e-5 };

/** Reads `actual` with `await t.data()` and lists up to three mismatches against `expected`. */
export async function compare(
  actual: Tensor,
  expected: Encoded,
  what: string,
  tol: { rtol: number; atol: number } = TOLERANCE,
): Promise<string[]> {
  if (actual.dtype !== expected.dtype) return [`${what}: dtype ${actual.dtype}, expected ${expected.dtype}`];
  if (actual.shape.join() !== expected.shape.join()) {
    return [`${what}: shape [${actual.shape.join(', ')}], expected [${expected.shape.join(', ')}]`];
  }
  const data = await actual.data();
  const problems: string[] = [];
  for (let i = 0; i < expected.data.length && problems.length < 3; i++) {
    const e = decodeNumber(expected.data[i]!);
    const a = data[i]!;
    const ok = Number.isFinite(e)
      ? Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e)
      : Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e));
    if (!ok) problems.push(`${what}[${i}]: expected ${e}, got ${a}`);
  }
  return problems;
}

function outputsOf(result: RunResult): Tensor[] {
  if (Array.isArray(result)) return [...(result as readonly Tensor[])];
  if ('values' in result && 'indices' in result) return [result.values, result.indices];
  return [result as Tensor];
}

async function replayCase(c: GoldenCase, run: Runner): Promise<string[]> {
  const inputs = c.inputs.map((e) => decode(e, e.requiresGrad));
  const outputs = outputsOf(run(inputs, c.params));
  const problems: string[] = [];
  if (outputs.length < c.outputs.length)
    problems.push(`${outputs.length} outputs, expected ${c.outputs.length}`);
  for (let i = 0; i < c.outputs.length && i < outputs.length; i++) {
    problems.push(...(await compare(outputs[i]!, c.outputs[i]!, `output ${i}`)));
  }
  if (c.gradOutput && c.grads) {
    outputs[0]!.backward(decode(c.gradOutput));
    for (let i = 0; i < c.grads.length; i++) {
      const expected = c.grads[i];
      if (!expected) continue;
      const grad = inputs[i]!.grad;
      if (grad === null) problems.push(`grad of input ${i}: null`);
      else problems.push(...(await compare(grad, expected, `grad of input ${i}`)));
    }
  }
  return problems;
}

/**
 * Replays every case of a fixture with `runners` (the op is the case name before '/'). A NeuriteError saying a
 * kernel has no GPU version yet is reported as such, with the kernel's name, so the Node side can check it
 * names a kernel that really has none.
 */
export async function replayFixture(
  cases: readonly GoldenCase[],
  runners: Record<string, Runner>,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const run = runners[c.name.split('/')[0]!];
    if (!run) {
      results.push({ name: c.name, status: 'fail', detail: 'no runner for this case' });
      continue;
    }
    try {
      const problems = await replayCase(c, run);
      results.push({ name: c.name, status: problems.length ? 'fail' : 'pass', detail: problems.join('; ') });
    } catch (error) {
      results.push(thrownResult(c.name, error));
    }
  }
  return results;
}

/** A case that threw: refused for want of a GPU kernel (naming the kernel), or failed. */
export function thrownResult(name: string, error: unknown): CaseResult {
  const message = error instanceof Error ? error.message : String(error);
  const missing = /^(\w+): webgpu: no GPU kernel yet for (\w+)/.exec(message);
  return {
    name,
    status: missing ? 'no-gpu-kernel' : 'fail',
    detail: missing ? missing[2]! : `threw ${message}`,
  };
}

/**
 * Runs named cases that report through `GoldenChecks`-style callbacks (`close` reads with `await t.data()`),
 * collecting each case's mismatches into a CaseResult.
 */
export async function replayChecked<C>(
  cases: readonly C[],
  nameOf: (c: C) => string,
  run: (
    c: C,
    close: (a: Tensor, e: Encoded, what: string) => Promise<void>,
    fail: (m: string) => void,
  ) => Promise<void>,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const problems: string[] = [];
    const close = async (a: Tensor, e: Encoded, what: string): Promise<void> => {
      problems.push(...(await compare(a, e, what)));
    };
    try {
      await run(c, close, (m) => problems.push(m));
      results.push({
        name: nameOf(c),
        status: problems.length ? 'fail' : 'pass',
        detail: problems.join('; '),
      });
    } catch (error) {
      results.push(thrownResult(nameOf(c), error));
    }
  }
  return results;
}
