// @file einsum against PyTorch fixtures on both backends, gradcheck (attention and bilinear contractions, diagonals, ellipsis) and errors.
import { describe, expect, it } from 'vitest';
import {
  ShapeError,
  ValueError,
  bmm,
  einsum,
  enableGrad,
  gradcheck,
  matmul,
  randn,
  type Tensor,
} from '../../src/index.js';
import { goldenSuite } from '../helpers/golden.js';
import { goldenOnBothBackends } from './on-both-backends.js';
import { EINSUM_RUNNERS as RUNNERS } from './runners/einsum.js';
goldenSuite('einsum', RUNNERS);
goldenOnBothBackends('einsum', RUNNERS, (name) =>
  /^einsum\/(bhqd,bhkd->bhqk|bn,anm,bm->ba|\.\.\.ij,\.\.\.jk->\.\.\.ik|bqd,bkd->bqk|iij->j)\|/.test(name),
);

describe('einsum', () => {
  const f64 = (...shape: number[]) => randn(shape, { dtype: 'float64' });
  const cases: [string, number[][]][] = [
    [
      'bhqd,bhkd->bhqk',
      [
        [1, 2, 3, 4],
        [1, 2, 5, 4],
      ],
    ],
    [
      'bn,anm,bm->ba',
      [
        [2, 3],
        [2, 3, 4],
        [2, 4],
      ],
    ],
    ['ii->', [[3, 3]]],
    ['iij->ji', [[3, 3, 2]]],
    [
      '...ij,...jk',
      [
        [2, 1, 2, 3],
        [3, 3, 2],
      ],
    ],
    [
      'ij,jk',
      [
        [2, 1],
        [3, 2],
      ],
    ],
  ];
  for (const [equation, shapes] of cases) {
    it(`passes gradcheck for '${equation}'`, () => {
      expect(
        gradcheck(
          (...xs: Tensor[]) => einsum(equation, ...xs),
          shapes.map((s) => f64(...s)),
        ),
      ).toBe(true);
    });
  }

  it('supports double backward through its batched products and diagonals', () => {
    const other = f64(3, 4);
    const upstream = f64(3, 3);
    const gradientOf = (a: Tensor): Tensor =>
      enableGrad(() => {
        const saved = a.grad;
        a.grad = null;
        const y = einsum('ij,kj->ik', a.square(), other).add(einsum('ii->i', einsum('ij,kj->ik', a, a)));
        y.backward(upstream, { createGraph: true, retainGraph: true });
        const gradient = a.grad!;
        a.grad = saved;
        return gradient;
      });
    expect(gradcheck((a) => gradientOf(a!), [f64(3, 4)])).toBe(true);
  });

  it('agrees with matmul and bmm, and takes its operands as one array too', () => {
    const a = randn([2, 3, 4]);
    const b = randn([2, 4, 5]);
    expect(einsum('bij,bjk->bik', a, b).toArray()).toEqual(bmm(a, b).toArray());
    expect(einsum('bij,bjk->bik', [a, b]).toArray()).toEqual(bmm(a, b).toArray());
    const w = randn([4]);
    expect(einsum('bij,j', a, w).toArray()).toEqual(matmul(a, w).toArray());
  });

  it('refuses malformed equations, naming the equation and the shapes', () => {
    const a = randn([2, 3]);
    const b = randn([4, 5]);
    expect(() => einsum('ij,jk->ik', a, b)).toThrow(ShapeError);
    expect(() => einsum('ij,jk->ik', a, b)).toThrow(
      "einsum: subscript 'j' has size 4 in operand 1, which does not broadcast with size 3 in operand 0 (equation 'ij,jk->ik', shapes [2, 3], [4, 5])",
    );
    expect(() => einsum('ij,jk->ik', a)).toThrow(ValueError);
    expect(() => einsum('ij,jk->ik', a)).toThrow(
      "einsum: the equation names 2 operand(s) but 1 tensor was given (equation 'ij,jk->ik', shapes [2, 3])",
    );
    expect(() => einsum('ijk', a)).toThrow(
      "einsum: operand 0 has 2 dim(s) but its subscripts 'ijk' name 3 and it has no ... (equation 'ijk', shapes [2, 3])",
    );
    expect(() => einsum('ij->jk', a)).toThrow("einsum: output subscript 'k' does not appear in any operand");
    expect(() => einsum('ij->ii', a)).toThrow("einsum: output subscript 'i' appears more than once");
    expect(() => einsum('i2', a)).toThrow("einsum: invalid subscript '2' in operand 0");
    expect(() => einsum('...i...', a)).toThrow("einsum: operand 0 has more than one '...'");
    expect(() => einsum('ij->i->j', a)).toThrow("einsum: more than one '->'");
    expect(() => einsum('ii', a)).toThrow(
      "einsum: subscript 'i' is repeated in operand 0 with different sizes 2 and 3 (equation 'ii', shapes [2, 3])",
    );
    expect(() => einsum('i...,...i', randn([3, 2, 5]), randn([5, 2, 3]))).toThrow(
      /subscript '…0' has size 5/,
    );
  });
});
