// @file Compares a differential replay with PyTorch's values, or two backends' replays with each other, as messages.
import type { DType, Tensor } from '../../src/index.js';
import { tolerances as projectTolerances, type Encoded } from '../helpers/golden.js';
import { decodeNumber, type Program, type Replay } from './program.js';

/** Values as plain numbers, for a tensor or a fixture entry. */
interface Values {
  shape: readonly number[];
  dtype: DType;
  data: ArrayLike<number>;
}

const fromTensor = (t: Tensor): Values => ({ shape: t.shape, dtype: t.dtype, data: t.storage });
const fromEncoded = (e: Encoded): Values => ({
  shape: e.shape,
  dtype: e.dtype,
  data: e.data.map(decodeNumber),
});

/**
 * The tolerance for values of `dtype`: the project's (float32 rtol 1e-4, atol 1e-5; float64 1e-7), except in
 * programs whose every float value is float64 (`strict`), where float64 is held to rtol 1e-10, atol 1e-12. Those
 * programs have no float32 rounding anywhere, the generator drops any whose PyTorch result moves by a tenth of
 * that under a 1e-14 relative perturbation of the inputs, and float64 ops agree to a few ulps (~1e-15); what
 * the strict bound catches is float64 computed with float32 constants or approximations (a float32 erf in
 * GELU is off by ~1e-8, a leakyRelu slope rounded to float32 by ~2e-10), which the project's 1e-7 lets pass.
 * scripts/fixtures/differential.py applies the same rule.
 */
export function tolerance(dtype: DType, strict: boolean): { rtol: number; atol: number } {
  return strict && dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : projectTolerances(dtype);
}

/** Whether every float input and output of `program` is float64 (see `tolerance`). */
export function isStrict(program: Program): boolean {
  const values: { dtype: DType }[] = [...program.inputs, ...(program.outputs ?? [])];
  return values.every((v) => v.dtype !== 'float32');
}

/** At most this many differing elements are listed per tensor. */
const MAX_LISTED = 3;

/**
 * Differences between `actual` and `expected` as messages (none: they agree). Shapes and dtypes must be equal;
 * elements must satisfy |a − e| ≤ atol + rtol·|e| with the expected dtype's tolerances; NaN matches only NaN
 * and ±Inf only itself.
 */
export function differences(actual: Values, expected: Values, what: string, strict: boolean): string[] {
  const shape = (s: readonly number[]): string => `[${s.join(', ')}]`;
  if (shape(actual.shape) !== shape(expected.shape))
    return [`${what}: shape ${shape(actual.shape)}, expected ${shape(expected.shape)}`];
  const problems: string[] = [];
  if (actual.dtype !== expected.dtype)
    problems.push(`${what}: dtype ${actual.dtype}, expected ${expected.dtype}`);
  const { rtol, atol } = tolerance(expected.dtype, strict);
  let differing = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i]!;
    const a = actual.data[i]!;
    const ok = Number.isFinite(e)
      ? Math.abs(a - e) <= atol + rtol * Math.abs(e)
      : Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e));
    if (ok) continue;
    differing++;
    if (differing <= MAX_LISTED) problems.push(`${what}[${i}]: ${a}, expected ${e}`);
  }
  if (differing > MAX_LISTED) problems.push(`${what}: ${differing - MAX_LISTED} more elements differ`);
  return problems;
}

/** How `replay` differs from the program's PyTorch outputs and gradients. */
export function differencesFromPyTorch(replay: Replay, program: Program): string[] {
  const problems: string[] = [];
  const strict = isStrict(program);
  const expected = program.outputs ?? [];
  if (replay.outputs.length !== expected.length)
    problems.push(`${replay.outputs.length} op outputs, expected ${expected.length}`);
  expected.forEach((e, i) => {
    const a = replay.outputs[i];
    if (a) problems.push(...differences(fromTensor(a), fromEncoded(e), `output ${i}`, strict));
  });
  (program.grads ?? []).forEach((e, i) => {
    const a = replay.grads[i];
    if (e && a) problems.push(...differences(fromTensor(a), fromEncoded(e), `grad of input ${i}`, strict));
  });
  return problems;
}

/** How two backends' replays of `program` differ (`other` is compared against `reference`). */
export function differencesBetween(other: Replay, reference: Replay, program: Program): string[] {
  const problems: string[] = [];
  const strict = isStrict(program);
  if (other.outputs.length !== reference.outputs.length)
    problems.push(`${other.outputs.length} op outputs, against ${reference.outputs.length}`);
  reference.outputs.forEach((r, i) => {
    const o = other.outputs[i];
    if (o) problems.push(...differences(fromTensor(o), fromTensor(r), `output ${i}`, strict));
  });
  reference.grads.forEach((r, i) => {
    const o = other.grads[i];
    if (r && o) problems.push(...differences(fromTensor(o), fromTensor(r), `grad of input ${i}`, strict));
  });
  return problems;
}
