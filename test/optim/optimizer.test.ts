// @file The Optimizer base: parameter groups and their defaults, zeroGrad, step with a closure, state dicts, errors.
import { describe, expect, it } from 'vitest';
import {
  NeuriteError,
  ShapeError,
  ValueError,
  nn,
  optim,
  tensor,
  zeros,
  type Tensor,
} from '../../src/index.js';
import { formatNumber } from '../../src/optim/optimizer.js';

const param = (values: number[]) => new nn.Parameter(tensor(values));

describe('parameter groups', () => {
  it('fills each group from the defaults and keeps its own options', () => {
    const a = param([1, 2]);
    const b = param([3]);
    const opt = new optim.SGD([{ params: [a], lr: 0.1 }, { params: [b] }], { lr: 0.01, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([
      [0.1, 0.9],
      [0.01, 0.9],
    ]);
    expect(opt.paramGroups[0]!.params).toEqual([a]);
  });

  it('updates each group with its own lr', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new optim.SGD([{ params: [a], lr: 0.1 }, { params: [b] }], { lr: 0.01 });
    a.grad = tensor([1]);
    b.grad = tensor([1]);
    opt.step();
    expect(a.item()).toBeCloseTo(0.9, 6);
    expect(b.item()).toBeCloseTo(0.99, 6);
  });

  it('accepts a generator of parameters and a single tensor as a group', () => {
    const a = param([1]);
    const b = param([2]);
    function* gen() {
      yield a;
      yield b;
    }
    expect(new optim.Adam(gen()).paramGroups[0]!.params).toEqual([a, b]);
    expect(new optim.Adam([{ params: a }]).paramGroups[0]!.params).toEqual([a]);
  });

  it('addParamGroup adds a group with the defaults (e.g. unfreezing a layer)', () => {
    const a = param([1]);
    const b = param([2]);
    const opt = new optim.Adam([a], { lr: 0.01 });
    opt.addParamGroup({ params: [b], lr: 0.001 });
    expect(opt.paramGroups.length).toBe(2);
    expect(opt.paramGroups[1]!.lr).toBe(0.001);
    expect(opt.paramGroups[1]!.betas).toEqual([0.9, 0.999]);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(
      'some parameters appear in more than one parameter group',
    );
  });

  it('does not share option arrays between groups and defaults', () => {
    const opt = new optim.Adam([{ params: [param([1])] }, { params: [param([2])] }]);
    opt.paramGroups[0]!.betas[0] = 0.5;
    expect(opt.paramGroups[1]!.betas[0]).toBe(0.9);
    expect(opt.defaults.betas[0]).toBe(0.9);
  });

  it("rejects what PyTorch rejects, with PyTorch's messages", () => {
    const a = param([1]);
    expect(() => new optim.SGD(a as unknown as Tensor[])).toThrow(
      'params argument given to the optimizer should be an iterable of Tensors or dicts',
    );
    expect(() => new optim.SGD([])).toThrow(ValueError);
    expect(() => new optim.SGD([a.mul(2)])).toThrow("can't optimize a non-leaf Tensor");
    expect(new optim.SGD([{ params: new Set([a]) }]).paramGroups[0]!.params).toEqual([a]);
    expect(() => new optim.SGD([{ params: [a] }, { params: [a] }])).toThrow(
      'some parameters appear in more than one parameter group',
    );
    expect(() => new optim.SGD([a, a])).toThrow('duplicate parameters');
    expect(() => new optim.SGD([{ params: [1] as unknown as Tensor[] }])).toThrow(
      'optimizer can only optimize Tensors, but one of the params is number',
    );
    expect(() => new optim.SGD([tensor([1, 2], { dtype: 'int32' })])).toThrow(NeuriteError);
  });
});

describe('step and zeroGrad', () => {
  it('updates parameters that require grad while grad mode is on (the update runs under noGrad)', () => {
    const a = param([1, 2]);
    const opt = new optim.SGD([a], { lr: 0.5 });
    a.mul(a).sum().backward();
    opt.step();
    expect(a.toArray()).toEqual([0, 0]);
  });

  it('runs the closure with grad mode on and returns its loss', () => {
    const a = param([3]);
    const opt = new optim.SGD([a], { lr: 0.1 });
    const closure = () => {
      opt.zeroGrad();
      const loss = a.mul(a).sum();
      loss.backward();
      return loss;
    };
    const loss = opt.step(closure);
    expect(loss.item()).toBe(9);
    expect(a.item()).toBeCloseTo(2.4, 6);
  });

  it('zeroGrad sets grads to null by default and to zeros in place with setToNone = false', () => {
    const a = param([1, 2]);
    const opt = new optim.SGD([a]);
    a.grad = tensor([3, 4]);
    const grad = a.grad;
    opt.zeroGrad(false);
    expect(a.grad).toBe(grad);
    expect(grad.toArray()).toEqual([0, 0]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('steps a parameter whose grad is zero (weight decay acts) but not one whose grad is null', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new optim.SGD([a, b], { lr: 0.1, weightDecay: 0.5 });
    a.grad = zeros([1]);
    opt.step();
    expect(a.item()).toBeCloseTo(0.95, 6);
    expect(b.item()).toBe(1);
  });

  it('rejects a gradient of the wrong size', () => {
    const a = param([1, 2]);
    const opt = new optim.SGD([a]);
    a.grad = tensor([1, 2, 3]);
    expect(() => opt.step()).toThrow(ShapeError);
  });

  it('picks up a momentum a scheduler switches on after the first step (like PyTorch, b starts as g)', () => {
    const a = param([1]);
    const opt = new optim.SGD([a], { lr: 0.1 });
    a.grad = tensor([1]);
    opt.step();
    opt.paramGroups[0]!.momentum = 0.9;
    opt.step();
    expect(opt.state.get(a)!.momentum_buffer!.item()).toBe(1);
  });
});

describe('state dicts', () => {
  it("has PyTorch's layout: state by parameter index, groups with options and indices", () => {
    const a = param([1, 2]);
    const b = param([3]);
    const c = param([4]);
    const opt = new optim.Adam([{ params: [a, b] }, { params: [c], lr: 0.1 }]);
    a.grad = tensor([1, 1]);
    c.grad = tensor([1]);
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '2']);
    expect(Object.keys(sd.state[0]!).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'step']);
    expect(sd.state[0]!.step).toBe(1);
    expect(sd.param_groups.map((g) => g.params)).toEqual([[0, 1], [2]]);
    expect(sd.param_groups[1]).toMatchObject({ lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false });
    expect(sd.state[0]!.exp_avg).not.toBe(opt.state.get(a)!.exp_avg);
  });

  it('restores group options and checks the group layout', () => {
    const a = param([1]);
    const opt = new optim.SGD([a], { lr: 0.1 });
    const sd = opt.stateDict();
    sd.param_groups[0]!.lr = 0.5;
    opt.loadStateDict(sd);
    expect(opt.paramGroups[0]!.lr).toBe(0.5);
    expect(opt.paramGroups[0]!.params[0]).toBe(a);
    const two = new optim.SGD([{ params: [param([1])] }, { params: [param([2])] }]);
    expect(() => two.loadStateDict(sd)).toThrow(
      'loaded state dict has a different number of parameter groups',
    );
    const bigger = new optim.SGD([param([1]), param([2])]);
    expect(() => bigger.loadStateDict(sd)).toThrow("doesn't match the size of optimizer's group");
  });

  it('rejects a state tensor whose shape differs from its parameter', () => {
    const a = param([1, 2]);
    const opt = new optim.Adam([a]);
    a.grad = tensor([1, 1]);
    opt.step();
    const other = new optim.Adam([param([1, 2, 3])]);
    expect(() => other.loadStateDict(opt.stateDict())).toThrow(ShapeError);
  });

  it('casts loaded state tensors to the parameter dtype', () => {
    const a = param([1, 2]);
    const opt = new optim.Adam([a]);
    a.grad = tensor([1, 1]);
    opt.step();
    const b = new nn.Parameter(tensor([1, 2], { dtype: 'float64' }));
    const other = new optim.Adam([b]);
    other.loadStateDict(opt.stateDict());
    expect(other.state.get(b)!.exp_avg.dtype).toBe('float64');
  });

  it('JSON helpers keep non-finite values', () => {
    const a = param([1]);
    const opt = new optim.SGD([a], { momentum: 0.9 });
    a.grad = tensor([Infinity]);
    opt.step();
    const json = JSON.parse(
      JSON.stringify(optim.stateDictToJSON(opt.stateDict())),
    ) as optim.OptimizerStateDictJSON;
    expect(optim.stateDictFromJSON(json).state[0]!.momentum_buffer).toBeInstanceOf(Object);
    expect((optim.stateDictFromJSON(json).state[0]!.momentum_buffer as Tensor).item()).toBe(Infinity);
  });
});

