// @file Timings of kernels in the page (run by test/webgpu/kernels/bench.ts): GFLOPS of square matmuls.
import { matmul } from '../../../../src/backend/webgpu/kernels/matmul.js';
import { generator, uniform } from './check.js';
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
