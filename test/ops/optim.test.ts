// @file optimizerStep_: argument checks and analytic first steps of each family (the formulas' fixed points).
import { describe, expect, it } from 'vitest';
import { NeuriteError, ShapeError, ValueError, tensor, zeros } from '../../src/index.js';
import { optimizerStateKeys, optimizerStep_, type OptimizerUpdate } from '../../src/ops/optim.js';

const ADAM: OptimizerUpdate = {
  kind: 'adam',
  step: 1,
  lr: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  eps: 0,
  weightDecay: 0,
  decoupled: false,
  amsgrad: false,
  maximize: false,
};

describe('optimizerStep_', () => {
  it('names the state each update takes, in kernel order', () => {
    expect(optimizerStateKeys({ ...ADAM, amsgrad: true })).toEqual([
      'exp_avg',
      'exp_avg_sq',
      'max_exp_avg_sq',
    ]);
    expect(
      optimizerStateKeys({
        kind: 'rmsprop',
        lr: 1,
        alpha: 0.9,
        eps: 0,
        weightDecay: 0,
        momentum: 0.5,
        centered: true,
        maximize: false,
      }),
    ).toEqual(['square_avg', 'grad_avg', 'momentum_buffer']);
  });

  it('refuses a wrong number of state tensors, sizes that differ and integer tensors', () => {
    const p = zeros([2, 3]);
    expect(() => optimizerStep_(ADAM, p, zeros([2, 3]), [zeros([2, 3])])).toThrow(
      new ValueError('optimizerStep_(adam)', 'expected 2 state tensors (exp_avg, exp_avg_sq), got 1'),
    );
    expect(() => optimizerStep_(ADAM, p, zeros([2, 3]), [zeros([2, 3]), zeros([3])])).toThrow(ShapeError);
    expect(() => optimizerStep_(ADAM, p, zeros([3, 2]), [zeros([2, 3]), zeros([2, 3])])).not.toThrow();
    expect(() =>
      optimizerStep_(ADAM, p, zeros([2, 3], { dtype: 'int32' }), [zeros([2, 3]), zeros([2, 3])]),
    ).toThrow(NeuriteError);
  });

  it("takes Adam's first step of exactly lr against the gradient's sign (ε = 0)", () => {
    const p = tensor([1, 1, 1], { dtype: 'float64' });
    const m = zeros([3], { dtype: 'float64' });
    const v = zeros([3], { dtype: 'float64' });
    optimizerStep_(ADAM, p, tensor([0.5, -2, 1e-3], { dtype: 'float64' }), [m, v]);
    const [a, b, c] = Array.from(p.dataSync());
    expect(a).toBeCloseTo(0.99, 14);
    expect(b).toBeCloseTo(1.01, 14);
    expect(c).toBeCloseTo(0.99, 14);
    expect(Array.from(m.dataSync())).toEqual([0.5, -2, 1e-3].map((g) => (1 - 0.9) * g));
  });

  it('SGD with momentum: the fresh buffer is the gradient, then μ·b + (1 − τ)·g; maximize ascends', () => {
    const p = tensor([1, 2], { dtype: 'float64' });
    const b = zeros([2], { dtype: 'float64' });
    const sgd = {
      kind: 'sgd',
      lr: 0.1,
      momentum: 0.5,
      dampening: 0.5,
      weightDecay: 0,
      nesterov: false,
    } as const;
    optimizerStep_({ ...sgd, maximize: true, freshBuffer: true }, p, tensor([1, 1], { dtype: 'float64' }), [
      b,
    ]);
    expect(Array.from(b.dataSync())).toEqual([-1, -1]);
    expect(Array.from(p.dataSync())).toEqual([1.1, 2.1]);
    optimizerStep_({ ...sgd, maximize: true, freshBuffer: false }, p, tensor([1, 1], { dtype: 'float64' }), [
      b,
    ]);
    expect(Array.from(b.dataSync())).toEqual([-1, -1]); // 0.5·(−1) + 0.5·(−1)
    expect(p.dataSync()[0]).toBeCloseTo(1.2, 15);
  });

  it("Adagrad's first step is lr/(1 + (t − 1)·η) per coordinate; Adadelta's is √ε/√((1 − ρ)g² + ε)·g", () => {
    const p = tensor([0, 0], { dtype: 'float64' });
    const sum = zeros([2], { dtype: 'float64' });
    const adagrad = {
      kind: 'adagrad',
      lr: 0.1,
      lrDecay: 1,
      weightDecay: 0,
      eps: 0,
      maximize: false,
    } as const;
    optimizerStep_({ ...adagrad, step: 3 }, p, tensor([4, -0.25], { dtype: 'float64' }), [sum]);
    expect(Array.from(p.dataSync())).toEqual([-0.1 / 3, 0.1 / 3]);
    expect(Array.from(sum.dataSync())).toEqual([16, 0.0625]);

    const q = tensor([0], { dtype: 'float64' });
    const state = [zeros([1], { dtype: 'float64' }), zeros([1], { dtype: 'float64' })];
    const adadelta = {
      kind: 'adadelta',
      lr: 1,
      rho: 0.75,
      eps: 1e-2,
      weightDecay: 0,
      maximize: false,
    } as const;
    optimizerStep_(adadelta, q, tensor([2], { dtype: 'float64' }), state);
    const delta = (Math.sqrt(1e-2) / Math.sqrt(0.25 * 4 + 1e-2)) * 2;
    expect(q.dataSync()[0]).toBeCloseTo(-delta, 15);
    expect(state[1]!.dataSync()[0]).toBeCloseTo(0.25 * delta * delta, 15);
  });
});