describe('custom optimizers (MLX style: only the state init and the update rule)', () => {
  interface SignOptions {
    lr: number;
  }
  class SignSGD extends optim.Optimizer<SignOptions, { step: number }> {
    constructor(params: optim.ParamsInput<SignOptions>, options: Partial<SignOptions> = {}) {
      super(params, { lr: options.lr ?? 0.1 });
    }
    protected validateOptions(o: SignOptions): void {
      if (o.lr < 0) throw new ValueError(this.constructor.name, `Invalid learning rate: ${o.lr}`);
    }
    protected initState() {
      return { step: 0 };
    }
    protected updateParam(
      p: Tensor,
      g: Tensor,
      state: { step: number },
      group: optim.ParamGroup<SignOptions>,
    ) {
      state.step++;
      p.sub_(g.sign().mul(group.lr));
    }
  }

  it('gets groups, skipping, state dicts and validation from the base', () => {
    const a = param([1, -1]);
    const opt = new SignSGD([a]);
    a.grad = tensor([5, -0.1]);
    opt.step();
    expect(Array.from(a.dataSync())).toEqual([Math.fround(0.9), Math.fround(-0.9)]);
    expect(opt.stateDict().state[0]).toEqual({ step: 1 });
    expect(() => new SignSGD([a], { lr: -1 })).toThrow('SignSGD: Invalid learning rate: -1');
  });
});

