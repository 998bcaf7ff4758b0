// @file Pooling and batch norm kernels on WebGPU against the js reference: padding, dilation, overlap, NaN.
import * as jsConv from '../../../../src/backend/js/conv.js';
import * as jsNorm from '../../../../src/backend/js/normalization.js';
import type { AxisWindows, Window2d } from '../../../../src/backend/types.js';
import * as norm from '../../../../src/backend/webgpu/kernels/normalization.js';
import * as pool from '../../../../src/backend/webgpu/kernels/pool.js';
import {
  all,
  compare,
  F32_EPS,
  generator,
  uniform,
  widen,
  type CaseResult,
  type KernelCase,
} from './check.js';
import { window2d } from './conv-cases.js';
import { TestContext } from './test-context.js';

/** maxPool2d and its adjoint; overlapping windows make several outputs add onto one input (atomics). */
async function checkMaxPool(
  device: GPUDevice,
  name: string,
  planes: number,
  w: Window2d,
): Promise<CaseResult> {
  const random = generator(planes * 13 + w.inH);
  const x = uniform(random, planes * w.inH * w.inW);
  x[3] = x[4] = 2; // a tie: the first in row-major order wins
  if (x.length > 40) x[40] = Number.NaN; // NaN wins its windows
  const positions = w.outH * w.outW;
  const out = new Float32Array(planes * positions);
  const indices = new Int32Array(out.length);
  const gradOut = uniform(random, out.length);
  const gradIn = uniform(random, x.length); // the adjoint adds onto what is there
  const ctx = new TestContext(device);
  pool.maxPool2d(ctx, x, planes, w, out, indices);
  const gradInStart = widen(gradIn);
  pool.maxPool2dBackward(ctx, gradOut, indices, planes, positions, w.inH * w.inW, gradIn);
  await ctx.download();
  await ctx.dispose();
  const refOut = new Float64Array(out.length);
  const refIndices = new Int32Array(out.length);
  jsConv.maxPool2d(widen(x), planes, w, refOut, refIndices);
  const refGradIn = gradInStart;
  jsConv.maxPool2dBackward(widen(gradOut), refIndices, planes, positions, w.inH * w.inW, refGradIn);
  const taps = w.kernelH * w.kernelW;
  return all([
    compare(`${name} maxPool2d`, out, refOut, () => 0),
    compare(`${name} indices`, indices, refIndices, () => 0),
    compare(
      `${name} backward`,
      gradIn,
      refGradIn,
      (i) => (taps + 2) * F32_EPS * taps * (1 + Math.abs(refGradIn[i]!)),
    ),
  ]);
}

/** Windows of kernel k, stride s and padding p along an axis of `size` (count_include_pad divisors). */
function kernelWindows(size: number, k: number, s: number, p: number): AxisWindows {
  const out = Math.floor((size + 2 * p - k) / s) + 1;
  const start = new Int32Array(out);
  const end = new Int32Array(out);
  const divisor = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    const from = o * s - p;
    start[o] = Math.max(from, 0);
    end[o] = Math.min(from + k, size);
    divisor[o] = Math.min(from + k, size + p) - from;
  }
  return { start, end, divisor };
}

/** Adaptive windows: [⌊o·size/out⌋, ⌈(o + 1)·size/out⌉), divided by their length. */
function adaptiveWindows(size: number, out: number): AxisWindows {
  const start = new Int32Array(out);
  const end = new Int32Array(out);
  const divisor = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    start[o] = Math.floor((o * size) / out);
    end[o] = Math.ceil(((o + 1) * size) / out);
    divisor[o] = end[o]! - start[o]!;
  }
  return { start, end, divisor };
}

async function checkAvgPool(
  device: GPUDevice,
  name: string,
  planes: number,
  inH: number,
  inW: number,
  rows: AxisWindows,
  cols: AxisWindows,
): Promise<CaseResult> {
  const random = generator(planes + inH * 3 + inW);
  const x = uniform(random, planes * inH * inW);
  const out = new Float32Array(planes * rows.start.length * cols.start.length);
  const gradOut = uniform(random, out.length);
  const gradIn = uniform(random, x.length);
  const ctx = new TestContext(device);
  pool.avgPool2d(ctx, x, planes, inH, inW, rows, cols, out);
  const gradInStart = widen(gradIn);
  pool.avgPool2dBackward(ctx, gradOut, planes, inH, inW, rows, cols, gradIn);
  await ctx.download();
  await ctx.dispose();
  const refOut = new Float64Array(out.length);
  jsConv.avgPool2d(widen(x), planes, inH, inW, rows, cols, refOut);
  const refGradIn = gradInStart;
  jsConv.avgPool2dBackward(widen(gradOut), planes, inH, inW, rows, cols, refGradIn);
  const tol = 64 * F32_EPS;
  return all([
    compare(`${name} avgPool2d`, out, refOut, (i) => tol * (1 + Math.abs(refOut[i]!))),
    compare(`${name} backward`, gradIn, refGradIn, (i) => tol * (1 + Math.abs(refGradIn[i]!))),
  ]);
}

