// @file Every lr scheduler's sequence (and OneCycleLR's momentum) against PyTorch, state dicts and errors.
import { describe, expect, it } from 'vitest';
import { ValueError, nn, optim, tensor, zeros } from '../../src/index.js';
import { loadOptimFixture, type SchedulerRun, type SchedulerSpec } from './fixture.js';

const lrScheduler = optim.lrScheduler;
type Scheduler = optim.lrScheduler.LRScheduler | optim.lrScheduler.ReduceLROnPlateau;
const fixture = loadOptimFixture();

function makeOptimizer(name: SchedulerRun['optimizer']): optim.Optimizer {
  const groups = [
    { params: [new nn.Parameter(zeros([2]))], lr: 0.1 },
    { params: [new nn.Parameter(zeros([3]))], lr: 0.02 },
  ];
  if (name === 'SGD') return new optim.SGD(groups, { lr: 0.1, momentum: 0.9 });
  if (name === 'Adam') return new optim.Adam(groups);
  return new optim.RMSprop(groups, { momentum: 0.9 });
}

function build(opt: optim.Optimizer, spec: SchedulerSpec): Scheduler {
  if ('schedulers' in spec) {
    const schedulers = spec.schedulers.map((s) => build(opt, s) as optim.lrScheduler.LRScheduler);
    return new lrScheduler.SequentialLR(opt, { schedulers, milestones: spec.milestones });
  }
  const options = spec.options as never;
  switch (spec.type) {
    case 'StepLR':
      return new lrScheduler.StepLR(opt, options);
    case 'MultiStepLR':
      return new lrScheduler.MultiStepLR(opt, options);
    case 'ExponentialLR':
      return new lrScheduler.ExponentialLR(opt, options);
    case 'CosineAnnealingLR':
      return new lrScheduler.CosineAnnealingLR(opt, options);
    case 'LinearLR':
      return new lrScheduler.LinearLR(opt, options);
    case 'OneCycleLR':
      return new lrScheduler.OneCycleLR(opt, options);
    case 'ReduceLROnPlateau':
      return new lrScheduler.ReduceLROnPlateau(opt, options);
  }
  throw new Error(`no scheduler ${spec.type}`);
}

function momentumOf(group: optim.ParamGroup): number | null {
  if (Array.isArray(group.betas)) return group.betas[0] as number;
  return typeof group.momentum === 'number' ? group.momentum : null;
}

function expectSequence(actual: number[][], expected: (number | null)[][], what: string): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, step) =>
    row.forEach((v, g) => {
      const e = expected[step]![g]!;
      if (Math.abs(v - e) > 1e-12 * Math.abs(e) + 1e-15)
        expect.fail(`${what} of group ${g} at step ${step}: ${v} vs ${e}`);
    }),
  );
}

function replay(run: SchedulerRun, scheduler: Scheduler, opt: optim.Optimizer, from = 0) {
  const lrs: number[][] = [];
  const momenta: number[][] = [];
  for (let i = from; i < run.lrs.length - 1; i++) {
    opt.step();
    if (scheduler instanceof lrScheduler.ReduceLROnPlateau) scheduler.step(run.metrics![i]!);
    else scheduler.step();
    lrs.push(opt.paramGroups.map((g) => g.lr));
    momenta.push(opt.paramGroups.map((g) => momentumOf(g)!));
    expect(scheduler.getLastLr()).toEqual(lrs[lrs.length - 1]);
  }
  return { lrs, momenta };
}

describe('lr schedulers match PyTorch over 30 steps', () => {
  for (const run of fixture.schedulers) {
    it(run.name, () => {
      const opt = makeOptimizer(run.optimizer);
      const scheduler = build(opt, run.scheduler);
      const first = opt.paramGroups.map((g) => g.lr);
      const firstMomenta = opt.paramGroups.map((g) => momentumOf(g)!);
      const { lrs, momenta } = replay(run, scheduler, opt);
      expectSequence([first, ...lrs], run.lrs, 'lr');
      expectSequence([firstMomenta, ...momenta], run.momenta, 'momentum');
    });
  }

  it('covers every scheduler', () => {
    const types = new Set<string>();
    const visit = (s: SchedulerSpec) => {
      types.add(s.type);
      if ('schedulers' in s) s.schedulers.forEach(visit);
    };
    fixture.schedulers.forEach((r) => visit(r.scheduler));
    expect([...types].sort()).toEqual(
      [
        'CosineAnnealingLR',
        'ExponentialLR',
        'LinearLR',
        'MultiStepLR',
        'OneCycleLR',
        'ReduceLROnPlateau',
        'SequentialLR',
        'StepLR',
      ].sort(),
    );
  });
});

describe('scheduler state dicts', () => {
  for (const run of fixture.schedulers) {
    it(`${run.name} resumes from a JSON state dict halfway`, () => {
      const opt = makeOptimizer(run.optimizer);
      const scheduler = build(opt, run.scheduler);
      replay({ ...run, lrs: run.lrs.slice(0, 13) }, scheduler, opt);
      const saved = JSON.parse(
        JSON.stringify({ opt: optim.stateDictToJSON(opt.stateDict()), sched: scheduler.stateDict() }),
      ) as {
        opt: optim.OptimizerStateDictJSON;
        sched: optim.lrScheduler.SchedulerStateDict;
      };
      const opt2 = makeOptimizer(run.optimizer);
      const scheduler2 = build(opt2, run.scheduler);
      opt2.loadStateDict(optim.stateDictFromJSON(saved.opt));
      scheduler2.loadStateDict(saved.sched);
      expect(scheduler2.lastEpoch).toBe(scheduler.lastEpoch);
      const { lrs } = replay(run, scheduler2, opt2, 12);
      expectSequence(lrs, run.lrs.slice(13), 'lr');
    });
  }
});

