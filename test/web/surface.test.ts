// Unit tests of the loss-surface view's worker-side computations (web/src/surface.ts), in Node: surface values
// against the loss computed directly, paths against the optimizer run by hand.
import { describe, expect, it } from 'vitest';
import { Tensor, noGrad, optim, tensor } from '../../src/index.js';
import { defaultSettings, type Settings } from '../../web/src/settings.js';
import {
  buildProblem,
  cellCentre,
  descend,
  surfaceFromQuery,
  surfaceGrid,
  surfaceToQuery,
  weightChoices,
  type WeightRef,
} from '../../web/src/surface.js';
import { Trainer, buildModel } from '../../web/src/trainer.js';

function settings(patch: Partial<Settings>): Settings {
  return { ...defaultSettings(), ...patch };
}

/** The training loss of a copy of the trainer's model with two scalars set to a and b (eval mode). */
function directLoss(trainer: Trainer, refs: readonly WeightRef[], a: number, b: number): number {
  const model = buildModel(trainer.settings, trainer.classes);
  model.loadStateDict(trainer.model.stateDict());
  model.eval();
  const params = new Map(model.namedParameters());
  params.get(refs[0]!.param)!.storage[refs[0]!.index] = a;
  params.get(refs[1]!.param)!.storage[refs[1]!.index] = b;
  const { x, target, loss } = trainer.sliceSource();
  return noGrad(() => loss(model.forward(x), target).item());
}

describe('loss surface grid', () => {
  it('a test function: the grid holds f at the cell centres, row 0 at the top', async () => {
    const { fn } = buildProblem({ surface: 'bowl' }, null as never);
    const size = 8;
    const values = await surfaceGrid(fn, size);
    expect(values).toHaveLength(size * size);
    for (const [row, col] of [
      [0, 0],
      [0, 7],
      [3, 5],
      [7, 2],
    ] as const) {
      const x = cellCentre(fn.xRange, size, col);
      const y = cellCentre(fn.yRange, size, size - 1 - row);
      expect(values[row * size + col]).toBeCloseTo(0.5 * x * x + y * y, 5);
    }
  });

  it('two weights of a network (hidden layers, dropout): the grid equals the loss computed directly', async () => {
    const trainer = new Trainer(
      settings({
        dataset: 'spiral',
        points: 100,
        hidden: [
          { units: 4, activation: 'tanh' },
          { units: 3, activation: 'relu' },
        ],
        dropout: 0.1,
      }),
    );
    await trainer.trainEpoch();
    // Children: 0 Linear, 1 Tanh, 2 Dropout, 3 Linear, 4 ReLU, 5 Dropout, 6 Linear.
    const refs: [WeightRef, WeightRef] = [
      { param: '3.weight', index: 2 },
      { param: '6.bias', index: 0 },
    ];
    const { fn, axisNames } = buildProblem({ surface: 'network', weights: refs }, trainer.sliceSource());
    expect(axisNames).toEqual(['3.weight[0, 2]', '6.bias[0]']);
    const params = new Map(trainer.model.namedParameters());
    const start = [params.get('3.weight')!.storage[2]!, params.get('6.bias')!.storage[0]!];
    expect(fn.start).toEqual(start);
    expect(fn.xRange[0] + fn.xRange[1]).toBeCloseTo(2 * start[0]!, 6);

    const size = 6;
    const values = await surfaceGrid(fn, size);
    for (const [row, col] of [
      [0, 0],
      [2, 4],
      [5, 1],
      [5, 5],
    ] as const) {
      const a = Math.fround(cellCentre(fn.xRange, size, col));
      const b = Math.fround(cellCentre(fn.yRange, size, size - 1 - row));
      expect(values[row * size + col]).toBeCloseTo(directLoss(trainer, refs, a, b), 5);
    }
    // The slice keeps the weights it was taken at: training on does not move it.
    const before = fn.f(tensor(start[0]!), tensor(start[1]!)).item();
    await trainer.trainEpoch();
    expect(fn.f(tensor(start[0]!), tensor(start[1]!)).item()).toBe(before);
  });

  it('offers every scalar of the network under its state-dict key', () => {
    for (const dropout of [0, 0.2]) {
      const s = settings({
        features: ['x1', 'x2', 'x1x2'],
        hidden: [
          { units: 3, activation: 'relu' },
          { units: 2, activation: 'tanh' },
        ],
        dropout,
      });
      const model = buildModel(s, 3);
      const choices = weightChoices(3, [3, 2], dropout > 0, 3);
      const expected = model
        .namedParameters()
        .flatMap(([name, p]) => Array.from({ length: p.numel() }, (_, index) => `${name}:${index}`));
      expect(choices.map((c) => `${c.ref.param}:${c.ref.index}`).sort()).toEqual(expected.sort());
    }
  });
});

