// @file bmm and baddbmm against PyTorch fixtures on both backends, gradcheck, and shape errors.
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, baddbmm, bmm, gradcheck, matmul, randn, tensor } from '../../src/index.js';
import { goldenSuite } from '../helpers/golden.js';
import { goldenOnBothBackends } from './on-both-backends.js';
import { BMM_RUNNERS as RUNNERS } from './runners/matmul.js';
goldenSuite('bmm', RUNNERS);
goldenOnBothBackends('bmm', RUNNERS, (name) =>
  /\/(\[2, 3, 4\]x\[2, 4, 5\]|large|k0|row|beta0_nan)$/.test(name),
);

describe('bmm and baddbmm', () => {
  const f64 = (...shape: number[]) => randn(shape, { dtype: 'float64' });
  it('pass gradcheck in float64', () => {
    expect(gradcheck((a, b) => bmm(a!, b!), [f64(2, 3, 4), f64(2, 4, 2)])).toBe(true);
    const scaled = { beta: 0.5, alpha: -2 };
    expect(gradcheck((i, a, b) => baddbmm(i!, a!, b!, scaled), [f64(3, 1), f64(2, 3, 4), f64(2, 4, 2)])).toBe(
      true,
    );
    expect(
      gradcheck((i, a, b) => baddbmm(i!, a!, b!, { beta: 0 }), [f64(2), f64(2, 3, 4), f64(2, 4, 2)]),
    ).toBe(true);
  });

  it('agree with matmul on each batch entry; methods call the ops', () => {
    const a = randn([3, 2, 4]);
    const b = randn([3, 4, 5]);
    const viaMatmul = matmul(a, b).toArray();
    expect(a.bmm(b).toArray()).toEqual(viaMatmul);
    const input = randn([5]);
    const expected = matmul(a, b).mul(2).add(input.mul(3));
    const actual = input.baddbmm(a, b, { beta: 3, alpha: 2 });
    const diff = actual.sub(expected).abs().max().item();
    expect(diff).toBeLessThan(1e-5);
  });

  it('refuse operands that are not 3-D with one batch size, naming the shapes', () => {
    expect(() => bmm(randn([3, 4]), randn([4, 5]))).toThrow(ShapeError);
    expect(() => bmm(randn([3, 4]), randn([4, 5]))).toThrow(
      'bmm: expected two 3-D tensors [batch, n, m] and [batch, m, p], got shapes [3, 4] and [4, 5]',
    );
    expect(() => bmm(randn([2, 3, 4]), randn([3, 4, 5]))).toThrow(
      'bmm: batch sizes differ: shapes [2, 3, 4] and [3, 4, 5] (2 ≠ 3)',
    );
    expect(() => bmm(randn([2, 3, 4]), randn([2, 5, 5]))).toThrow(
      'bmm: cannot multiply shapes [2, 3, 4] and [2, 5, 5] (4 ≠ 5)',
    );
    expect(() => baddbmm(randn([2, 2, 3, 5]), randn([2, 3, 4]), randn([2, 4, 5]))).toThrow(
      "baddbmm: input of shape [2, 2, 3, 5] does not broadcast to the product's shape [2, 3, 5]",
    );
    expect(() => baddbmm(randn([4]), randn([2, 3, 4]), randn([2, 4, 5]))).toThrow(ShapeError);
    expect(() => baddbmm(randn([5]), randn([2, 3, 4]), randn([2, 4, 5]), { beta: NaN })).toThrow(ValueError);
    expect(() =>
      baddbmm(randn([5]), randn([2, 3, 4]), randn([2, 4, 5]), { gamma: 1 } as unknown as { beta: number }),
    ).toThrow("baddbmm: unknown option 'gamma'");
    expect(() => bmm(tensor([[[1]]], { dtype: 'int32' }), randn([1, 1, 1]))).toThrow(/bmm/);
  });
});
