// @file The 2-D test functions and runOptimizerOnFunction: paths of every optimizer equal torch.optim's (test/fixtures/descent.json).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValueError, optim, tensor, viz, type Tensor } from '../../../src/index.js';
import {
  TEST_FUNCTIONS,
  runOptimizerOnFunction,
  runOptimizerOnFunctionAsync,
} from '../../../src/viz/loss-surface/index.js';

interface DescentCase {
  name: string;
  function: keyof typeof TEST_FUNCTIONS;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'Adagrad' | 'Adadelta' | 'RMSprop';
  options: Record<string, unknown>;
  start: [number, number];
  points: [number, number][];
  losses: number[];
}

const fixture = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'descent.json'), 'utf8'),
) as { steps: number; cases: DescentCase[] };

/** float32 paths: relative 1e-4 with an absolute floor of 1e-5 (50 steps of float32 rounding, both sides). */
function expectPathClose(actual: number[], expected: number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    expect(Math.abs(a - e), `${what}[${i}]: ${a} vs ${e}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(e));
  });
}

describe('runOptimizerOnFunction equals torch.optim on every test function', () => {
  it('covers every function and optimizer class', () => {
    expect(new Set(fixture.cases.map((c) => c.function))).toEqual(new Set(Object.keys(TEST_FUNCTIONS)));
    expect(new Set(fixture.cases.map((c) => c.optimizer))).toEqual(
      new Set(['SGD', 'Adam', 'AdamW', 'Adagrad', 'Adadelta', 'RMSprop']),
    );
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const fn = TEST_FUNCTIONS[c.function];
      expect(fn.start).toEqual(c.start);
      const Optimizer = optim[c.optimizer] as new (params: Tensor[], options: object) => optim.Optimizer;
      const path = runOptimizerOnFunction(fn, (params) => new Optimizer(params, c.options), {
        steps: fixture.steps,
      });
      expect(path.diverged).toBe(false);
      expectPathClose(
        path.points.map((p) => p[0]),
        c.points.map((p) => p[0]),
        'x',
      );
      expectPathClose(
        path.points.map((p) => p[1]),
        c.points.map((p) => p[1]),
        'y',
      );
      expectPathClose(path.losses, c.losses, 'loss');
    });
  }

  it('a named optimizer is built with the given options (sgd with momentum = the SGD class)', () => {
    const c = fixture.cases.find((k) => k.name === 'localMinima/SGD/momentum')!;
    const path = runOptimizerOnFunction(TEST_FUNCTIONS.localMinima, 'sgd', {
      lr: c.options.lr as number,
      momentum: 0.9,
    });
    expectPathClose(path.losses, c.losses, 'loss');
  });
});

describe('the test functions', () => {
  it('viz.testFunctions is TEST_FUNCTIONS', () => {
    expect(viz.testFunctions).toBe(TEST_FUNCTIONS);
  });

  for (const fn of Object.values(TEST_FUNCTIONS)) {
    it(`${fn.name}: the listed minima are stationary points lower than their neighbourhood (float64)`, () => {
      for (const [mx, my] of fn.minima) {
        const x = tensor(mx, { dtype: 'float64', requiresGrad: true });
        const y = tensor(my, { dtype: 'float64', requiresGrad: true });
        const z = fn.f(x, y);
        z.backward();
        expect(Math.hypot(x.grad!.item(), y.grad!.item())).toBeLessThan(1e-4);
        for (const [dx, dy] of [
          [0.05, 0],
          [-0.05, 0],
          [0, 0.05],
          [0, -0.05],
        ] as const)
          expect(fn.f(tensor(mx + dx), tensor(my + dy)).item()).toBeGreaterThan(z.item());
      }
      // The global minimum is listed first.
      const values = fn.minima.map(([mx, my]) => fn.f(tensor(mx), tensor(my)).item());
      expect(Math.min(...values)).toBe(values[0]);
    });

    it(`${fn.name}: f is elementwise on a grid and equals the scalar evaluation`, () => {
      const xs = [fn.xRange[0], 0.3, fn.xRange[1]];
      const ys = [fn.yRange[0], -0.7, fn.yRange[1]];
      const grid = fn.f(tensor(xs), tensor(ys)).toArray() as number[];
      xs.forEach((x, i) => expect(grid[i]).toBeCloseTo(fn.f(tensor(x), tensor(ys[i]!)).item(), 5));
    });
  }

  it('a diverging run stops at the first non-finite value and says so', () => {
    const path = runOptimizerOnFunction(TEST_FUNCTIONS.valley, 'sgd', { lr: 0.05, steps: 200 });
    expect(path.diverged).toBe(true);
    expect(path.points.length).toBeLessThan(201);
    expect(Number.isFinite(path.losses.at(-1)!)).toBe(false);
  });

  it('the async form (one read at the end) gives the same paths, divergence included', async () => {
    for (const c of fixture.cases) {
      const Optimizer = optim[c.optimizer] as new (params: Tensor[], options: object) => optim.Optimizer;
      const make = (params: Tensor[]): optim.Optimizer => new Optimizer(params, c.options);
      const fn = TEST_FUNCTIONS[c.function];
      const options = { steps: fixture.steps };
      expect(await runOptimizerOnFunctionAsync(fn, make, options), c.name).toEqual(
        runOptimizerOnFunction(fn, make, options),
      );
    }
    const diverging = await runOptimizerOnFunctionAsync(TEST_FUNCTIONS.valley, 'sgd', {
      lr: 0.05,
      steps: 200,
    });
    expect(diverging).toEqual(runOptimizerOnFunction(TEST_FUNCTIONS.valley, 'sgd', { lr: 0.05, steps: 200 }));
    expect(diverging.diverged).toBe(true);
    await expect(runOptimizerOnFunctionAsync(TEST_FUNCTIONS.bowl, 'sgd', { steps: 1.5 })).rejects.toThrow(
      /steps must be a non-negative integer, got 1.5/,
    );
  });

  it('refuses a bad step count, start or optimizer name', () => {
    expect(() => runOptimizerOnFunction(TEST_FUNCTIONS.bowl, 'sgd', { steps: -1 })).toThrow(ValueError);
    expect(() => runOptimizerOnFunction(TEST_FUNCTIONS.bowl, 'sgd', { start: [Number.NaN, 0] })).toThrow(
      /start must be two finite numbers/,
    );
    expect(() => runOptimizerOnFunction(TEST_FUNCTIONS.bowl, 'lbfgs' as 'sgd')).toThrow(
      /unknown optimizer 'lbfgs'/,
    );
  });
});
