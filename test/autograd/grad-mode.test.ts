// @file Grad mode (noGrad, enableGrad), detach, in-place rules and anomaly detection.
import { describe, expect, it } from 'vitest';
import {
  NeuriteError,
  detectAnomaly,
  enableGrad,
  isGradEnabled,
  noGrad,
  randn,
  tensor,
} from '../../src/index.js';
import { needsGrad } from '../../src/autograd/grad-mode.js';

describe('grad mode', () => {
  it('needsGrad: grad mode on and at least one input requires grad', () => {
    const leaf = tensor([1, 2], { requiresGrad: true });
    const plain = tensor([3, 4]);
    expect(needsGrad(plain, leaf)).toBe(true);
    expect(needsGrad(plain)).toBe(false);
    expect(needsGrad()).toBe(false);
    expect(noGrad(() => needsGrad(leaf))).toBe(false);
    expect(needsGrad(leaf.mul(2))).toBe(true);
    expect(needsGrad(leaf.detach())).toBe(false);
  });

  it('noGrad records nothing and restores the mode, even after a throw', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(isGradEnabled()).toBe(true);
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('refuses an async function with a ValueError, restoring the mode', () => {
    const run = (fn: typeof noGrad) => () => fn((async () => tensor([1])) as never);
    expect(run(noGrad)).toThrow(NeuriteError);
    expect(run(noGrad)).toThrow('noGrad: takes a synchronous function; await inside it would leak grad mode');
    expect(run(enableGrad)).toThrow(/^enableGrad: /);
    expect(isGradEnabled()).toBe(true);
  });

  it('enableGrad turns recording back on inside noGrad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => enableGrad(() => x.mul(2)));
    expect(y.requiresGrad).toBe(true);
  });

  it('detach shares storage but leaves the graph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.storage).toBe(x.storage);
  });
});

describe('in-place ops', () => {
  it('refuse tensors that require grad while grad mode is on, and work under noGrad', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.add_(1)).toThrow(NeuriteError);
    expect(() => w.mul_(2)).toThrow(
      /add_|mul_: a leaf tensor that requires grad cannot be modified in place/,
    );
    noGrad(() => w.sub_(tensor([0.5, 0.5])));
    expect(w.toArray()).toEqual([0.5, 1.5]);
  });

  it('update the storage, broadcasting the operand, and keep the dtype', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    x.add_(tensor([10, 20]))
      .mul_(2)
      .div_(2)
      .sub_(1);
    expect(x.toArray()).toEqual([
      [10, 21],
      [12, 23],
    ]);
    const i = tensor([1, 2], { dtype: 'int32' });
    i.mul_(3);
    expect(i.dtype).toBe('int32');
    expect(i.toArray()).toEqual([3, 6]);
    // As PyTorch: "result type Float can't be cast to the desired output type Int" (test/ops/inplace.test.ts).
    expect(() => i.mul_(1.5)).toThrow(/can't be cast/);
    expect(tensor([5, -5]).clamp_(-1, 1).toArray()).toEqual([1, -1]);
    expect(tensor([5, -5]).zero_().toArray()).toEqual([0, 0]);
    expect(tensor([5, -5]).fill_(7).toArray()).toEqual([7, 7]);
    expect(
      tensor([5, -5])
        .copy_(tensor([1]))
        .toArray(),
    ).toEqual([1, 1]);
  });

  it('reject a result that would change the shape', () => {
    expect(() => tensor([1, 2]).add_(tensor([[1], [2]]))).toThrow(/add_: the result of shape \[2, 2\]/);
  });

  it('uniform_ and normal_ fill from the seeded generator within range', () => {
    const u = randn([1000]).uniform_(-2, 3);
    expect(Math.min(...u.storage)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u.storage)).toBeLessThan(3);
    const n = randn([20000]).normal_(5, 2);
    expect(n.mean().item()).toBeCloseTo(5, 1);
  });
});

describe('detectAnomaly', () => {
  it('names the op whose gradient became NaN', () => {
    const x = tensor([0, 1], { requiresGrad: true });
    const y = x.sqrt().mul(0).sum(); // d sqrt(x) at 0 is inf, times 0 gives NaN
    expect(() => detectAnomaly(() => y.backward())).toThrow(/SqrtBackward' returned nan values/);
  });

  it('is off by default: the NaN gradient is stored silently', () => {
    const x = tensor([0, 1], { requiresGrad: true });
    x.sqrt().mul(0).sum().backward();
    expect(Number.isNaN(x.grad!.storage[0]!)).toBe(true);
  });
});
