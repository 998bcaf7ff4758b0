// @file In-place ops into int32 and bool tensors: PyTorch's casting rule and int32's range, never a silent wrap.
import { describe, expect, it } from 'vitest';
import * as nt from '../../src/index.js';
import { DTypeError, ValueError, tensor } from '../../src/index.js';

const ints = () => tensor([1, 2], { dtype: 'int32' });

describe('in-place ops keep the target dtype as PyTorch 1.13 does (issue 14)', () => {
  it('refuses a float result into an int32 tensor and a number into a bool one', () => {
    // torch.tensor([1, 2], dtype=torch.int32).add_(1.5) and .add_(3e9):
    //   RuntimeError: result type Float can't be cast to the desired output type Int
    expect(() => ints().add_(1.5)).toThrow(DTypeError);
    expect(() => ints().add_(3e9)).toThrow(
      "add_: result type float32 can't be cast to the desired output type int32",
    );
    expect(() => ints().mul_(0.5)).toThrow(DTypeError);
    expect(() => ints().clamp_(0.5)).toThrow(DTypeError);
    // torch.tensor([True]).add_(1): result type Long can't be cast to the desired output type Bool
    expect(() => tensor([true]).add_(1)).toThrow(DTypeError);
  });
  it('keeps int32 arithmetic that stays int32', () => {
    expect(ints().add_(3).toArray()).toEqual([4, 5]);
    expect(
      ints()
        .mul_(tensor([2, 3], { dtype: 'int32' }))
        .toArray(),
    ).toEqual([2, 6]);
    expect(tensor([1.5, 2]).add_(ints()).toArray()).toEqual([2.5, 4]);
  });
  it('fills int32 tensors with truncated values, refusing values that int32 cannot hold', () => {
    // torch.tensor([1, 2], dtype=torch.int32).fill_(2.7) → [2, 2]; .fill_(1e30) and masked_fill_(mask, 1e30):
    //   RuntimeError: value cannot be converted to type int without overflow
    expect(ints().fill_(2.7).toArray()).toEqual([2, 2]);
    expect(ints().fill_(-2147483648).toArray()).toEqual([-2147483648, -2147483648]);
    for (const value of [1e30, 2147483648, -3e9, Infinity, NaN]) {
      expect(() => ints().fill_(value)).toThrow(ValueError);
      expect(() => nt.maskedFill(ints(), tensor([true, false]), value)).toThrow(
        `maskedFill: value ${value} cannot be converted to int32 without overflow`,
      );
    }
    expect(nt.maskedFill(ints(), tensor([true, false]), 2.7).toArray()).toEqual([2, 2]);
  });
});
