// @file The kernel test page: gets a WebGPU device and runs the named case when the runner asks.
/// <reference types="@webgpu/types" />
import { allCases } from './cases.js';
import { benchConv, benchMatmul, type Timing } from './bench-cases.js';
import type { CaseResult } from './check.js';

declare global {
  interface Window {
    kernelTests: {
      adapter: string;
      run(name: string): Promise<CaseResult>;
      benchMatmul(size: number, repeats: number): Promise<Timing>;
      benchConv(layer: 1 | 2, images: number, repeats: number): Promise<Timing[]>;
    };
  }
}

/** The adapter's vendor and architecture ('google swiftshader' on CI), where the browser tells them. */
function describe(adapter: GPUAdapter): string {
  const info = (adapter as GPUAdapter & { info?: { vendor: string; architecture: string } }).info;
  return info ? `${info.vendor} ${info.architecture}` : 'unknown adapter';
}

async function start(): Promise<void> {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) throw new Error('kernel tests: no WebGPU adapter in this browser');
  const device = await adapter.requestDevice();
  device.addEventListener('uncapturederror', (event) => {
    errors.push((event as GPUUncapturedErrorEvent).error.message);
  });
  const errors: string[] = [];
  window.kernelTests = {
    adapter: describe(adapter),
    async run(name) {
      const test = allCases[name];
      if (!test) return { ok: false, detail: `no case named ${name}` };
      errors.length = 0;
      device.pushErrorScope('validation');
      const result = await test(device);
      const validation = await device.popErrorScope();
      const problems = [...(validation ? [validation.message] : []), ...errors];
      if (problems.length > 0)
        return { ok: false, detail: `${result.detail}\nWebGPU errors: ${problems.join('\n')}` };
      return result;
    },
    benchMatmul: (size, repeats) => benchMatmul(device, size, repeats),
    benchConv: (layer, images, repeats) => benchConv(device, layer, images, repeats),
  };
}

void start().catch((error: unknown) => {
  document.title = `failed: ${String(error)}`;
});
