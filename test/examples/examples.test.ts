// @file The runnable examples run as written (through tsx, importing 'neurite' like a user) and learn.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

function runExample(name: string): string {
  return execFileSync(tsx, [join(root, 'examples', name)], { cwd: root, encoding: 'utf8', timeout: 120_000 });
}

describe('examples', () => {
  it("design-example.ts (DESIGN.md's example) trains pass-the-class to over 85% accuracy", () => {
    const out = runExample('design-example.ts');
    expect(out).toContain('(0): Linear(in_features=2, out_features=3, bias=True)');
    const accuracy = Number(/training accuracy: ([\d.]+)%/.exec(out)![1]);
    expect(accuracy).toBeGreaterThan(85);
  });

  it('autograd.ts lowers its hand-written loss', () => {
    const out = runExample('autograd.ts');
    const losses = [...out.matchAll(/step \d+: loss ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(losses).toHaveLength(4);
    expect(losses[3]!).toBeLessThan(losses[0]! / 10);
  });
});