describe('descent paths', () => {
  it('equal the optimizer run by hand on the test function', async () => {
    const cases = [
      {
        surface: 'valley',
        optimizer: 'adam',
        lr: 0.1,
        make: (p: Tensor[]) => new optim.Adam(p, { lr: 0.1 }),
      },
      {
        surface: 'localMinima',
        optimizer: 'momentum',
        lr: 0.1,
        make: (p: Tensor[]) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 }),
      },
      {
        surface: 'saddle',
        optimizer: 'adadelta',
        lr: 3,
        make: (p: Tensor[]) => new optim.Adadelta(p, { lr: 3 }),
      },
    ] as const;
    for (const c of cases) {
      const { fn } = buildProblem({ surface: c.surface }, null as never);
      const start: [number, number] = [0.5, -0.7];
      const path = await descend(fn, c.optimizer, c.lr, start, 40);
      const x = tensor(start[0], { requiresGrad: true });
      const y = tensor(start[1], { requiresGrad: true });
      const opt = c.make([x, y]);
      for (let step = 0; step <= 40; step++) {
        opt.zeroGrad();
        const loss = fn.f(x, y);
        expect([path.points[2 * step], path.points[2 * step + 1]]).toEqual([x.item(), y.item()]);
        expect(path.losses[step]).toBe(loss.item());
        loss.backward();
        opt.step();
      }
      expect(path.diverged).toBe(false);
    }
  });

  it('on two weights of the perceptron: equal Adam on the real model with only those two gradients kept', async () => {
    const trainer = new Trainer(settings({ dataset: 'pass', hidden: [], noise: 20 }));
    const refs: [WeightRef, WeightRef] = [
      { param: '0.weight', index: 1 },
      { param: '0.bias', index: 0 },
    ];
    const { fn } = buildProblem({ surface: 'network', weights: refs }, trainer.sliceSource());
    const steps = 30;
    const path = await descend(fn, 'adam', 0.05, fn.start, steps);

    const model = buildModel(trainer.settings, trainer.classes);
    model.loadStateDict(trainer.model.stateDict());
    model.eval();
    const params = new Map(model.namedParameters());
    const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
    const { x, target, loss } = trainer.sliceSource();
    const untouched = Float32Array.from(params.get('0.weight')!.storage);
    for (let step = 0; step <= steps; step++) {
      const a = params.get('0.weight')!.storage[1]!;
      const b = params.get('0.bias')!.storage[0]!;
      expect(path.points[2 * step]).toBeCloseTo(a, 6);
      expect(path.points[2 * step + 1]).toBeCloseTo(b, 6);
      opt.zeroGrad();
      const value = loss(model.forward(x), target);
      expect(path.losses[step]).toBeCloseTo(value.item(), 6);
      value.backward();
      // Keep only the two chosen entries' gradients: Adam then leaves every other parameter where it is.
      for (const [name, p] of params) {
        const grad = p.grad!.storage;
        for (let i = 0; i < grad.length; i++) {
          if (!refs.some((r) => r.param === name && r.index === i)) grad[i] = 0;
        }
      }
      opt.step();
    }
    expect(params.get('0.weight')!.storage[0]).toBe(untouched[0]);
    expect(path.losses[steps]).toBeLessThan(path.losses[0]!);
  });

  it('a diverging run stops at the first non-finite point and says so', async () => {
    const { fn } = buildProblem({ surface: 'valley' }, null as never);
    const path = await descend(fn, 'sgd', 0.1, fn.start, 300);
    expect(path.diverged).toBe(true);
    expect(path.losses.length).toBeLessThan(301);
    expect(Number.isFinite(path.losses[path.losses.length - 1])).toBe(false);
  });
});

describe('the view in the URL', () => {
  it('round-trips the surface and the network weights, and stays out of the URL while hidden', () => {
    const network = {
      shown: true,
      surface: 'network' as const,
      weights: [
        { param: '0.weight', index: 1 },
        { param: '4.bias', index: 0 },
      ] as [WeightRef, WeightRef],
    };
    expect(surfaceToQuery(network)).toBe('view=surface&surface=network&sw=0.weight_1%7E4.bias_0');
    expect(surfaceFromQuery(`data=pass&${surfaceToQuery(network)}`)).toEqual(network);
    const valley = { shown: true, surface: 'valley' as const, weights: null };
    expect(surfaceFromQuery(surfaceToQuery(valley))).toEqual(valley);
    expect(surfaceToQuery({ ...valley, shown: false })).toBe('');
    expect(surfaceFromQuery('view=surface&surface=nope&sw=0.weight_x~1.bias_2')).toEqual({
      shown: true,
      surface: 'network',
      weights: null,
    });
  });
});
