// @file Replays PyTorch golden fixtures (test/fixtures/<family>.json) in neurite: forward values and gradients.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tensor, type DType, type Tensor } from '../../src/index.js';

export type Encoded = { shape: number[]; dtype: DType; data: (number | string)[] };
export type Params = Record<string, unknown>;
export interface GoldenCase {
  name: string;
  params: Params;
  inputs: (Encoded & { requiresGrad: boolean })[];
  outputs: Encoded[];
  gradOutput?: Encoded;
  grads?: (Encoded | null)[];
}

/** What a case runner may return: one tensor, several, or max/min's { values, indices }. */
export type RunResult = Tensor | readonly Tensor[] | { values: Tensor; indices: Tensor };
export type Runner = (inputs: Tensor[], params: Params) => RunResult;

const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export function loadFixture(family: string): GoldenCase[] {
  return (JSON.parse(readFileSync(join(fixtureDir, `${family}.json`), 'utf8')) as { cases: GoldenCase[] })
    .cases;
}

function decodeNumber(v: number | string): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v as number;
}

/** Builds a neurite tensor from a fixture entry. */
export function decode(e: Encoded, requiresGrad = false): Tensor {
  const data = e.data.map(decodeNumber);
  const flat =
    e.dtype === 'float64'
      ? new Float64Array(data)
      : e.dtype === 'int32'
        ? new Int32Array(data)
        : e.dtype === 'bool'
          ? new Uint8Array(data)
          : new Float32Array(data);
  return tensor(flat, { shape: e.shape, dtype: e.dtype, requiresGrad });
}

/** Tolerances of the project: float32 rtol 1e-4, atol 1e-5; float64 1e-7 both. */
export function tolerances(dtype: DType): { rtol: number; atol: number } {
  return dtype === 'float64' ? { rtol: 1e-7, atol: 1e-7 } : { rtol: 1e-4, atol: 1e-5 };
}

/** Asserts shape equality and |a − e| ≤ atol + rtol·|e| elementwise (NaN matches NaN, inf matches equal inf). */
export function expectClose(
  actual: Tensor,
  expected: Encoded,
  what: string,
  tol = tolerances(expected.dtype),
): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const data = actual.storage;
  for (let i = 0; i < expected.data.length; i++) {
    const e = decodeNumber(expected.data[i]!);
    const a = data[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      expect(
        Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)),
        `${what}[${i}]: expected ${e}, got ${a}`,
      ).toBe(true);
      continue;
    }
    const ok = Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
    if (!ok)
      expect.fail(
        `${what}[${i}] (flat): expected ${e}, got ${a} (|diff| ${Math.abs(a - e)}, rtol ${tol.rtol}, atol ${tol.atol})`,
      );
  }
}

function outputsOf(result: RunResult): Tensor[] {
  if (Array.isArray(result)) return [...(result as readonly Tensor[])];
  if ('values' in result && 'indices' in result) return [result.values, result.indices];
  return [result as Tensor];
}

/**
 * Declares one test per fixture case of `family`. The op is the part of the case name before '/', and
 * `runners[op]` computes it in neurite. Forward outputs are compared with PyTorch's; when the fixture has
 * gradients, the first output is back-propagated with the recorded upstream gradient and each input's
 * gradient is compared too. Every case must have a runner, so a new fixture cannot be skipped silently.
 */
export function goldenSuite(family: string, runners: Record<string, Runner>): void {
  const cases = loadFixture(family);
  describe(`${family} matches PyTorch`, () => {
    it('has a runner for every fixture case', () => {
      const missing = [...new Set(cases.map((c) => c.name.split('/')[0]!))].filter((op) => !(op in runners));
      expect(missing).toEqual([]);
    });
    for (const c of cases) {
      const op = c.name.split('/')[0]!;
      const run = runners[op];
      if (!run) continue;
      it(c.name, () => {
        const inputs = c.inputs.map((e) => decode(e, e.requiresGrad));
        const outputs = outputsOf(run(inputs, c.params));
        expect(outputs.length, 'number of outputs').toBeGreaterThanOrEqual(c.outputs.length);
        c.outputs.forEach((expected, i) => {
          expect(outputs[i]!.dtype, `output ${i} dtype`).toBe(expected.dtype);
          expectClose(outputs[i]!, expected, `output ${i}`);
        });
        if (c.gradOutput && c.grads) {
          outputs[0]!.backward(decode(c.gradOutput));
          c.grads.forEach((expected, i) => {
            if (expected === null) return;
            const grad = inputs[i]!.grad;
            expect(grad, `grad of input ${i}`).not.toBeNull();
            expectClose(grad!, expected, `grad of input ${i}`);
          });
        }
      });
    }
  });
}
