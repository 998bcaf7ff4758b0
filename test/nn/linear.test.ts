// @file Linear and Identity: initialisation, reproducibility, shapes and errors.
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, manualSeed, nn, randn } from '../../src/index.js';

describe('Linear', () => {
  it('has weight [out, in] and bias [out] drawn from U(±1/√inFeatures)', () => {
    manualSeed(0);
    const layer = new nn.Linear(64, 32);
    expect(layer.weight.shape).toEqual([64 / 2, 64]);
    expect(layer.bias!.shape).toEqual([32]);
    const bound = 1 / Math.sqrt(64);
    const w = Array.from(layer.weight.storage);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    // 2048 uniform draws reach close to both ends of the interval.
    expect(Math.max(...w)).toBeGreaterThan(0.95 * bound);
    expect(Math.min(...w)).toBeLessThan(-0.95 * bound);
    expect(Math.max(...Array.from(layer.bias!.storage, Math.abs))).toBeLessThanOrEqual(bound);
    expect(layer.weight.requiresGrad).toBe(true);
  });

  it('draws the same weights from the same seed, other weights from another', () => {
    manualSeed(42);
    const a = new nn.Linear(5, 4);
    manualSeed(42);
    const b = new nn.Linear(5, 4);
    manualSeed(43);
    const c = new nn.Linear(5, 4);
    expect(Array.from(a.weight.storage)).toEqual(Array.from(b.weight.storage));
    expect(Array.from(a.bias!.storage)).toEqual(Array.from(b.bias!.storage));
    expect(Array.from(a.weight.storage)).not.toEqual(Array.from(c.weight.storage));
  });

  it('maps [..., in] to [..., out] and computes x·Wᵀ + b', () => {
    const layer = new nn.Linear(3, 2);
    expect(layer.forward(randn([7, 3])).shape).toEqual([7, 2]);
    expect(layer.forward(randn([2, 5, 3])).shape).toEqual([2, 5, 2]);
    expect(layer.forward(randn([3])).shape).toEqual([2]);
    const x = randn([4, 3]);
    const expected = x.matmul(layer.weight.T).add(layer.bias!);
    const out = layer.forward(x);
    out.storage.forEach((v, i) => expect(v).toBeCloseTo(expected.storage[i]!, 5));
  });

  it('without bias has only a weight', () => {
    const layer = new nn.Linear(3, 2, { bias: false });
    expect(layer.bias).toBeNull();
    expect(Object.keys(layer.stateDict())).toEqual(['weight']);
    expect(layer.toString()).toBe('Linear(in_features=3, out_features=2, bias=False)');
  });

  it('checks the input shape, naming the layer, the expected last dim and the actual shape', () => {
    const layer = new nn.Linear(784, 10);
    expect(() => layer.forward(randn([64, 100]))).toThrow(ShapeError);
    expect(() => layer.forward(randn([64, 100]))).toThrow(
      'Linear: expected input with last dim 784, got shape [64, 100]',
    );
  });

  it('validates its sizes', () => {
    expect(() => new nn.Linear(-1, 3)).toThrow(ValueError);
    expect(() => new nn.Linear(2.5, 3)).toThrow('Linear: inFeatures must be an integer ≥ 0, got 2.5');
    expect(() => new nn.Linear(2, NaN)).toThrow(/outFeatures/);
  });

  it('resetParameters redraws from the generator', () => {
    const layer = new nn.Linear(4, 4);
    const before = Array.from(layer.weight.storage);
    layer.resetParameters();
    expect(Array.from(layer.weight.storage)).not.toEqual(before);
  });

  it('gets gradients for weight and bias', () => {
    const layer = new nn.Linear(3, 2);
    layer
      .forward(randn([5, 3]))
      .sum()
      .backward();
    expect(layer.weight.grad!.shape).toEqual([2, 3]);
    expect(Array.from(layer.bias!.grad!.storage)).toEqual([5, 5]);
  });
});

describe('Identity', () => {
  it('returns its input', () => {
    const x = randn([2, 3]);
    expect(new nn.Identity().forward(x)).toBe(x);
    expect(new nn.Identity().toString()).toBe('Identity()');
  });
});
