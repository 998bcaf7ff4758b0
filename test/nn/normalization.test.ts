// @file LayerNorm, BatchNorm1d/2d and their functional forms: statistics, buffers, modes and errors.
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, nn, ones, randn, tensor, zeros } from '../../src/index.js';

const F = nn.functional;

function rowStats(values: ArrayLike<number>): { mean: number; variance: number } {
  const xs = Array.from(values);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length };
}

describe('LayerNorm', () => {
  it('normalizes each sample over the trailing dims (mean 0, variance 1 before the affine part)', () => {
    const out = new nn.LayerNorm([2, 3]).forward(randn([4, 2, 3]).mul(5).add(3));
    for (let i = 0; i < 4; i++) {
      const { mean, variance } = rowStats(out.storage.subarray(i * 6, i * 6 + 6));
      expect(mean).toBeCloseTo(0, 5);
      expect(variance).toBeCloseTo(1, 3);
    }
  });

  it('has weight and bias of the normalized shape; bias: false or elementwiseAffine: false drop them', () => {
    expect(Object.keys(new nn.LayerNorm(4).stateDict())).toEqual(['weight', 'bias']);
    const noBias = new nn.LayerNorm(4, { bias: false });
    expect(Object.keys(noBias.stateDict())).toEqual(['weight']);
    expect(noBias.toString()).toBe('LayerNorm((4,), eps=1e-05, elementwise_affine=True)');
    expect(Object.keys(new nn.LayerNorm(4, { elementwiseAffine: false }).stateDict())).toEqual([]);
  });

  it('checks the trailing shape and its arguments', () => {
    expect(() => new nn.LayerNorm(4).forward(randn([2, 3]))).toThrow(ShapeError);
    expect(() => new nn.LayerNorm(4).forward(randn([2, 3]))).toThrow(
      'LayerNorm: expected input with trailing shape [4], got shape [2, 3]',
    );
    expect(() => F.layerNorm(randn([2, 3]), [2, 4])).toThrow(
      'layerNorm: expected input with shape [*, 2, 4] (normalizedShape [2, 4]), got shape [2, 3]',
    );
    expect(() => F.layerNorm(randn([2, 3]), 3, ones([4]))).toThrow(
      /weight of shape \[4\] does not match normalizedShape \[3\]/,
    );
    expect(() => new nn.LayerNorm([])).toThrow(ValueError);
    expect(() => new nn.LayerNorm(0)).toThrow(
      'LayerNorm: normalizedShape must hold positive integers, got [0]',
    );
    expect(() => new nn.LayerNorm(4, { eps: -1 })).toThrow(/eps must be a non-negative/);
  });
});