/** batchNorm (statistics and output), channelAffine and batchNormBackward with the given outputs. */
async function checkBatchNorm(
  device: GPUDevice,
  outer: number,
  channels: number,
  inner: number,
  affine: boolean,
): Promise<CaseResult> {
  const random = generator(outer * 100 + channels * 10 + inner);
  const count = outer * channels * inner;
  const x = uniform(random, count, -2, 3);
  const weight = affine ? uniform(random, channels, 0.5, 2) : null;
  const bias = affine ? uniform(random, channels) : null;
  const gradOut = uniform(random, count);
  const scale = widen(uniform(random, channels));
  const shift = widen(uniform(random, channels));
  const out = new Float32Array(count);
  const affineOut = new Float32Array(count);
  const [mean, variance, invstd] = [0, 1, 2].map(() => new Float64Array(channels)) as [
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const gradInput = new Float32Array(count);
  const gradWeight = new Float32Array(channels);
  const gradBias = new Float32Array(channels);
  const gradInputOnly = new Float32Array(count);
  const ctx = new TestContext(device);
  norm.batchNorm(ctx, x, outer, channels, inner, weight, bias, 1e-5, out, mean, variance, invstd);
  norm.channelAffine(ctx, x, outer, channels, inner, scale, shift, affineOut);
  await ctx.download();
  // The backward reads the statistics as the forward left them (on the GPU): the reference gets the same values.
  norm.batchNormBackward(
    ctx,
    gradOut,
    x,
    outer,
    channels,
    inner,
    weight,
    mean,
    invstd,
    gradInput,
    gradWeight,
    gradBias,
  );
  norm.batchNormBackward(
    ctx,
    gradOut,
    x,
    outer,
    channels,
    inner,
    weight,
    mean,
    invstd,
    gradInputOnly,
    null,
    null,
  );
  await ctx.download();
  await ctx.dispose();
  const ref = {
    out: new Float64Array(count),
    mean: new Float64Array(channels),
    variance: new Float64Array(channels),
    invstd: new Float64Array(channels),
    affine: new Float64Array(count),
    gradInput: new Float64Array(count),
    gradWeight: new Float64Array(channels),
    gradBias: new Float64Array(channels),
  };
  const [x64, w64, b64] = [widen(x), weight && widen(weight), bias && widen(bias)];
  jsNorm.batchNorm(x64, outer, channels, inner, w64, b64, 1e-5, ref.out, ref.mean, ref.variance, ref.invstd);
  jsNorm.channelAffine(x64, outer, channels, inner, scale, shift, ref.affine);
  jsNorm.batchNormBackward(
    widen(gradOut),
    x64,
    outer,
    channels,
    inner,
    w64,
    mean,
    invstd,
    ref.gradInput,
    ref.gradWeight,
    ref.gradBias,
  );
  const perChannel = outer * inner;
  const tol = (Math.log2(perChannel) + 16) * 8 * F32_EPS;
  const near =
    (e: Float64Array, scaleBy = 1) =>
    (i: number) =>
      tol * scaleBy * (1 + Math.abs(e[i]!));
  const name = `batchNorm [${outer}, ${channels}, ${inner}]${affine ? ' affine' : ''}`;
  return all([
    compare(`${name} out`, out, ref.out, near(ref.out)),
    compare(`${name} mean`, mean, ref.mean, near(ref.mean)),
    compare(`${name} variance`, variance, ref.variance, near(ref.variance)),
    compare(`${name} invstd`, invstd, ref.invstd, near(ref.invstd)),
    compare(`${name} channelAffine`, affineOut, ref.affine, near(ref.affine)),
    compare(`${name} ∂x`, gradInput, ref.gradInput, near(ref.gradInput, 4)),
    compare(`${name} ∂x alone`, gradInputOnly, ref.gradInput, near(ref.gradInput, 4)),
    compare(`${name} ∂γ`, gradWeight, ref.gradWeight, near(ref.gradWeight, Math.sqrt(perChannel))),
    compare(`${name} ∂β`, gradBias, ref.gradBias, near(ref.gradBias, Math.sqrt(perChannel))),
  ]);
}

export const poolCases: Record<string, KernelCase> = {
  'maxPool2d 2×2 stride 2 (LeNet), ties and NaN': (device) =>
    checkMaxPool(device, 'lenet', 6, window2d(28, 28, 2, 2, 2, 0, 1)),
  'maxPool2d overlapping 3×3 stride 1 with padding and dilation (atomic adjoint)': async (device) =>
    all([
      await checkMaxPool(device, 'overlap', 3, window2d(9, 7, 3, 3, 1, 1, 1)),
      await checkMaxPool(device, 'dilated', 2, window2d(10, 11, 3, 2, 2, 1, 2)),
    ]),
  'avgPool2d kernel windows and adaptive windows': async (device) =>
    all([
      await checkAvgPool(
        device,
        'kernel 3 stride 2 pad 1',
        4,
        9,
        8,
        kernelWindows(9, 3, 2, 1),
        kernelWindows(8, 3, 2, 1),
      ),
      await checkAvgPool(device, 'adaptive 5×3', 3, 11, 7, adaptiveWindows(11, 5), adaptiveWindows(7, 3)),
      await checkAvgPool(device, 'global', 7, 4, 4, adaptiveWindows(4, 1), adaptiveWindows(4, 1)),
    ]),
  'batchNorm, channelAffine and batchNormBackward': async (device) =>
    all([
      await checkBatchNorm(device, 5, 3, 7, true),
      await checkBatchNorm(device, 64, 6, 1, false),
      await checkBatchNorm(device, 8, 6, 196, true),
      await checkBatchNorm(device, 1, 1, 1, true),
    ]),
};
