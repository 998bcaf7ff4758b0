// @file One contract every optimizer class must keep: deterministic resume from a state dict, descent (or ascent
// with maximize) on a quadratic, PyTorch's defaults and its constructor errors.
import { describe, expect, it } from 'vitest';
import { ValueError, manualSeed, nn, optim, randn, tensor, type Tensor } from '../../src/index.js';
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
  from.params.forEach((p, i) => to.params[i]!.storage.set(p.storage));
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
        expect(b.params[j]!.storage, `step ${i}, param ${j}`).toEqual(p.storage);
        expect(c.params[j]!.storage, `step ${i}, param ${j} (JSON)`).toEqual(p.storage);
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
