// @file Differential test against PyTorch: random op programs replayed on the js and wasm backends.
/*
 * test/fixtures/differential.json (seed 14, 600 programs) and differential-7.json (seed 7, 400) hold small random
 * op programs (inputs with 0-d, size-1 and broadcast dims, float32/float64/int32/bool, edge values; 1–4 chained ops
 * with random arguments) and PyTorch 1.13's forward values and gradients for each (see
 * scripts/fixtures/differential.py, which also drops programs whose reference is ill-conditioned or depends on
 * whether PyTorch's CPU kernels take their SIMD or scalar loops). Every program is
 * replayed on the `js` backend and on the `wasm` backend with its size thresholds removed (NO_LIMITS), so that
 * even these tiny tensors run the wasm kernels instead of falling back to js; each replay is compared with
 * PyTorch (values, dtypes, shapes, gradients; the project's tolerances, float32 rtol 1e-4 atol 1e-5 and float64
 * 1e-7, with no per-op exception, except that programs whose every float value is float64 are held to rtol 1e-10,
 * atol 1e-12: see `tolerance` in compare.ts), and the two backends with each other. Programs that PyTorch rejects
 * must make neurite throw a NeuriteError.
 *
 * KNOWN_FAILURES lists the checks (`<program id>/<js|wasm|agree>`) that fail today, each with its reason: such a
 * check must keep failing (when a fix makes it pass, this test fails until the entry is removed), and any
 * other failing check fails the test.
 *
 * Regenerate the committed fixtures (same seeds, same programs, same ids):
 *     /usr/bin/python3 scripts/make_fixtures.py differential
 * A larger sweep, locally (not in CI; it replaces both fixtures, so KNOWN_FAILURES does not apply and every
 * failing check is reported):
 *     DIFFERENTIAL_SEED=7 DIFFERENTIAL_COUNT=4000 DIFFERENTIAL_OUT=/tmp/differential-7.json \
 *       /usr/bin/python3 scripts/make_fixtures.py differential
 *     NEURITE_DIFFERENTIAL_FIXTURE=/tmp/differential-7.json npx vitest run test/differential
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getBackend, registerBackend, setBackend } from '../../src/backend/index.js';
import { NO_LIMITS, probeFeatures, wasmBackendFrom } from '../../src/backend/wasm/index.js';
import { loadRuntime } from '../../src/backend/wasm/runtime.js';
import { NeuriteError } from '../../src/index.js';
import { differencesBetween, differencesFromPyTorch } from './compare.js';
import { RUNNERS, replay, type Program, type Replay } from './program.js';

/** The same reason for the `js` and `wasm` checks of each program: `{ id: reason }` → `{ 'id/js', 'id/wasm' }`. */
function onBothBackends(reasons: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(reasons).flatMap(([id, reason]) => [
      [`${id}/js`, reason],
      [`${id}/wasm`, reason],
    ]),
  );
}

/**
 * Checks that fail today, as `<program id>/<check>` → reason. Checks: `js` and `wasm` (the backend against
 * PyTorch), `agree` (wasm against js). Remove an entry when its fix lands (the test says which).
 */
const KNOWN_FAILURES: Record<string, string> = onBothBackends({});

/** The committed fixtures (seed 14, 600 programs; seed 7, 400), or the one NEURITE_DIFFERENTIAL_FIXTURE names. */
const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const sweepFixture = process.env['NEURITE_DIFFERENTIAL_FIXTURE'] || null;
const fixturePaths = sweepFixture
  ? [sweepFixture]
  : ['differential.json', 'differential-7.json'].map((name) => join(fixtureDir, name));
const programs = fixturePaths.flatMap(
  (path) => (JSON.parse(readFileSync(path, 'utf8')) as { programs: Program[] }).programs,
);

/** The wasm backend without size thresholds, registered under its own name: every float32 call runs in wasm. */
const WASM_UNLIMITED = 'wasm-unlimited';
const runtime = loadRuntime(probeFeatures(), { residentMinElements: 1 }); // every float32 array in linear memory
if (runtime) registerBackend({ ...wasmBackendFrom(runtime, NO_LIMITS), name: WASM_UNLIMITED });
const BACKENDS: Record<'js' | 'wasm', string> = { js: 'js', wasm: WASM_UNLIMITED };

