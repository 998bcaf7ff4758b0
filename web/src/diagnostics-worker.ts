// @file The diagnostics page's worker: the backend and kernel build this browser gives neurite, cross-origin
// isolation and threads, and a threaded matmul and convolution checked bit for bit against one thread.
import {
  backendInfo,
  backendReady,
  conv2d,
  getBackend,
  getNumThreads,
  manualSeed,
  matmul,
  randn,
  setNumThreads,
  type Tensor,
} from 'neurite';
import type { Diagnostics } from './diagnostics.js';

const scope = self as unknown as { postMessage(message: Diagnostics): void; crossOriginIsolated?: boolean };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds of the fastest of `runs` calls, and the last result. */
function time(fn: () => Tensor, runs = 5): { ms: number; result: Tensor } {
  let best = Infinity;
  let result = fn();
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    result = fn();
    best = Math.min(best, performance.now() - started);
  }
  return { ms: best, result };
}

function sameBits(a: Tensor, b: Tensor): boolean {
  const x = new Int32Array((a.dataSync() as Float32Array).buffer);
  const y = new Int32Array((b.dataSync() as Float32Array).buffer);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

async function diagnose(): Promise<Diagnostics> {
  await backendReady;
  const threads = getNumThreads();
  manualSeed(0);
  const a = randn([512, 512]);
  const b = randn([512, 512]);
  const images = randn([32, 16, 28, 28]);
  const filters = randn([32, 16, 3, 3]);
  const product = () => matmul(a, b);
  const convolution = () => conv2d(images, filters, null, { padding: 1 });
  setNumThreads(1);
  const single = { matmul: time(product), conv: time(convolution) };
  setNumThreads(threads);
  // Helper workers start asynchronously: let them come up (a job that finds none ready runs on one thread).
  const until = performance.now() + 10_000;
  while (threads > 1 && backendInfo().threadedJobs === 0 && performance.now() < until) {
    product();
    await sleep(20);
  }
  const before = backendInfo().threadedJobs;
  const threaded = { matmul: time(product), conv: time(convolution) };
  const gflops = (ms: number) => (2 * 512 ** 3) / ms / 1e6;
  return {
    backend: getBackend(),
    relaxedSimd: backendInfo().kernelBuild === 'relaxed-simd',
    crossOriginIsolated: scope.crossOriginIsolated === true,
    threads,
    splitJobs: backendInfo().threadedJobs - before,
    matmulGflops: { oneThread: gflops(single.matmul.ms), threads: gflops(threaded.matmul.ms) },
    convMs: { oneThread: single.conv.ms, threads: threaded.conv.ms },
    identical:
      sameBits(single.matmul.result, threaded.matmul.result) &&
      sameBits(single.conv.result, threaded.conv.result),
  };
}

diagnose().then(
  (result) => scope.postMessage(result),
  (error: unknown) => scope.postMessage({ error: String(error) } as unknown as Diagnostics),
);
