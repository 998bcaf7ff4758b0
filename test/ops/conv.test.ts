// @file conv1d and conv2d (and the conv fixture family's pooling cases) against PyTorch, gradcheck, adjoints, errors.
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  ShapeError,
  ValueError,
  conv1d,
  conv2d,
  enableGrad,
  gradcheck,
  randn,
  tensor,
  type Conv2dOptions,
  type Tensor,
} from '../../src/index.js';
import { goldenSuite } from '../helpers/golden.js';
import { CONV_RUNNERS } from './runners/conv.js';

goldenSuite('conv', CONV_RUNNERS);

const f64 = (...shape: number[]) => randn(shape, { dtype: 'float64' });

describe('conv gradcheck (float64)', () => {
  const cases: [string, number[], number[], boolean, Conv2dOptions][] = [
    ['plain with bias', [2, 2, 4, 4], [2, 2, 3, 3], true, {}],
    ['stride 2, padding 1', [1, 2, 5, 5], [3, 2, 3, 3], true, { stride: 2, padding: 1 }],
    ['dilation 2', [1, 1, 5, 5], [2, 1, 2, 2], false, { dilation: 2, padding: [1, 0] }],
    ['groups 2', [1, 4, 4, 4], [4, 2, 2, 2], true, { groups: 2 }],
    ["'same', even kernel", [1, 2, 4, 3], [2, 2, 2, 2], true, { padding: 'same' }],
    ['unbatched', [2, 4, 4], [2, 2, 3, 3], true, { padding: 1 }],
  ];
  for (const [name, xs, ws, bias, options] of cases) {
    it(name, () => {
      const inputs = [f64(...xs), f64(...ws), ...(bias ? [f64(ws[0]!)] : [])];
      expect(gradcheck((x, w, b) => conv2d(x!, w!, b, options), inputs)).toBe(true);
    });
  }
  it('conv1d with stride, padding and groups', () => {
    const fn = (x?: Tensor, w?: Tensor, b?: Tensor) =>
      conv1d(x!, w!, b, { stride: 2, padding: 1, groups: 2 });
    expect(gradcheck(fn, [f64(2, 2, 7), f64(4, 1, 3), f64(4)])).toBe(true);
  });
  it('double backward: the gradient functions are differentiable too', () => {
    const upstream = f64(1, 2, 4, 4);
    const gradients = (x: Tensor, w: Tensor): Tensor =>
      enableGrad(() => {
        x.grad = null;
        w.grad = null;
        conv2d(x, w, null, { padding: 1 }).mul(upstream).sum().backward(undefined, { createGraph: true });
        // ∂/∂x and ∂/∂w of Σ conv·upstream, reduced to one differentiable output.
        return x.grad!.square().sum().add(w.grad!.square().sum());
      });
    expect(gradcheck((x, w) => gradients(x!, w!), [f64(1, 1, 3, 3), f64(2, 1, 2, 2)])).toBe(true);
  });
});

/** Direct six-loop convolution in float64: the oracle for the im2col path. */
function naiveConv2d(x: Tensor, w: Tensor, stride: number, padding: number): Float64Array {
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [o, , kh, kw] = w.shape as [number, number, number, number];
  const oh = Math.floor((h + 2 * padding - kh) / stride) + 1;
  const ow = Math.floor((wd + 2 * padding - kw) / stride) + 1;
  const out = new Float64Array(n * o * oh * ow);
  const xs = x.storage;
  const ws = w.storage;
  for (let b = 0; b < n; b++)
    for (let f = 0; f < o; f++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let s = 0;
          for (let ch = 0; ch < c; ch++)
            for (let p = 0; p < kh; p++)
              for (let q = 0; q < kw; q++) {
                const r = i * stride - padding + p;
                const col = j * stride - padding + q;
                if (r < 0 || r >= h || col < 0 || col >= wd) continue;
                s += xs[((b * c + ch) * h + r) * wd + col]! * ws[((f * c + ch) * kh + p) * kw + q]!;
              }
          out[((b * o + f) * oh + i) * ow + j] = s;
        }
  return out;
}

function dot(a: Tensor, b: Tensor): number {
  let s = 0;
  for (let i = 0; i < a.numel(); i++) s += a.storage[i]! * b.storage[i]!;
  return s;
}

