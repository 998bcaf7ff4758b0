// @file The fused training-mode batch norm op: against the same formula built from ops, gradients, double backward.
import { describe, expect, it } from 'vitest';
import { enableGrad } from '../../src/autograd/grad-mode.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import { manualSeed, noGrad, rand, randn, type Tensor } from '../../src/index.js';
import { batchNormInference, batchNormTraining } from '../../src/ops/normalization.js';

/** The textbook formula from ops: (x − μ)/√(σ² + ε)·γ + β over every dim but 1. */
function reference(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const channelShape = [x.shape[1]!, ...x.shape.slice(2).map(() => 1)];
  const centered = x.sub(x.mean(dims, true));
  let out = centered.mul(centered.square().mean(dims, true).add(eps).rsqrt());
  if (weight) out = out.mul(weight.reshape(channelShape));
  if (bias) out = out.add(bias.reshape(channelShape));
  return out;
}

function close(a: Tensor, b: Tensor, tolerance: number): void {
  const x = a.reshape([-1]).toArray() as number[];
  const y = b.reshape([-1]).toArray() as number[];
  expect(x.length).toBe(y.length);
  x.forEach((v, i) =>
    expect(Math.abs(v - y[i]!), `at ${i}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(y[i]!))),
  );
}

describe('batchNormTraining', () => {
  const shapes = [
    [6, 3],
    [4, 5, 7],
    [3, 4, 6, 5],
    [64, 16, 8, 8], // large enough for the wasm kernels
  ];
  for (const dtype of ['float32', 'float64'] as const) {
    for (const shape of shapes) {
      it(`matches the formula built from ops, forward and backward (${dtype}, [${shape.join(', ')}])`, () => {
        manualSeed(3);
        const channels = shape[1]!;
        const x = randn(shape, { dtype }).mul(3).add(1.5).detach().requiresGrad_();
        const weight = randn([channels], { dtype }).requiresGrad_();
        const bias = randn([channels], { dtype }).requiresGrad_();
        const upstream = randn(shape, { dtype });
        const { out, mean, variance } = batchNormTraining(x, weight, bias, 1e-5);
        out.mul(upstream).sum().backward();
        const grads = [x.grad!, weight.grad!, bias.grad!];
        [x, weight, bias].forEach((t) => (t.grad = null));
        const want = reference(x, weight, bias, 1e-5);
        want.mul(upstream).sum().backward();
        const tolerance = dtype === 'float32' ? 2e-4 : 1e-10;
        close(out, want, tolerance);
        close(grads[0]!, x.grad!, tolerance);
        close(grads[1]!, weight.grad!, tolerance);
        close(grads[2]!, bias.grad!, tolerance);
        const dims = shape.map((_, i) => i).filter((i) => i !== 1);
        close(mean, x.detach().mean(dims), tolerance);
        close(variance, x.detach().var(dims, { correction: 0 }), tolerance);
      });
    }
  }

  it('without affine parameters, and with only some inputs requiring grad', () => {
    manualSeed(4);
    const x = randn([5, 3, 4], { dtype: 'float64' }).requiresGrad_();
    const { out } = batchNormTraining(x, null, null, 1e-3);
    out.square().sum().backward();
    const got = x.grad!;
    x.grad = null;
    reference(x, null, null, 1e-3).square().sum().backward();
    close(got, x.grad!, 1e-10);
    const weight = randn([3], { dtype: 'float64' }).requiresGrad_();
    const frozen = randn([5, 3, 4], { dtype: 'float64' });
    batchNormTraining(frozen, weight, null, 1e-5).out.sum().backward();
    expect(weight.grad).not.toBeNull();
  });

  it('passes gradcheck for input, weight and bias', () => {
    manualSeed(5);
    const fn = (x?: Tensor, w?: Tensor, b?: Tensor) => batchNormTraining(x!, w!, b!, 1e-5).out;
    const inputs = [
      randn([4, 3, 2, 2], { dtype: 'float64' }),
      randn([3], { dtype: 'float64' }),
      randn([3], { dtype: 'float64' }),
    ];
    expect(gradcheck(fn, inputs)).toBe(true);
  });

  it('supports double backward (createGraph builds the VJP from ops)', () => {
    manualSeed(6);
    const upstream = randn([3, 2, 4], { dtype: 'float64' });
    const weight = randn([2], { dtype: 'float64' });
    const gradientNorm = (x?: Tensor) =>
      enableGrad(() => {
        x!.grad = null;
        batchNormTraining(x!.square(), weight, null, 1e-5)
          .out.mul(upstream)
          .sum()
          .backward(undefined, { createGraph: true });
        return x!.grad!.square().sum();
      });
    expect(gradcheck(gradientNorm, [randn([3, 2, 4], { dtype: 'float64' })])).toBe(true);
  });
});

describe('batchNormInference', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const shape of [
      [7, 3],
      [4, 5, 9],
      [64, 16, 8, 8],
    ]) {
      it(`is (x − μ)/√(σ² + ε)·γ + β with the running statistics (${dtype}, [${shape.join(', ')}])`, () => {
        manualSeed(7);
        const channels = shape[1]!;
        const x = randn(shape, { dtype }).mul(2).add(0.5);
        const mean = randn([channels], { dtype });
        const variance = rand([channels], { dtype }).add(0.1);
        const weight = randn([channels], { dtype });
        const bias = randn([channels], { dtype });
        const channelShape = [channels, ...shape.slice(2).map(() => 1)];
        const want = x
          .sub(mean.reshape(channelShape))
          .div(variance.add(1e-5).sqrt().reshape(channelShape))
          .mul(weight.reshape(channelShape))
          .add(bias.reshape(channelShape));
        const got = batchNormInference(x, mean, variance, weight, bias, 1e-5)!;
        close(got, want, dtype === 'float32' ? 1e-5 : 1e-12);
        const plain = batchNormInference(x, mean, variance, null, null, 1e-3)!;
        close(
          plain,
          x.sub(mean.reshape(channelShape)).div(variance.add(1e-3).sqrt().reshape(channelShape)),
          dtype === 'float32' ? 1e-5 : 1e-12,
        );
      });
    }
  }

  it('declines (null) when a gradient is wanted or the dtypes differ, so the caller builds it from ops', () => {
    const x = randn([4, 3]);
    const stats = [randn([3]), rand([3]).add(1)] as const;
    const weight = randn([3]).requiresGrad_();
    expect(batchNormInference(x, stats[0], stats[1], weight, null, 1e-5)).toBeNull();
    expect(noGrad(() => batchNormInference(x, stats[0], stats[1], weight, null, 1e-5))).not.toBeNull();
    expect(batchNormInference(x.double(), stats[0], stats[1], null, null, 1e-5)).toBeNull();
  });
});