describe('scheduler behaviour', () => {
  const sgd = (lr = 0.1) => new optim.SGD([new nn.Parameter(tensor([1]))], { lr, momentum: 0.9 });

  it('sets initialLr on the groups and keeps an existing one', () => {
    const opt = sgd();
    new lrScheduler.StepLR(opt, { stepSize: 2 });
    expect(opt.paramGroups[0]!.initialLr).toBe(0.1);
    opt.paramGroups[0]!.lr = 0.5;
    const second = new lrScheduler.ExponentialLR(opt, { gamma: 0.5 });
    expect(second.baseLrs).toEqual([0.1]);
    expect(second.getLastLr()).toEqual([0.5]);
  });

  it('requires initialLr when resuming with lastEpoch', () => {
    expect(() => new lrScheduler.StepLR(sgd(), { stepSize: 2, lastEpoch: 3 })).toThrow(
      "param 'initialLr' is not specified",
    );
  });

  it('getLastLr returns a copy', () => {
    const scheduler = new lrScheduler.StepLR(sgd(), { stepSize: 2 });
    scheduler.getLastLr()[0] = 7;
    expect(scheduler.getLastLr()).toEqual([0.1]);
  });

  it('cycles Adam β₁ and keeps β₂ (OneCycleLR)', () => {
    const opt = new optim.Adam([new nn.Parameter(tensor([1]))], { betas: [0.9, 0.98] });
    new lrScheduler.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10 });
    expect(opt.paramGroups[0]!.betas).toEqual([0.95, 0.98]);
  });

  it('rejects bad options with PyTorch messages', () => {
    expect(() => new lrScheduler.LinearLR(sgd(), { startFactor: 0 })).toThrow(
      'Starting multiplicative factor expected to be greater than 0 and less or equal to 1.',
    );
    expect(() => new lrScheduler.LinearLR(sgd(), { endFactor: 1.5 })).toThrow(
      'Ending multiplicative factor expected to be between 0 and 1.',
    );
    expect(() => new lrScheduler.OneCycleLR(sgd(), { maxLr: 1 })).toThrow(
      'You must define either total_steps OR (epochs AND steps_per_epoch)',
    );
    expect(() => new lrScheduler.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 0 })).toThrow(
      'Expected positive integer total_steps, but got 0',
    );
    expect(() => new lrScheduler.OneCycleLR(sgd(), { maxLr: [1, 2], totalSteps: 5 })).toThrow(
      'expected 1 values for maxLr, got 2',
    );
    const adagrad = new optim.Adagrad([new nn.Parameter(tensor([1]))]);
    expect(() => new lrScheduler.OneCycleLR(adagrad, { maxLr: 1, totalSteps: 5 })).toThrow(
      'optimizer must support momentum with `cycle_momentum` option enabled',
    );
    expect(() => new lrScheduler.ReduceLROnPlateau(sgd(), { factor: 1 })).toThrow('Factor should be < 1.0.');
    expect(() => new lrScheduler.ReduceLROnPlateau(sgd(), { mode: 'up' as 'min' })).toThrow(
      'mode up is unknown!',
    );
    const opt = sgd();
    const a = new lrScheduler.StepLR(opt, { stepSize: 2 });
    expect(() => new lrScheduler.SequentialLR(opt, { schedulers: [a], milestones: [3] })).toThrow(ValueError);
    expect(() => new lrScheduler.SequentialLR(sgd(), { schedulers: [a], milestones: [] })).toThrow(
      'to be different than the optimizer passed in',
    );
  });

  it('OneCycleLR refuses to step past totalSteps', () => {
    const scheduler = new lrScheduler.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 3 });
    scheduler.step();
    scheduler.step();
    scheduler.step();
    expect(() => scheduler.step()).toThrow('Tried to step 5 times. The specified number of total steps is 3');
  });

  it('ReduceLROnPlateau survives a JSON round trip before its first step (best = Infinity)', () => {
    const opt = sgd();
    const scheduler = new lrScheduler.ReduceLROnPlateau(opt, { patience: 0 });
    const copy = new lrScheduler.ReduceLROnPlateau(opt, { patience: 0 });
    copy.loadStateDict(
      JSON.parse(JSON.stringify(scheduler.stateDict())) as optim.lrScheduler.SchedulerStateDict,
    );
    expect(copy.best).toBe(Infinity);
    copy.step(5);
    expect(copy.best).toBe(5);
  });

  it('ReduceLROnPlateau accepts a 0-d tensor metric', () => {
    const opt = sgd();
    const scheduler = new lrScheduler.ReduceLROnPlateau(opt, { patience: 0 });
    scheduler.step(tensor(1));
    scheduler.step(tensor(1));
    expect(scheduler.getLastLr()[0]).toBeCloseTo(0.01, 12);
  });
});