describe('formatNumber prints like Python', () => {
  it.each([
    [-1, '-1'],
    [1.5, '1.5'],
    [1e-8, '1e-08'],
    [1e-10, '1e-10'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-2.5e-7, '-2.5e-07'],
    [1e16, '1e+16'],
    [123456, '123456'],
    [NaN, 'nan'],
    [-Infinity, '-inf'],
  ])('%s → %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});

describe('createOptimizer', () => {
  it('builds each optimizer by name with the given options and PyTorch defaults otherwise', async () => {
    const { optim, zeros } = await import('../../src/index.js');
    const p = zeros([2], { requiresGrad: true });
    for (const name of optim.OPTIMIZER_NAMES) {
      const opt = optim.createOptimizer(name, [p], { lr: 0.5, weightDecay: 0.1 });
      expect(opt.constructor.name.toLowerCase()).toBe(name);
      expect(opt.paramGroups[0]!.lr).toBe(0.5);
      expect(opt.paramGroups[0]!.weightDecay).toBe(0.1);
    }
    const sgd = optim.createOptimizer('sgd', [p], { lr: 0.1, momentum: 0.9, nesterov: true });
    expect(sgd.paramGroups[0]).toMatchObject({ momentum: 0.9, nesterov: true, dampening: 0 });
    expect(() => optim.createOptimizer('lion' as never, [p], { lr: 1 })).toThrow(/unknown optimizer 'lion'/);
  });
});
