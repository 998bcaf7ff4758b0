// @file `npx tsx test/webgpu/kernels/bench.ts [sizes…]`: matmul GFLOPS of the WebGPU kernel in headless Chromium.
import { openKernelPage } from './serve-page.js';

const sizes = process.argv.slice(2).map(Number);
const opened = await openKernelPage();
try {
  console.log(`adapter: ${opened.adapter}`);
  for (const size of sizes.length > 0 ? sizes : [256, 512, 1024]) {
    const repeats = size >= 1024 ? 5 : 10;
    const t = await opened.page.evaluate(([s, r]) => window.kernelTests.benchMatmul(s!, r!), [size, repeats]);
    console.log(`${t.name}: ${t.ms.toFixed(2)} ms, ${t.gflops.toFixed(2)} GFLOPS`);
  }
} finally {
  await opened.close();
}
