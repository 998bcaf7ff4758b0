// @file One contract every optimizer class must keep: deterministic resume from a state dict, descent (or ascent
// with maximize) on a quadratic, PyTorch's defaults and its constructor errors.
import { describe, expect, it } from 'vitest';
import { ValueError, manualSeed, nn, noGrad, optim, randn, tensor, type Tensor } from '../../src/index.js';
import { Mlp, loadOptimFixture, makeOptimizer, optimizers } from './fixture.js';

type Name = keyof typeof optimizers;
const names = Object.keys(optimizers) as Name[];
const fixture = loadOptimFixture();

/** Options that make every code path of each optimizer run (momentum, amsgrad, centred, decay…). */
const richOptions: Record<Name, Record<string, unknown>> = {
  SGD: { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 },
  Adam: { lr: 0.01, amsgrad: true, weightDecay: 0.01 },
  AdamW: { lr: 0.01, amsgrad: true },
  Adagrad: { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 },
  Adadelta: { weightDecay: 0.01 },
  RMSprop: { lr: 0.01, momentum: 0.5, centered: true },
};

const pytorchDefaults: Record<Name, Record<string, unknown>> = {
  SGD: { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
  Adam: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
  AdamW: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false },
  Adagrad: { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false },
  Adadelta: { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false },
  RMSprop: {
    lr: 1e-2,
    alpha: 0.99,
    eps: 1e-8,
    weightDecay: 0,
    momentum: 0,
    centered: false,
    maximize: false,
  },
};

function trainStep(opt: optim.Optimizer, mlp: Mlp): void {
  opt.zeroGrad();
  mlp.loss().backward();
  opt.step();
}

function cloneParams(from: Mlp, to: Mlp): void {
  noGrad(() => from.params.forEach((p, i) => to.params[i]!.copy_(p)));
}

function expectSameStateDicts(a: optim.OptimizerStateDict, b: optim.OptimizerStateDict): void {
  expect(optim.stateDictToJSON(a)).toEqual(optim.stateDictToJSON(b));
}