type Outcome = { replay: Replay } | { error: unknown };
const outcomes = new Map<string, Outcome>();

/** The replay of `program` on `backend` (memoized: the agreement check reuses the PyTorch checks' replays). */
function outcomeOf(program: Program, backend: string): Outcome {
  const key = `${program.id}@${backend}`;
  let outcome = outcomes.get(key);
  if (!outcome) {
    const previous = getBackend();
    setBackend(backend);
    try {
      outcome = { replay: replay(program) };
    } catch (error) {
      outcome = { error };
    } finally {
      setBackend(previous);
    }
    outcomes.set(key, outcome);
  }
  return outcome;
}

const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);

/** Problems of `program` on `backend` against PyTorch (none: it matches). */
function againstPyTorch(program: Program, backend: string): string[] {
  const outcome = outcomeOf(program, backend);
  if (program.error !== undefined) {
    if ('replay' in outcome) return [`expected a NeuriteError (PyTorch: ${program.error}), but it ran`];
    return outcome.error instanceof NeuriteError
      ? []
      : [`expected a NeuriteError (PyTorch: ${program.error}), got ${describeError(outcome.error)}`];
  }
  return 'error' in outcome
    ? [`threw ${describeError(outcome.error)}`]
    : differencesFromPyTorch(outcome.replay, program);
}

/** Problems of the wasm replay against the js replay (both throwing counts as agreeing). */
function betweenBackends(program: Program): string[] {
  const js = outcomeOf(program, BACKENDS.js);
  const wasm = outcomeOf(program, BACKENDS.wasm);
  if ('replay' in js && 'replay' in wasm) return differencesBetween(wasm.replay, js.replay, program);
  if ('error' in js && 'error' in wasm) return [];
  return 'error' in js
    ? [`js threw ${describeError(js.error)}, wasm ran`]
    : [`wasm threw ${'error' in wasm ? describeError(wasm.error) : ''}, js ran`];
}

/** One test per program and check: it must pass, or, when listed in KNOWN_FAILURES, still fail. */
function checkEach(check: 'js' | 'wasm' | 'agree', problemsOf: (program: Program) => string[]): void {
  for (const program of programs) {
    const key = `${program.id}/${check}`;
    const known = KNOWN_FAILURES[key];
    const ops = program.ops.map((o) => o.op).join(' → ');
    it(`${key}: ${ops}`, () => {
      const problems = problemsOf(program);
      if (known === undefined) {
        expect(problems, `${key} (${ops})`).toEqual([]);
      } else {
        expect(
          problems.length,
          `${key} is in KNOWN_FAILURES (${known}) but passes now: remove it`,
        ).toBeGreaterThan(0);
      }
    });
  }
}

describe('differential programs', () => {
  it('has a runner for every op of the fixture', () => {
    const missing = [...new Set(programs.flatMap((p) => p.ops.map((o) => o.op)))].filter(
      (op) => !(op in RUNNERS),
    );
    expect(missing).toEqual([]);
  });
  it.skipIf(sweepFixture !== null)('lists only checks of programs in the fixture as known failures', () => {
    const ids = new Set(programs.map((p) => p.id));
    const stale = Object.keys(KNOWN_FAILURES).filter((key) => {
      const [id, check] = key.split('/');
      return !ids.has(id!) || !['js', 'wasm', 'agree'].includes(check!);
    });
    expect(stale).toEqual([]);
  });
});

describe('differential: js backend matches PyTorch', () => {
  checkEach('js', (program) => againstPyTorch(program, BACKENDS.js));
});

describe.skipIf(!runtime)('differential: wasm backend (no size thresholds) matches PyTorch', () => {
  checkEach('wasm', (program) => againstPyTorch(program, BACKENDS.wasm));
});

describe.skipIf(!runtime)('differential: wasm and js backends agree', () => {
  checkEach('agree', betweenBackends);
});
