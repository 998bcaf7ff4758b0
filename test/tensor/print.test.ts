// @file toString matches PyTorch's repr format for the common cases.
import { describe, expect, it } from 'vitest';
import { arange, tensor, zeros } from '../../src/index.js';

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

  it('shows requiresGrad on leaves and gradFn on results', () => {
    const x = tensor([1], { requiresGrad: true });
    expect(x.toString()).toBe('tensor([1.], requiresGrad=true)');
    expect(x.mul(2).toString()).toBe('tensor([2.], gradFn=<MulBackward>)');
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