describe.each(names)('%s keeps the optimizer contract', (name) => {
  it("has PyTorch's defaults", () => {
    const opt = makeOptimizer(name, [tensor([1, 2], { requiresGrad: true })]);
    expect(opt.defaults).toEqual(pytorchDefaults[name]);
    const { params, ...group } = opt.paramGroups[0]!;
    expect(params.length).toBe(1);
    expect(group).toEqual(pytorchDefaults[name]);
  });

  it('resumes bit-identically from a state dict (test_state_dict_deterministic)', () => {
    const a = new Mlp(fixture.model);
    const optA = makeOptimizer(name, a.params, richOptions[name]);
    for (let i = 0; i < 10; i++) trainStep(optA, a);
    const b = new Mlp(fixture.model);
    cloneParams(a, b);
    const optB = makeOptimizer(name, b.params, richOptions[name]);
    optB.loadStateDict(optA.stateDict());
    const c = new Mlp(fixture.model); // the same, resumed through JSON text
    cloneParams(a, c);
    const optC = makeOptimizer(name, c.params);
    optC.loadStateDict(
      optim.stateDictFromJSON(JSON.parse(JSON.stringify(optim.stateDictToJSON(optA.stateDict())))),
    );
    for (let i = 0; i < 10; i++) {
      trainStep(optA, a);
      trainStep(optB, b);
      trainStep(optC, c);
      a.params.forEach((p, j) => {
        expect(b.params[j]!.dataSync(), `step ${i}, param ${j}`).toEqual(p.dataSync());
        expect(c.params[j]!.dataSync(), `step ${i}, param ${j} (JSON)`).toEqual(p.dataSync());
      });
    }
    expectSameStateDicts(optB.stateDict(), optA.stateDict());
    expectSameStateDicts(optC.stateDict(), optA.stateDict());
  });

  it('takes a snapshot: the state dict does not change as training goes on, nor does loading alias it', () => {
    const mlp = new Mlp(fixture.model);
    const opt = makeOptimizer(name, mlp.params, richOptions[name]);
    trainStep(opt, mlp);
    const snapshot = opt.stateDict();
    const frozen = JSON.stringify(optim.stateDictToJSON(snapshot));
    trainStep(opt, mlp);
    expect(JSON.stringify(optim.stateDictToJSON(snapshot))).toBe(frozen);
    opt.loadStateDict(snapshot);
    trainStep(opt, mlp);
    expect(JSON.stringify(optim.stateDictToJSON(snapshot))).toBe(frozen);
  });

  for (const maximize of [false, true]) {
    it(`${maximize ? 'increases' : 'decreases'} a quadratic loss${maximize ? ' with maximize' : ''} (test_forloop_goes_right_direction)`, () => {
      manualSeed(7);
      const weight = new nn.Parameter(randn([10, 5]));
      const bias = new nn.Parameter(randn([10]));
      const input = randn([5]);
      const lossOf = (): Tensor => weight.matmul(input).add(bias).pow(2).sum();
      const options = { ...richOptions[name], maximize };
      const opt = makeOptimizer(name, [weight, bias], options);
      const initial = lossOf().item();
      for (let i = 0; i < 20; i++) {
        opt.zeroGrad();
        lossOf().backward();
        opt.step();
      }
      const final = lossOf().item();
      if (maximize) expect(final).toBeGreaterThan(initial);
      else expect(final).toBeLessThan(initial);
    });
  }

  it("rejects invalid options with PyTorch's messages", () => {
    const p = [tensor([1, 2], { requiresGrad: true })];
    const make = (options: Record<string, unknown>) => () => makeOptimizer(name, p, options);
    expect(make({ lr: -1 })).toThrow(ValueError);
    expect(make({ lr: -1 })).toThrow(`${name}: Invalid learning rate: -1`);
    expect(make({ weightDecay: -1 })).toThrow('Invalid weight_decay value: -1');
    if (name !== 'SGD') expect(make({ eps: -1e-8 })).toThrow('Invalid epsilon value: -1e-08');
    expect(() => makeOptimizer(name, [])).toThrow('optimizer got an empty parameter list');
    // A group's own options are checked too (PyTorch checks only the defaults).
    expect(() => makeOptimizer(name, [{ params: p, lr: -0.5 }])).toThrow('Invalid learning rate: -0.5');
  });

  it('rejects unknown options (in its options and in param groups), naming the closest known key', () => {
    const p = [tensor([1, 2], { requiresGrad: true })];
    const make = (options: unknown) => () => makeOptimizer(name, p, options as Record<string, unknown>);
    expect(make({ weight_decay: 0.1 })).toThrow(ValueError);
    expect(make({ weight_decay: 0.1 })).toThrow(
      `${name}: unknown option 'weight_decay' (did you mean 'weightDecay'?)`,
    );
    expect(make({ lR: 0.1 })).toThrow(`${name}: unknown option 'lR' (did you mean 'lr'?)`);
    expect(make({ foo: 1 })).toThrow(
      `${name}: unknown option 'foo' (expected one of ${Object.keys(pytorchDefaults[name]).join(', ')})`,
    );
    expect(make(null)).toThrow(`${name}: options must be an object, got null`);
    expect(() => makeOptimizer(name, [{ params: p, weight_decay: 0.1 }])).toThrow(
      `${name}: unknown option 'weight_decay' (did you mean 'weightDecay'?)`,
    );
    const opt = makeOptimizer(name, p);
    expect(() => opt.addParamGroup({ params: [tensor([3], { requiresGrad: true })], Lr: 1 })).toThrow(
      `${name}: unknown option 'Lr' (did you mean 'lr'?)`,
    );
    expect(opt.paramGroups.length).toBe(1);
  });

  it('refuses a state dict that is not one with a NeuriteError', () => {
    const opt = makeOptimizer(name, [tensor([1, 2], { requiresGrad: true })]);
    for (const bad of [null, undefined, 'state', 3]) {
      expect(() => opt.loadStateDict(bad as unknown as optim.OptimizerStateDict)).toThrow(ValueError);
    }
    expect(() => opt.loadStateDict(null as unknown as optim.OptimizerStateDict)).toThrow(
      `${name}: loadStateDict expects a state dict ({ state, param_groups }), got null`,
    );
  });

  it('skips parameters without a gradient, and keeps the parameter dtype for float64', () => {
    const used = tensor([1, -2, 3], { dtype: 'float64', requiresGrad: true });
    const unused = tensor([5, 6], { dtype: 'float64', requiresGrad: true });
    const opt = makeOptimizer(name, [used, unused], richOptions[name]);
    used.mul(used).sum().backward();
    opt.step();
    expect(unused.toArray()).toEqual([5, 6]);
    expect(opt.state.has(unused)).toBe(false);
    expect(used.toArray()).not.toEqual([1, -2, 3]);
    for (const value of Object.values(opt.state.get(used)!)) {
      if (typeof value === 'object') expect(value.dtype).toBe('float64');
    }
  });
});

