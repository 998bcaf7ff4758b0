// @file The backward pass: accumulation, broadcasting reduction, deep graphs, retainGrad, graph release, errors.
import { describe, expect, it } from 'vitest';
import {
  NeuriteError,
  ShapeError,
  ValueError,
  add,
  gradcheck,
  ones,
  randn,
  tensor,
  zeros,
} from '../../src/index.js';

describe('backward', () => {
  it('computes d/dx of a scalar function and names gradFn after the op', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(x).sum(); // Σx², d/dx = 2x
    expect(y.gradFn?.toString()).toBe('SumBackward');
    expect(y.gradFn?.name).toBe('sum');
    y.backward();
    expect(x.grad!.toArray()).toEqual([2, 4, 6]);
  });

  it('accumulates into .grad across backward calls, as PyTorch does', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).sum().backward();
    x.mul(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([6, 6]);
  });

  it('sums the gradient of a broadcast operand back to its shape', () => {
    const a = randn([4, 3], { requiresGrad: true });
    const b = tensor([1, 2, 3], { requiresGrad: true });
    const c = tensor([[5]], { requiresGrad: true });
    a.add(b).mul(c).sum().backward();
    expect(b.grad!.shape).toEqual([3]);
    expect(b.grad!.toArray()).toEqual([20, 20, 20]);
    expect(c.grad!.shape).toEqual([1, 1]);
  });

  it('adds the contributions of a tensor used twice (diamond graph)', () => {
    const x = tensor([2], { requiresGrad: true });
    const y = x.mul(3);
    y.mul(y).add(y).sum().backward(); // (3x)² + 3x → 18x + 3 = 39
    expect(x.grad!.item()).toBe(39);
  });

  it('walks a chain of 100,000 ops without overflowing the stack', () => {
    const x = zeros([1], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.add(1);
    y.sum().backward();
    expect(x.grad!.item()).toBe(1);
    expect(y.item()).toBe(100_000);
  });

  it('uses the given gradient for non-scalar outputs and checks its shape', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(ValueError);
    expect(() => y.backward(ones([2]))).toThrow(ShapeError);
    y.backward(tensor([1, 10, 100]));
    expect(x.grad!.toArray()).toEqual([2, 20, 200]);
  });

  it('refuses a tensor that does not require grad', () => {
    expect(() => tensor([1]).sum().backward()).toThrow(/does not require grad/);
  });

  it('frees the graph unless retainGraph is set', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad!.storage[0]).toBeCloseTo(2 * Math.E, 5);
    expect(() => y.backward()).toThrow(/second time/);
    expect(() => y.backward()).toThrow(NeuriteError);
    expect(() => y.backward()).toThrow(
      /^backward: Trying to backward through the graph a second time \(through SumBackward\)/,
    );
  });

  it('refuses a gradient that is not a tensor, and unknown options, with NeuriteErrors (issue 14)', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(3);
    const bad = (gradient: unknown) => () => y.backward(gradient as never, { retainGraph: true });
    expect(bad('abc')).toThrow(ValueError);
    expect(bad('abc')).toThrow(
      "backward: gradient must be a Tensor of shape [2] (∂L/∂tensor), got string 'abc'",
    );
    expect(bad([1, 1])).toThrow('got an array');
    expect(bad(2)).toThrow('got number 2');
    expect(() => y.backward(tensor([1, 1]), { retain_graph: true } as never)).toThrow(
      "backward: unknown option 'retain_graph' (did you mean 'retainGraph'?)",
    );
    expect(x.grad).toBeNull(); // nothing ran
    const z = x.sum();
    z.backward(null as never); // PyTorch's backward(None): the implicit gradient of a one-element tensor
    expect(Array.from(x.grad!.storage)).toEqual([1, 1]);
  });

  it('casts a gradient of another dtype to the tensor’s dtype', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(2).backward(tensor([1, 0.5], { dtype: 'float64' }));
    expect(x.grad!.dtype).toBe('float32');
    expect(Array.from(x.grad!.storage)).toEqual([2, 1]);
  });

  it('fills .grad of non-leaf tensors that retainGrad()', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2);
    h.retainGrad();
    const mid = h.add(1);
    mid.mul(h).sum().backward();
    expect(h.grad!.toArray()).toEqual([2 * 2 + 1, 2 * 4 + 1]);
    expect(mid.grad).toBeNull();
    expect(h.isLeaf).toBe(false);
  });

  it('only gives gradients to tensors that require them', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4]);
    a.mul(b).sum().backward();
    expect(a.grad!.toArray()).toEqual([3, 4]);
    expect(b.grad).toBeNull();
  });

  it('keeps .grad independent of the gradient tensors of other leaves', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([1, 2], { requiresGrad: true });
    add(a, b).sum().backward();
    a.grad!.storage[0] = 99;
    expect(b.grad!.toArray()).toEqual([1, 1]);
  });

  it('leaves nothing behind when a backward pass fails half-way', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const s = x.mul(3).sum();
    const c = x.mul(5);
    c.sum().backward(); // frees c's node
    // s's node receives its gradient, then the pass fails at c's freed node before reaching it.
    expect(() => s.add(c.sum()).backward()).toThrow(/second time/);
    x.grad = null;
    s.mul(2).backward();
    expect(x.grad!.toArray()).toEqual([6, 6]);
  });

  it('computes second derivatives with createGraph', () => {
    const x = tensor([3], { dtype: 'float64', requiresGrad: true });
    const y = x.pow(3).sum();
    y.backward(undefined, { createGraph: true });
    const dx = x.grad!;
    expect(dx.item()).toBe(27); // 3x²
    x.grad = null;
    dx.sum().backward();
    expect(x.grad!.item()).toBe(18); // 6x
  });

  it('casts a float64 gradient back to a float32 leaf', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(tensor([1, 2], { dtype: 'float64' }))
      .sum()
      .backward();
    expect(x.grad!.dtype).toBe('float32');
  });

  it('only lets floating-point tensors require grad, and only leaves turn it off', () => {
    expect(() => tensor([1], { dtype: 'int32', requiresGrad: true })).toThrow(NeuriteError);
    const y = tensor([1], { requiresGrad: true }).mul(2);
    expect(() => (y.requiresGrad = false)).toThrow(/non-leaf/);
  });
});

describe('gradcheck', () => {
  it('passes a correct gradient and reports a wrong one with the element', () => {
    expect(gradcheck((x) => x!.mul(x!).sum(), [randn([3], { dtype: 'float64' })])).toBe(true);
    // A "wrong" gradient: detach one factor so the analytic derivative misses a term.
    expect(() => gradcheck((x) => x!.mul(x!.detach()).sum(), [randn([3], { dtype: 'float64' })])).toThrow(
      /Jacobian mismatch/,
    );
  });
});
