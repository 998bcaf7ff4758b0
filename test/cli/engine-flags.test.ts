// @file The command line's engine flags: a process that imports the CLI (a test runner) keeps its WebAssembly features.
import { describe, expect, it } from 'vitest';
import { enableRelaxedSimd } from '../../src/cli/engine-flags.js';
import { probeFeatures } from '../../src/backend/wasm/probe.js';

describe('enableRelaxedSimd', () => {
  it('sets no process-wide flag unless the process was started as the neurite command', () => {
    const before = probeFeatures();
    expect(enableRelaxedSimd()).toBe(false);
    expect(probeFeatures()).toEqual(before);
  });
});
