// @file Products whose float32 terms overflow: wasm matmul and convolutions give the js oracle's sums (issue 14).
import { describe, expect, it } from 'vitest';
import * as nt from '../../src/index.js';
import { tensor, type Tensor } from '../../src/index.js';
import { BACKENDS, withBackend } from '../ops/on-both-backends.js';

/*
 * Each case is a sum whose exact value is known: a term that overflows float32 (3e38·3 = 9e38) beside an infinite
 * one. Exactly, −∞ + 9e38 = −∞ and +∞ − 9e38 = +∞; a float32 kernel that rounds the product first makes
 * ∞ − ∞ = NaN (the seed-7 differential sweep's programs 7-0472, 7-0713 and 7-1401). A NaN that an input carries
 * stays NaN.
 */
const values = (t: Tensor): number[] => Array.from(t.storage);

describe.each(BACKENDS)('float32 overflow inside a product (%s)', (backend) => {
  it('matmul: −∞·1.5 + 3e38·3 = −∞, and a NaN row stays NaN', () =>
    withBackend(backend, () => {
      const a = tensor([
        [-Infinity, 3e38],
        [NaN, 1],
      ]);
      expect(values(nt.matmul(a, tensor([[1.5], [3]])))).toEqual([-Infinity, NaN]);
    }));

  it('conv2d forward: the same sum over a window, beside an image holding a NaN', () =>
    withBackend(backend, () => {
      const x = tensor([-Infinity, 3e38, NaN, 1], { shape: [2, 1, 2, 1] });
      const w = tensor([1.5, 3], { shape: [1, 1, 2, 1] });
      expect(values(nt.conv2d(x, w))).toEqual([-Infinity, NaN]);
    }));

  it('conv2d input gradient: 3e38·3 + (−∞)·1.5 = −∞ over the output channels', () =>
    withBackend(backend, () => {
      const x = tensor([0.5], { shape: [1, 1, 1, 1], requiresGrad: true });
      const w = tensor([3e38, -Infinity], { shape: [2, 1, 1, 1] });
      nt.conv2d(x, w).backward(tensor([3, 1.5], { shape: [1, 2, 1, 1] }));
      expect(values(x.grad!)).toEqual([-Infinity]);
    }));

  it('conv2d weight gradient: 3e38·(−3) + ∞·1 = +∞ over the images', () =>
    withBackend(backend, () => {
      const x = tensor([3e38, Infinity], { shape: [2, 1, 1, 1] });
      const w = tensor([0.5], { shape: [1, 1, 1, 1], requiresGrad: true });
      nt.conv2d(x, w).backward(tensor([-3, 1], { shape: [2, 1, 1, 1] }));
      expect(values(w.grad!)).toEqual([Infinity]);
    }));
});
