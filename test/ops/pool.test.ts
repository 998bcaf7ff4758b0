// @file maxPool2d, avgPool2d and adaptiveAvgPool2d: gradcheck, ties and NaN, indices, errors (fixtures: conv.test.ts).
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  ShapeError,
  ValueError,
  adaptiveAvgPool2d,
  arange,
  avgPool2d,
  enableGrad,
  gradcheck,
  maxPool2d,
  randn,
  tensor,
  type Tensor,
} from '../../src/index.js';

const f64 = (...shape: number[]) => randn(shape, { dtype: 'float64' });

describe('pooling gradcheck (float64)', () => {
  it('maxPool2d with stride, padding, dilation and ceilMode', () => {
    const options = { stride: 2, padding: 1, dilation: [1, 2] as [number, number], ceilMode: true };
    expect(gradcheck((x) => maxPool2d(x!, 3, options), [f64(1, 2, 6, 7)])).toBe(true);
  });
  it('maxPool2d, unbatched, non-square kernel', () => {
    expect(gradcheck((x) => maxPool2d(x!, [2, 3], { stride: 1 }), [f64(2, 4, 5)])).toBe(true);
  });
  it('avgPool2d counting padding, with ceilMode', () => {
    expect(
      gradcheck((x) => avgPool2d(x!, 3, { stride: 2, padding: 1, ceilMode: true }), [f64(1, 2, 6, 6)]),
    ).toBe(true);
  });
  it('avgPool2d without counting padding', () => {
    const fn = (x?: Tensor) =>
      avgPool2d(x!, [3, 2], { stride: [2, 1], padding: [1, 1], countIncludePad: false });
    expect(gradcheck(fn, [f64(2, 1, 5, 4)])).toBe(true);
  });
  it('adaptiveAvgPool2d with overlapping windows', () => {
    expect(gradcheck((x) => adaptiveAvgPool2d(x!, [3, 4]), [f64(1, 2, 5, 7)])).toBe(true);
  });
  it('double backward through avgPool2d and maxPool2d', () => {
    const upstream = f64(1, 1, 2, 2);
    const gradientNorm = (pool: (x: Tensor) => Tensor) => (x?: Tensor) =>
      enableGrad(() => {
        x!.grad = null;
        pool(x!.square()).mul(upstream).sum().backward(undefined, { createGraph: true });
        return x!.grad!.square().sum();
      });
    expect(
      gradcheck(
        gradientNorm((x) => avgPool2d(x, 2, { padding: 1 })),
        [f64(1, 1, 3, 3)],
      ),
    ).toBe(true);
    expect(
      gradcheck(
        gradientNorm((x) => maxPool2d(x, 2)),
        [f64(1, 1, 4, 4)],
      ),
    ).toBe(true);
  });
});

describe('maxPool2d winners', () => {
  it('ties go to the first maximum in row-major order, and its gradient only', () => {
    const x = tensor(
      [
        [
          [
            [1, 1, 0, 2],
            [1, 1, 2, 2],
            [0, 0, 0, 0],
            [0, 0, 0, 0],
          ],
        ],
      ],
      { requiresGrad: true },
    );
    const [y, indices] = maxPool2d(x, 2, { returnIndices: true });
    expect(y.toArray()).toEqual([
      [
        [
          [1, 2],
          [0, 0],
        ],
      ],
    ]);
    expect(indices.dtype).toBe('int32');
    expect(indices.toArray()).toEqual([
      [
        [
          [0, 3],
          [8, 10],
        ],
      ],
    ]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([
      [
        [
          [1, 0, 0, 1],
          [0, 0, 0, 0],
          [1, 0, 1, 0],
          [0, 0, 0, 0],
        ],
      ],
    ]);
  });
  it('overlapping windows add their gradients on a shared winner', () => {
    const x = tensor(
      [
        [
          [
            [0, 0, 0],
            [0, 5, 0],
            [0, 0, 0],
          ],
        ],
      ],
      { requiresGrad: true },
    );
    maxPool2d(x, 2, { stride: 1 }).sum().backward();
    expect(x.grad!.storage[4]).toBe(4);
  });
  it('NaN wins its window', () => {
    const y = maxPool2d(
      tensor([
        [
          [
            [1, NaN],
            [3, 2],
          ],
        ],
      ]),
      2,
    );
    expect(Number.isNaN(y.item())).toBe(true);
  });
  it('padding never wins, even against -Infinity', () => {
    const [y, indices] = maxPool2d(
      tensor([
        [
          [
            [-Infinity, -Infinity],
            [-Infinity, -Infinity],
          ],
        ],
      ]),
      2,
      {
        padding: 1,
        returnIndices: true,
      },
    );
    expect(y.toArray()).toEqual([
      [
        [
          [-Infinity, -Infinity],
          [-Infinity, -Infinity],
        ],
      ],
    ]);
    expect(indices.toArray()).toEqual([
      [
        [
          [0, 1],
          [2, 3],
        ],
      ],
    ]);
  });
});

describe('average pooling values', () => {
  it('avgPool2d of a ramp', () => {
    const x = arange(16).float().reshape([1, 1, 4, 4]);
    expect(avgPool2d(x, 2).toArray()).toEqual([
      [
        [
          [2.5, 4.5],
          [10.5, 12.5],
        ],
      ],
    ]);
  });
  it('adaptiveAvgPool2d to 1×1 is the global mean', () => {
    const x = randn([2, 3, 5, 4]);
    const y = adaptiveAvgPool2d(x, 1);
    expect(y.shape).toEqual([2, 3, 1, 1]);
    expect(y.storage[4]).toBeCloseTo(x.mean([2, 3]).storage[4]!, 5);
  });
});

describe('pooling errors', () => {
  it('padding above half the kernel', () => {
    expect(() => maxPool2d(randn([1, 1, 5, 5]), 2, { padding: 2 })).toThrow(ValueError);
    expect(() => maxPool2d(randn([1, 1, 5, 5]), 2, { padding: 2 })).toThrow(
      'maxPool2d: padding (2, 2) should be at most half of the kernel size (2, 2)',
    );
    expect(() => avgPool2d(randn([1, 1, 5, 5]), 3, { padding: 2 })).toThrow(
      /at most half of the kernel size/,
    );
  });
  it('an input too small for the window', () => {
    expect(() => maxPool2d(randn([1, 1, 1, 1]), 2)).toThrow(ShapeError);
    expect(() => maxPool2d(randn([1, 1, 1, 1]), 2)).toThrow(
      'maxPool2d: input of shape [1, 1, 1, 1] is too small: calculated output size (0, 0)',
    );
  });
  it('wrong rank, empty planes and integer inputs', () => {
    expect(() => avgPool2d(randn([4, 4]), 2)).toThrow(
      'avgPool2d: expected a 3-D (unbatched) or 4-D (batched) input, got shape [4, 4]',
    );
    expect(() => adaptiveAvgPool2d(randn([1, 0, 4]), 2)).toThrow(ShapeError);
    expect(() => maxPool2d(tensor([[[1]]], { dtype: 'int32' }), 1)).toThrow(DTypeError);
  });
  it('bad sizes', () => {
    expect(() => maxPool2d(randn([1, 1, 4, 4]), 0)).toThrow(ValueError);
    expect(() => adaptiveAvgPool2d(randn([1, 1, 4, 4]), [0, 2])).toThrow(ValueError);
    expect(() => avgPool2d(randn([1, 1, 4, 4]), 2, { divisorOverride: 0 })).toThrow(ValueError);
  });
});
