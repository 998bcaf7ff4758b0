// @file toString matches PyTorch's repr format for the common cases.
import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { arange, nn, tensor, zeros } from '../../src/index.js';

describe('toString', () => {
  it('prints floats with 4 decimals aligned, integral floats with a trailing dot', () => {
    expect(tensor([1.5, -2.25]).toString()).toBe('tensor([ 1.5000, -2.2500])');
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).toString(),
    ).toBe('tensor([[1., 2.],\n        [3., 4.]])');
  });

  it('prints 0-d, int32, bool and float64 tensors like torch', () => {
    expect(tensor(3).toString()).toBe('tensor(3.)');
    expect(tensor([1, 2], { dtype: 'int32' }).toString()).toBe('tensor([1, 2], dtype=int32)');
    expect(tensor([true, false]).toString()).toBe('tensor([ True, False])');
    expect(tensor([0.5], { dtype: 'float64' }).toString()).toBe('tensor([0.5000], dtype=float64)');
  });

  it('shows requires_grad on leaves and grad_fn on results, as PyTorch does', () => {
    const x = tensor([1], { requiresGrad: true });
    expect(x.toString()).toBe('tensor([1.], requires_grad=True)');
    expect(x.mul(2).toString()).toBe('tensor([2.], grad_fn=<MulBackward>)');
    expect(tensor([0.5], { dtype: 'float64', requiresGrad: true }).toString()).toBe(
      'tensor([0.5000], dtype=float64, requires_grad=True)',
    );
  });

  it('console.log and util.inspect print the tensor, not its fields; so does a template string', () => {
    const x = tensor([1.5, -2.25], { requiresGrad: true });
    expect(inspect(x)).toBe('tensor([ 1.5000, -2.2500], requires_grad=True)');
    expect(inspect({ loss: tensor(0.25) })).toBe('{ loss: tensor(0.2500) }');
    expect(`${x}`).toBe('tensor([ 1.5000, -2.2500], requires_grad=True)');
    const p = new nn.Parameter(tensor([1, 2]));
    expect(inspect(p)).toBe('Parameter containing:\ntensor([1., 2.], requires_grad=True)');
  });

  it('console.log(model) prints the module tree', () => {
    const model = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1, { bias: false }));
    const expected =
      'Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n' +
      '  (2): Linear(in_features=3, out_features=1, bias=False)\n)';
    expect(inspect(model)).toBe(expected);
    expect(`${model}`).toBe(expected);
  });

  it('uses scientific notation for wide ranges and summarises large tensors', () => {
    expect(tensor([1e-5, 1]).toString()).toBe('tensor([1.0000e-05, 1.0000e+00])');
    const big = arange(2000, undefined, 1, { dtype: 'float32' }).toString();
    expect(big).toBe(
      'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03, 1.9990e+03])'.replace(
        /e\+00/g,
        'e+00',
      ),
    );
  });

  it('prints empty tensors', () => {
    expect(zeros([0]).toString()).toBe('tensor([])');
  });
});