describe('optimizer-specific constructor errors', () => {
  const p = () => [tensor([1, 2], { requiresGrad: true })];
  it('Adam and AdamW check betas', () => {
    for (const Cls of [optim.Adam, optim.AdamW]) {
      expect(() => new Cls(p(), { betas: [1.5, 0.999] })).toThrow('Invalid beta parameter at index 0: 1.5');
      expect(() => new Cls(p(), { betas: [0.9, 1] })).toThrow('Invalid beta parameter at index 1: 1');
      expect(() => new Cls(p(), { betas: [-0.1, 0.9] })).toThrow('Invalid beta parameter at index 0: -0.1');
    }
  });
  it('SGD checks momentum and Nesterov', () => {
    expect(() => new optim.SGD(p(), { momentum: -1 })).toThrow('Invalid momentum value: -1');
    const nesterov = 'Nesterov momentum requires a momentum and zero dampening';
    expect(() => new optim.SGD(p(), { nesterov: true })).toThrow(nesterov);
    expect(() => new optim.SGD(p(), { nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(nesterov);
    expect(() => new optim.SGD(p(), { nesterov: true, momentum: 0.9 })).not.toThrow();
  });
  it('Adagrad, Adadelta and RMSprop check their own options', () => {
    expect(() => new optim.Adagrad(p(), { lrDecay: -1 })).toThrow('Invalid lr_decay value: -1');
    expect(() => new optim.Adagrad(p(), { initialAccumulatorValue: -1 })).toThrow(
      'Invalid initial_accumulator_value value: -1',
    );
    expect(() => new optim.Adadelta(p(), { rho: 1.5 })).toThrow('Invalid rho value: 1.5');
    expect(() => new optim.RMSprop(p(), { alpha: -1 })).toThrow('Invalid alpha value: -1');
    expect(() => new optim.RMSprop(p(), { momentum: -1 })).toThrow('Invalid momentum value: -1');
  });
});

describe('every lr scheduler rejects unknown options, naming the closest known key', () => {
  const optimizer = () => new optim.SGD([tensor([1, 2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
  type Make = (opt: optim.Optimizer, options: Record<string, unknown>) => unknown;
  const S = optim.lrScheduler;
  const cases: [string, Make, Record<string, unknown>, string, string][] = [
    ['StepLR', (o, x) => new S.StepLR(o, x as never), { stepSize: 2 }, 'step_size', 'stepSize'],
    ['MultiStepLR', (o, x) => new S.MultiStepLR(o, x as never), { milestones: [2] }, 'gama', 'gamma'],
    [
      'ExponentialLR',
      (o, x) => new S.ExponentialLR(o, x as never),
      { gamma: 0.9 },
      'last_epoch',
      'lastEpoch',
    ],
    ['CosineAnnealingLR', (o, x) => new S.CosineAnnealingLR(o, x as never), { tMax: 5 }, 'eta_min', 'etaMin'],
    ['LinearLR', (o, x) => new S.LinearLR(o, x as never), {}, 'total_iters', 'totalIters'],
    [
      'OneCycleLR',
      (o, x) => new S.OneCycleLR(o, x as never),
      { maxLr: 1, totalSteps: 10 },
      'max_momentum',
      'maxMomentum',
    ],
    ['ReduceLROnPlateau', (o, x) => new S.ReduceLROnPlateau(o, x as never), {}, 'patients', 'patience'],
    [
      'SequentialLR',
      (o, x) => new S.SequentialLR(o, { schedulers: [new S.StepLR(o, { stepSize: 2 })], ...x } as never),
      { milestones: [] },
      'milestone',
      'milestones',
    ],
  ];
  it('covers every scheduler class', () => {
    const classes = Object.entries(S)
      .filter(
        ([, value]) => typeof value === 'function' && value !== S.LRScheduler && value !== S.SchedulerBase,
      )
      .map(([key]) => key);
    expect(cases.map(([scheduler]) => scheduler).sort()).toEqual(classes.sort());
  });
  for (const [scheduler, make, valid, typo, known] of cases) {
    it(`${scheduler}: '${typo}' → '${known}'`, () => {
      expect(() => make(optimizer(), valid)).not.toThrow();
      expect(() => make(optimizer(), { ...valid, [typo]: 1 })).toThrow(ValueError);
      expect(() => make(optimizer(), { ...valid, [typo]: 1 })).toThrow(
        `${scheduler}: unknown option '${typo}' (did you mean '${known}'?)`,
      );
    });
  }
});
