// @file `npx tsx test/webgpu/kernels/bench.ts`: the WebGPU kernels' speed in headless Chromium (SwiftShader here):
// matmul GFLOPS at 256, 512 and 1024, and LeNet's two convolutions forward on a batch of 64.
import { openKernelPage } from './serve-page.js';

const opened = await openKernelPage();
try {
  console.log(`adapter: ${await opened.page.evaluate(() => window.kernelTests.adapter)}`);
  for (const size of [256, 512, 1024]) {
    const repeats = size >= 1024 ? 5 : 10;
    const t = await opened.page.evaluate(([s, r]) => window.kernelTests.benchMatmul(s!, r!), [size, repeats]);
    console.log(`${t.name}: ${t.ms.toFixed(2)} ms, ${t.gflops.toFixed(2)} GFLOPS`);
  }
  for (const layer of [1, 2] as const) {
    const timings = await opened.page.evaluate(
      ([l, n]) => window.kernelTests.benchConv(l as 1 | 2, n!, 10),
      [layer, 64],
    );
    for (const t of timings)
      console.log(`${t.name}: ${t.ms.toFixed(2)} ms${t.gflops > 0 ? `, ${t.gflops.toFixed(2)} GFLOPS` : ''}`);
  }
} finally {
  await opened.close();
}
