// @file The runnable examples run as written (through tsx, importing 'neurite' like a user) and learn.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

function runExample(name: string, env: Record<string, string> = {}, cwd = root): string {
  return execFileSync(tsx, ['--tsconfig', join(root, 'tsconfig.json'), join(root, 'examples', name)], {
    cwd,
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, ...env },
  });
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

  it.skipIf(!existsSync('/usr/share/datasets/fashion-mnist'))(
    "quickstart.ts (PyTorch's Quickstart) trains on a Fashion-MNIST subset, saves, reloads and predicts",
    () => {
      const cwd = mkdtempSync(join(tmpdir(), 'neurite-quickstart-'));
      try {
        const out = runExample('quickstart.ts', { QUICKSTART_SUBSET: '6000', QUICKSTART_EPOCHS: '2' }, cwd);
        expect(out).toContain('Shape of X [N, C, H, W]: [64, 1, 28, 28]\nShape of y: [64] int32');
        expect(out).toContain('(4): Linear(in_features=512, out_features=10, bias=True)');
        const tests = [...out.matchAll(/Accuracy: ([\d.]+)%, Avg loss: +([\d.]+)/g)].map((m) => ({
          accuracy: Number(m[1]),
          loss: Number(m[2]),
        }));
        expect(tests).toHaveLength(2);
        // SGD with lr 1e-3 learns slowly (PyTorch's run reaches ~65% after 5 full epochs): the test loss falls
        // from ln 10 ≈ 2.303 and the accuracy is above chance (10%).
        expect(tests[1]!.loss).toBeLessThan(tests[0]!.loss);
        expect(tests[0]!.loss).toBeLessThan(Math.log(10));
        expect(tests[1]!.accuracy).toBeGreaterThan(12);
        expect(out).toContain('Saved Model State to model.safetensors');
        expect(existsSync(join(cwd, 'model.safetensors'))).toBe(true);
        // The first test image of Fashion-MNIST is an ankle boot.
        expect(out).toMatch(/Predicted: "[^"]+", Actual: "Ankle boot"/);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    },
  );
});