describe('conv kernels on larger shapes', () => {
  const check = (xs: number[], ws: number[], stride: number, padding: number): void => {
    const x = f64(...xs).requiresGrad_();
    const w = f64(...ws).requiresGrad_();
    const y = conv2d(x, w, null, { stride, padding });
    const expected = naiveConv2d(x, w, stride, padding);
    expect(y.numel()).toBe(expected.length);
    let worst = 0;
    expected.forEach((e, i) => (worst = Math.max(worst, Math.abs(e - y.storage[i]!))));
    expect(worst).toBeLessThan(1e-9);
    // Adjoint identities ⟨conv(x, w), g⟩ = ⟨x, ∂x⟩ = ⟨w, ∂w⟩ check both backward kernels on the same path.
    const g = f64(...y.shape);
    y.backward(g);
    const reference = dot(y, g);
    expect(dot(x, x.grad!)).toBeCloseTo(reference, 8);
    expect(dot(w, w.grad!)).toBeCloseTo(reference, 8);
  };
  it('the packed (blocked) matmul path', () => check([2, 8, 12, 12], [16, 8, 3, 3], 1, 1));
  it('a batch unfolded in several im2col chunks', () => check([2, 1, 128, 128], [1, 1, 13, 13], 1, 0));
  it('strided with padding', () => check([2, 3, 11, 9], [4, 3, 3, 3], 2, 1));
});

describe('conv errors', () => {
  it('wrong input rank', () => {
    expect(() => conv2d(randn([28, 28]), randn([6, 1, 5, 5]))).toThrow(ShapeError);
    expect(() => conv2d(randn([28, 28]), randn([6, 1, 5, 5]))).toThrow(
      'conv2d: expected a 3-D (unbatched) or 4-D (batched) input, got shape [28, 28]',
    );
    expect(() => conv1d(randn([2, 3, 4, 5]), randn([2, 3, 3]))).toThrow(
      'conv1d: expected a 2-D (unbatched) or 3-D (batched) input, got shape [2, 3, 4, 5]',
    );
    expect(() => conv2d(randn([1, 1, 5, 5]), randn([6, 1, 5]))).toThrow(/weight must be 4-D/);
  });
  it('channel count that does not fit weight and groups', () => {
    expect(() => conv2d(randn([8, 1, 28, 28]), randn([6, 3, 5, 5]))).toThrow(
      'conv2d: expected input with 3 channels (weight shape [6, 3, 5, 5], groups 1), got shape [8, 1, 28, 28]',
    );
    expect(() => conv2d(randn([1, 4, 5, 5]), randn([6, 2, 3, 3]), null, { groups: 3 })).toThrow(ShapeError);
  });
  it('out channels not divisible by groups', () => {
    expect(() => conv2d(randn([1, 4, 5, 5]), randn([3, 2, 3, 3]), null, { groups: 2 })).toThrow(ValueError);
  });
  it('kernel larger than the padded input', () => {
    expect(() => conv2d(randn([1, 1, 4, 4]), randn([1, 1, 5, 5]))).toThrow(
      'conv2d: kernel size (5, 5) is larger than the padded input (4, 4)',
    );
    expect(() => conv2d(randn([1, 1, 4, 4]), randn([1, 1, 3, 3]), null, { dilation: 2 })).toThrow(
      'conv2d: kernel size (3, 3) with dilation (2, 2) spans (5, 5), which is larger than the padded input (4, 4)',
    );
    expect(() => conv2d(randn([1, 1, 4, 4]), randn([1, 1, 5, 5]), null, { padding: 1 })).not.toThrow();
  });
  it("padding='same' with a stride above 1", () => {
    expect(() =>
      conv2d(randn([1, 1, 4, 4]), randn([1, 1, 3, 3]), null, { stride: 2, padding: 'same' }),
    ).toThrow("conv2d: padding='same' is not supported for strided convolutions (stride (2, 2))");
  });
  it('bad option values, bias shape and dtypes', () => {
    const x = randn([1, 1, 5, 5]);
    const w = randn([2, 1, 3, 3]);
    expect(() => conv2d(x, w, null, { stride: 0 })).toThrow(ValueError);
    expect(() => conv2d(x, w, null, { padding: -1 })).toThrow(ValueError);
    expect(() => conv2d(x, w, null, { dilation: [1, 2, 3] as unknown as [number, number] })).toThrow(
      ValueError,
    );
    expect(() => conv2d(x, w, randn([3]))).toThrow(/bias must have shape \[2\]/);
    expect(() => conv2d(tensor([[[[1]]]], { dtype: 'int32' }), w)).toThrow(DTypeError);
  });
});

describe('conv dtypes', () => {
  it('promotes float32 input with float64 weight to float64', () => {
    const y = conv2d(randn([1, 1, 3, 3]), f64(1, 1, 2, 2));
    expect(y.dtype).toBe('float64');
  });
});
