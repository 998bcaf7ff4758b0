// @file The bench's single-op ratios compare numbers timed side by side, and its single-op targets read them.
import { describe, expect, it } from 'vitest';
import type { OpCase } from '../../bench/ops.js';
import { checkOpTargets, opRatio, type Outcomes } from '../../bench/report.js';

const timing = (bestMs: number) => ({ bestMs, medianMs: bestMs, calls: 10 });

/** An add whose phase-1 time drifted slow while the phase-2 one, beside tfjs-wasm, did not. */
const drifted: Outcomes = {
  js: timing(3.2),
  wasm: timing(0.24),
  'tfjs-cpu': timing(20),
  'tfjs-wasm': timing(0.19),
  'js, detached': timing(3.3),
  'wasm, detached': timing(0.18),
};

const row = (name: string, outcomes: Outcomes) => ({ op: { name } as OpCase, outcomes });

describe('bench single-op ratios', () => {
  it('divides tfjs-wasm by neurite in phase 2 and tfjs-cpu by neurite in phase 1', () => {
    expect(opRatio(drifted, 'tfjs-wasm')).toBeCloseTo(0.19 / 0.18, 12);
    expect(opRatio(drifted, 'tfjs-cpu')).toBeCloseTo(20 / 0.24, 12);
  });

  it('is null when either side did not run', () => {
    expect(opRatio({ ...drifted, 'tfjs-wasm': { error: 'no kernel' } }, 'tfjs-wasm')).toBeNull();
    expect(opRatio({ 'tfjs-wasm': timing(1) }, 'tfjs-wasm')).toBeNull();
  });

  it('checks each 1000×1000 target as a time ratio with its 1.2× bound', () => {
    const results = checkOpTargets([
      row('add [1000,1000]+[1000,1000]', drifted),
      row('relu [1000,1000]', { 'tfjs-wasm': timing(0.1), 'wasm, detached': timing(0.125) }),
    ]);
    expect(results.map((r) => r.op)).toEqual(['add [1000,1000]+[1000,1000]', 'relu [1000,1000]']);
    expect(results[0]!.timeRatio).toBeCloseTo(0.18 / 0.19, 12);
    expect(results[0]!.met).toBe(true);
    expect(results[1]!.timeRatio).toBeCloseTo(1.25, 12);
    expect(results[1]!.met).toBe(false);
  });
});
