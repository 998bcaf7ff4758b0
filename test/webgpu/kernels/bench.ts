// @file `npx tsx test/webgpu/kernels/bench.ts`: the WebGPU kernels' speed in headless Chromium (SwiftShader here):
// matmul GFLOPS at 256, 512 and 1024, LeNet's convolutions on a batch of 64, and a whole LeNet-5 training step.
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

// A whole LeNet-5 training step through the library, webgpu against js in the same page.
const library = await openKernelPage('page/golden.ts', 'kernelGolden');
try {
  for (const backend of ['webgpu', 'js'] as const) {
    const ms = await library.page.evaluate((b) => window.kernelGolden.timeLeNetStep(b, 64, 5), backend);
    console.log(`LeNet-5 training step, batch 64, ${backend}: ${ms.toFixed(1)} ms`);
  }
} finally {
  await library.close();
}
