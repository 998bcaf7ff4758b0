// @file Activation layers and the composite activations of nn.functional: values, PyTorch's edge gradients, errors.
import { describe, expect, it } from 'vitest';
import { ValueError, nn, randn, tensor } from '../../src/index.js';

const F = nn.functional;

describe('activation layers', () => {
  it('agree with their functional forms', () => {
    const x = randn([4, 5]);
    const pairs: [nn.TensorModule, ReturnType<typeof F.relu>][] = [
      [new nn.ReLU(), F.relu(x)],
      [new nn.LeakyReLU(0.2), F.leakyRelu(x, 0.2)],
      [new nn.Tanh(), F.tanh(x)],
      [new nn.Sigmoid(), F.sigmoid(x)],
      [new nn.LogSigmoid(), F.logSigmoid(x)],
      [new nn.Softmax(1), F.softmax(x, 1)],
      [new nn.LogSoftmax(0), F.logSoftmax(x, 0)],
      [new nn.Softmin(1), F.softmin(x, 1)],
      [new nn.GELU('tanh'), F.gelu(x, 'tanh')],
      [new nn.SiLU(), F.silu(x)],
      [new nn.Mish(), F.mish(x)],
      [new nn.ELU(0.5), F.elu(x, 0.5)],
      [new nn.Softplus(2, 10), F.softplus(x, 2, 10)],
      [new nn.Hardtanh(-0.5, 0.5), F.hardtanh(x, -0.5, 0.5)],
      [new nn.ReLU6(), F.relu6(x)],
      [new nn.Softsign(), F.softsign(x)],
    ];
    for (const [layer, expected] of pairs) {
      expect(Array.from(layer.forward(x).storage), layer.toString()).toEqual(Array.from(expected.storage));
    }
  });

  it('softmin is softmax of −x, rows summing to 1', () => {
    const out = F.softmin(tensor([[1, 2, 3]]), 1);
    const e = [Math.exp(-1), Math.exp(-2), Math.exp(-3)];
    const total = e[0]! + e[1]! + e[2]!;
    out.storage.forEach((v, i) => expect(v).toBeCloseTo(e[i]! / total, 6));
  });

  it('hardtanh and relu6 clamp, with zero gradient at and beyond the boundaries as in PyTorch', () => {
    const x = tensor([-2, -1, 0, 0.5, 1, 2], { requiresGrad: true });
    const y = F.hardtanh(x);
    expect(Array.from(y.storage)).toEqual([-1, -1, 0, 0.5, 1, 1]);
    y.sum().backward();
    expect(Array.from(x.grad!.storage)).toEqual([0, 0, 1, 1, 0, 0]);
    const z = tensor([-1, 0, 3, 6, 7], { requiresGrad: true });
    const r = F.relu6(z);
    expect(Array.from(r.storage)).toEqual([0, 0, 3, 6, 6]);
    r.sum().backward();
    expect(Array.from(z.grad!.storage)).toEqual([0, 0, 1, 0, 0]);
  });

  it('softsign and mish match their formulas', () => {
    const x = tensor([-3, -0.5, 0, 2]);
    F.softsign(x).storage.forEach((v, i) => {
      const xi = x.storage[i]!;
      expect(v).toBeCloseTo(xi / (1 + Math.abs(xi)), 6);
    });
    F.mish(x).storage.forEach((v, i) => {
      const xi = x.storage[i]!;
      expect(v).toBeCloseTo(xi * Math.tanh(Math.log1p(Math.exp(xi))), 6);
    });
  });

  it('validate their arguments', () => {
    expect(() => new nn.GELU('fast' as 'tanh')).toThrow(ValueError);
    expect(() => new nn.GELU('fast' as 'tanh')).toThrow(
      "GELU: approximate must be 'none' or 'tanh', got 'fast'",
    );
    expect(() => new nn.LeakyReLU(NaN)).toThrow('LeakyReLU: negativeSlope must be a finite number, got NaN');
    expect(() => new nn.ELU(Infinity)).toThrow(/ELU: alpha/);
    expect(() => new nn.Softplus(0)).toThrow('Softplus: beta must be non-zero, got 0');
    expect(() => new nn.Softmax(0.5)).toThrow('Softmax: dim must be an integer, got 0.5');
    expect(() => new nn.LogSoftmax(NaN)).toThrow(ValueError);
    expect(() => new nn.Hardtanh(1, -1)).toThrow(
      'Hardtanh: minVal must not be greater than maxVal, got 1 and -1',
    );
    expect(() => F.hardtanh(randn([2]), 1, 0)).toThrow(ValueError);
  });

  it('print as PyTorch does, whole Softplus arguments as ints (PyTorch 1.13 defaults)', () => {
    expect(new nn.ReLU().toString()).toBe('ReLU()');
    expect(new nn.LeakyReLU().toString()).toBe('LeakyReLU(negative_slope=0.01)');
    expect(new nn.Softplus(1.5, 20).toString()).toBe('Softplus(beta=1.5, threshold=20)');
    expect(new nn.ELU(2).toString()).toBe('ELU(alpha=2.0)');
  });
});
