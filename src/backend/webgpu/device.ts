// @file Requesting a WebGPU adapter and device, with the reasons it fails in words.
import { NeuriteError } from '../../errors.js';

/** The adapter a device came from, for logs and benches (`swiftshader` on machines without a GPU). */
export interface AdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
}

export interface AcquiredDevice {
  readonly device: GPUDevice;
  readonly adapter: AdapterDescription;
}

/**
 * Requests a high-performance adapter and a device with the adapter's largest buffer limits. Rejects with a
 * NeuriteError naming `op` where `navigator.gpu` is missing (Node, browsers without WebGPU, pages that are not a
 * secure context) or no adapter is offered.
 */
export async function acquireDevice(op: string): Promise<AcquiredDevice> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (gpu === undefined) {
    throw new NeuriteError(
      op,
      'WebGPU is not available here: navigator.gpu is missing (Node, a browser without WebGPU, or a page that ' +
        "is not a secure context); use setBackend('wasm')",
    );
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) {
    throw new NeuriteError(op, "WebGPU offers no adapter on this machine; use setBackend('wasm')");
  }
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: limits.maxComputeWorkgroupSizeY,
    },
  });
  // `adapter.info` (current browsers) or `requestAdapterInfo()` (older ones and these type declarations).
  const withInfo = adapter as GPUAdapter & { info?: GPUAdapterInfo };
  const info = withInfo.info ?? (await adapter.requestAdapterInfo?.().catch(() => undefined));
  return {
    device,
    adapter: {
      vendor: info?.vendor ?? '',
      architecture: info?.architecture ?? '',
      device: info?.device ?? '',
      description: info?.description ?? '',
    },
  };
}