describe('BatchNorm1d', () => {
  it('normalizes each channel with batch statistics in training and updates the running ones', () => {
    const bn = new nn.BatchNorm1d(2);
    const x = tensor([
      [1, 10],
      [3, 20],
      [5, 30],
    ]);
    const out = bn.forward(x);
    const channel0 = [out.storage[0]!, out.storage[2]!, out.storage[4]!];
    expect(rowStats(channel0).mean).toBeCloseTo(0, 6);
    expect(rowStats(channel0).variance).toBeCloseTo(1, 3);
    // Running stats: 0.9·init + 0.1·batch, with the unbiased variance (4 and 100).
    expect(Array.from(bn.runningMean!.storage)).toEqual([0.1 * 3, 0.1 * 20].map(Math.fround));
    expect(bn.runningVar!.storage[0]).toBeCloseTo(0.9 + 0.1 * 4, 6);
    expect(bn.runningVar!.storage[1]).toBeCloseTo(0.9 + 0.1 * 100, 4);
    expect(bn.numBatchesTracked!.dtype).toBe('int32');
    expect(bn.numBatchesTracked!.item()).toBe(1);
  });

  it('uses the running statistics in eval mode, without updating them', () => {
    const bn = new nn.BatchNorm1d(2, { affine: false });
    bn.running_mean!.copy_(tensor([1, -1]));
    bn.running_var!.copy_(tensor([4, 9]));
    bn.eval();
    const out = bn.forward(tensor([[3, 2]]));
    expect(out.storage[0]).toBeCloseTo(2 / Math.sqrt(4 + 1e-5), 5);
    expect(out.storage[1]).toBeCloseTo(3 / Math.sqrt(9 + 1e-5), 5);
    expect(bn.numBatchesTracked!.item()).toBe(0);
  });

  it('exposes the PyTorch-named buffers and camelCase getters for the same tensors', () => {
    const bn = new nn.BatchNorm1d(3);
    expect(bn.runningMean).toBe(bn.running_mean);
    expect(bn.runningVar).toBe(bn.running_var);
    expect(bn.numBatchesTracked).toBe(bn.num_batches_tracked);
    expect(bn.namedBuffers().map(([k]) => k)).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    expect(bn.parameters().length).toBe(2);
  });

  it('with trackRunningStats false has no buffers and uses batch statistics in eval too', () => {
    const bn = new nn.BatchNorm1d(2, { trackRunningStats: false }).eval();
    expect(bn.runningMean).toBeNull();
    expect(bn.namedBuffers()).toEqual([]);
    const out = bn.forward(randn([6, 2]).mul(3).add(7));
    expect(Math.abs(rowStats([0, 2, 4, 6, 8, 10].map((i) => out.storage[i]!)).mean)).toBeLessThan(1e-5);
  });

  it('momentum null keeps a cumulative average', () => {
    const bn = new nn.BatchNorm1d(1, { momentum: null, affine: false });
    bn.forward(tensor([[1], [3]]));
    bn.forward(tensor([[5], [7]]));
    expect(bn.runningMean!.item()).toBeCloseTo(4, 6);
    expect(bn.numBatchesTracked!.item()).toBe(2);
    expect(bn.toString()).toBe(
      'BatchNorm1d(1, eps=1e-05, momentum=None, affine=False, track_running_stats=True)',
    );
  });

  it('resetRunningStats and resetParameters restore the initial state', () => {
    const bn = new nn.BatchNorm1d(2);
    bn.forward(randn([4, 2]).add(3));
    bn.resetRunningStats();
    expect(Array.from(bn.runningMean!.storage)).toEqual([0, 0]);
    expect(Array.from(bn.runningVar!.storage)).toEqual([1, 1]);
    expect(bn.numBatchesTracked!.item()).toBe(0);
  });

  it('checks ranks, channel counts, one value per channel and its arguments', () => {
    const bn = new nn.BatchNorm1d(3);
    expect(() => bn.forward(randn([2, 3, 4, 5]))).toThrow(ShapeError);
    expect(() => bn.forward(randn([2, 3, 4, 5]))).toThrow(
      'BatchNorm1d: expected 2-D or 3-D input ([N, C] or [N, C, L]), got shape [2, 3, 4, 5]',
    );
    expect(() => bn.forward(randn([4, 5]))).toThrow(
      'BatchNorm1d: expected input with 3 channels (dim 1), got shape [4, 5]',
    );
    expect(() => bn.forward(randn([1, 3]))).toThrow(
      'BatchNorm1d: expected more than 1 value per channel when training, got input shape [1, 3]',
    );
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expect(bn.eval().forward(randn([1, 3])).shape).toEqual([1, 3]);
    expect(() => new nn.BatchNorm2d(3).forward(randn([2, 3, 4]))).toThrow(
      'BatchNorm2d: expected 4-D input [N, C, H, W], got shape [2, 3, 4]',
    );
    expect(() => new nn.BatchNorm1d(0)).toThrow('BatchNorm1d: numFeatures must be an integer ≥ 1, got 0');
    expect(() => new nn.BatchNorm1d(3, { momentum: 2 })).toThrow(/momentum must be in \[0, 1\] or null/);
  });
});

describe('functional batchNorm', () => {
  it('normalizes without running statistics in training and needs them otherwise', () => {
    const x = randn([8, 3, 2]);
    const out = F.batchNorm(x, null, null, null, null, true);
    expect(out.shape).toEqual([8, 3, 2]);
    expect(() => F.batchNorm(x, null, null)).toThrow(
      'batchNorm: runningMean and runningVar must be given when not training',
    );
    expect(() => F.batchNorm(x, zeros([4]), ones([4]))).toThrow(
      'batchNorm: runningMean should have shape [3] for input of shape [8, 3, 2], got [4]',
    );
    expect(() => F.batchNorm(randn([3]), null, null, null, null, true)).toThrow(ShapeError);
  });

  it('updates the running buffers in place with the given momentum', () => {
    const runningMean = zeros([1]);
    const runningVar = ones([1]);
    F.batchNorm(tensor([[2], [4]]), runningMean, runningVar, null, null, true, 0.5);
    expect(runningMean.item()).toBeCloseTo(1.5, 6);
    expect(runningVar.item()).toBeCloseTo(0.5 + 0.5 * 2, 6);
  });
});
