// @file Loads and replays (with vitest) the module cases of test/fixtures/attention.json; building and running them is in runners/attention.ts.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { nn, noGrad, randn, type Tensor } from '../../src/index.js';
import { decode, expectClose } from '../helpers/golden.js';
import { runAttentionCase, type AttentionModuleCase } from './runners/attention.js';

export type { AttentionModuleCase } from './runners/attention.js';

const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'attention.json');

export function loadAttentionModules(): AttentionModuleCase[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { modules: AttentionModuleCase[] }).modules;
}

/** Replays one case on the active backend and asserts every comparison (vitest). */
export function replayModuleCase(c: AttentionModuleCase): void {
  const checks = { decode, fail: (message: string) => expect.fail(message) };
  for (const { actual, expected, what, tol } of runAttentionCase(c, checks))
    expectClose(actual, expected, what, tol);
}

/**
 * Compares every parameter entry's gradient of L = Σ forward()·g (fixed random g) with central differences in
 * float64; returns how many entries were checked.
 */
export function checkParameterGradients(module: nn.Module<never[], unknown>, forward: () => Tensor): number {
  const upstream = noGrad(() => randn(forward().shape, { dtype: 'float64' }));
  const loss = (): number => noGrad(() => forward().mul(upstream).sum().item());
  module.zeroGrad();
  forward().mul(upstream).sum().backward();
  let checked = 0;
  for (const [name, p] of module.namedParameters()) {
    for (let i = 0; i < p.numel(); i++) {
      const original = p.storage[i]!;
      p.storage[i] = original + 1e-6;
      const plus = loss();
      p.storage[i] = original - 1e-6;
      const minus = loss();
      p.storage[i] = original;
      const numeric = (plus - minus) / 2e-6;
      const analytic = p.grad!.storage[i]!;
      if (!(Math.abs(analytic - numeric) <= 1e-5 + 1e-3 * Math.abs(numeric))) {
        expect.fail(`${name}[${i}]: analytic ${analytic}, numeric ${numeric}`);
      }
      checked++;
    }
  }
  return checked;
}
