// @file Timings of kernels in the page (run by test/webgpu/kernels/bench.ts): square matmuls, LeNet convolutions.
import {
  conv2d,
  conv2dInputGrad,
  conv2dWeightGrad,
  im2col,
} from '../../../../src/backend/webgpu/kernels/conv.js';
import { matmul } from '../../../../src/backend/webgpu/kernels/matmul.js';
import { generator, uniform } from './check.js';
import { window2d } from './conv-cases.js';
import { TestContext } from './test-context.js';

/** One timing: the median milliseconds per run and the rate it implies. */
export interface Timing {
  readonly name: string;
  readonly ms: number;
  readonly gflops: number;
}

/** Median of `repeats` timed runs of `run` after one warm-up, each awaited on the GPU queue. */
async function time(device: GPUDevice, repeats: number, run: () => void): Promise<number> {
  run();
  await device.queue.onSubmittedWorkDone();
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    run();
    await device.queue.onSubmittedWorkDone();
    samples.push(performance.now() - start);
  }
  samples.sort((x, y) => x - y);
  return samples[Math.floor(samples.length / 2)]!;
}

/** matmul of two size×size matrices, inputs resident on the GPU (as in a training step). */
export async function benchMatmul(device: GPUDevice, size: number, repeats: number): Promise<Timing> {
  const random = generator(size);
  const a = uniform(random, size * size);
  const b = uniform(random, size * size);
  const out = new Float32Array(size * size);
  const ctx = new TestContext(device);
  const ms = await time(device, repeats, () =>
    matmul(ctx, a, [0], b, [0], out, size, size, size, false, false),
  );
  await ctx.dispose();
  return { name: `matmul ${size}`, ms, gflops: (2 * size ** 3) / (ms * 1e6) };
}

/** conv2d forward on a LeNet layer for a batch (x, weights resident on the GPU), and its im2col part alone. */
export async function benchConv(
  device: GPUDevice,
  layer: 1 | 2,
  images: number,
  repeats: number,
): Promise<Timing[]> {
  const random = generator(layer * 100 + images);
  const inChannels = layer === 1 ? 1 : 6;
  const outChannels = layer === 1 ? 6 : 16;
  const window = layer === 1 ? window2d(28, 28, 5, 5, 1, 2, 1) : window2d(14, 14, 5, 5, 1, 0, 1);
  const geo = { images, inChannels, outChannels, groups: 1, window };
  const positions = window.outH * window.outW;
  const x = uniform(random, images * inChannels * window.inH * window.inW);
  const weight = uniform(random, outChannels * inChannels * 25);
  const bias = uniform(random, outChannels);
  const out = new Float32Array(images * outChannels * positions);
  const cols = new Float32Array(images * inChannels * 25 * positions);
  const ctx = new TestContext(device);
  const flops = 2 * images * outChannels * inChannels * 25 * positions;
  const convMs = await time(device, repeats, () => conv2d(ctx, x, weight, bias, out, geo));
  const im2colMs = await time(device, repeats, () => im2col(ctx, x, images, inChannels, window, cols));
  const gradInput = new Float32Array(x.length);
  const gradWeight = new Float32Array(weight.length);
  const inputGradMs = await time(device, repeats, () => conv2dInputGrad(ctx, out, weight, gradInput, geo));
  const weightGradMs = await time(device, repeats, () => conv2dWeightGrad(ctx, x, out, gradWeight, geo));
  await ctx.dispose();
  const name = `conv${layer} batch ${images}`;
  return [
    { name: `${name} forward`, ms: convMs, gflops: flops / (convMs * 1e6) },
    { name: `${name} input gradient`, ms: inputGradMs, gflops: flops / (inputGradMs * 1e6) },
    { name: `${name} weight gradient`, ms: weightGradMs, gflops: flops / (weightGradMs * 1e6) },
    { name: `${name} im2col alone`, ms: im2colMs, gflops: 0 },
  ];
}
