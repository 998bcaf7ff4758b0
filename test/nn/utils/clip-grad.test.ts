// @file nn.utils.clipGradNorm_ and clipGradValue_ against PyTorch, and their edge cases.
import { describe, expect, it } from 'vitest';
import { ValueError, nn, tensor, zeros } from '../../../src/index.js';
import { decode, expectClose } from '../../helpers/golden.js';
import { loadOptimFixture } from '../../optim/fixture.js';

const cases = loadOptimFixture().clip;

function withGrads(grads: ReturnType<typeof decode>[]) {
  return grads.map((g) => {
    const p = new nn.Parameter(zeros([...g.shape]));
    p.grad = g;
    return p;
  });
}

describe('gradient clipping matches PyTorch', () => {
  for (const c of cases) {
    const label =
      c.kind === 'norm'
        ? `clipGradNorm_(maxNorm ${c.maxNorm}, normType ${c.normType})`
        : `clipGradValue_(${c.clipValue})`;
    it(label, () => {
      const params = withGrads(c.grads.map((g) => decode(g)));
      if (c.kind === 'norm') {
        const normType =
          typeof c.normType === 'string' ? (c.normType === 'inf' ? Infinity : -Infinity) : c.normType!;
        const extra = new nn.Parameter(zeros([2])); // no grad: ignored
        const total = nn.utils.clipGradNorm_([...params, extra], c.maxNorm!, normType);
        expect(Math.abs(total - c.totalNorm!)).toBeLessThanOrEqual(1e-6 * c.totalNorm!);
        expect(extra.grad).toBeNull();
      } else nn.utils.clipGradValue_(params, c.clipValue!);
      params.forEach((p, i) => expectClose(p.grad!, c.clipped[i]!, `grad ${i}`, { rtol: 1e-6, atol: 1e-7 }));
    });
  }
});

describe('clipGradNorm_ edge cases', () => {
  it('accepts a single tensor and returns 0 when there are no gradients', () => {
    const p = new nn.Parameter(tensor([3, 4]));
    expect(nn.utils.clipGradNorm_(p, 1)).toBe(0);
    p.grad = tensor([3, 4]);
    expect(nn.utils.clipGradNorm_(p, 1)).toBeCloseTo(5, 6);
    expect(p.grad.toArray()).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
  });

  it('throws on a non-finite norm only when asked', () => {
    const p = new nn.Parameter(tensor([1, 2]));
    p.grad = tensor([Infinity, 1]);
    expect(() => nn.utils.clipGradNorm_([p], 1, 2, { errorIfNonfinite: true })).toThrow(ValueError);
    expect(nn.utils.clipGradNorm_([p], 1)).toBe(Infinity);
  });

  it('normType 0 counts non-zeros per gradient, then the gradients with any (as torch.norm nests them)', () => {
    const grads = [tensor([0, 1, 2]), tensor([0, 0]), tensor([3])];
    const params = grads.map((g) => Object.assign(new nn.Parameter(zeros([...g.shape])), { grad: g }));
    expect(nn.utils.clipGradNorm_(params, 1, 0)).toBe(2);
    const scale = 1 / (2 + 1e-6);
    expect(params[0]!.grad!.toArray()).toEqual([0, expect.closeTo(scale, 6), expect.closeTo(2 * scale, 6)]);
  });

  it('a negative normType p gives (Σ|x|^p)^(1/p) at both levels, mixed float32 and float64 gradients', () => {
    const values = [[0.5, 1, 2], [1, 4], [3]];
    const params = values.map((v, i) =>
      Object.assign(new nn.Parameter(zeros([v.length])), {
        grad: tensor(v, { dtype: i === 1 ? 'float64' : 'float32' }),
      }),
    );
    const norm = (xs: number[]): number => xs.reduce((s, x) => s + Math.abs(x) ** -1, 0) ** -1;
    const expected = norm(values.map(norm));
    expect(nn.utils.clipGradNorm_(params, 0.1, -1)).toBeCloseTo(expected, 6);
    const scale = 0.1 / (expected + 1e-6);
    expect(params[1]!.grad!.toArray()).toEqual([expect.closeTo(scale, 6), expect.closeTo(4 * scale, 6)]);
  });

  it('clipGradValue_ leaves values inside the range alone', () => {
    const p = new nn.Parameter(tensor([1, 2, 3]));
    p.grad = tensor([-5, 0.5, 5]);
    nn.utils.clipGradValue_(p, 1);
    expect(p.grad.toArray()).toEqual([-1, 0.5, 1]);
  });
});
