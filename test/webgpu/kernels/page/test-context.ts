// @file A minimal GpuContext for kernel tests in the page: one GPU buffer per typed array, a submit per dispatch.
/// <reference types="@webgpu/types" />
import type { GpuBinding, GpuContext } from '../../../../src/backend/webgpu/context.js';
import type { TypedArray } from '../../../../src/tensor/dtype.js';

interface Copy {
  buffer: GPUBuffer;
  /** The GPU copy is newer than the host's array (a kernel wrote it). */
  gpuNewer: boolean;
}

/**
 * Kernels under test see exactly the GpuContext contract (f32 for float arrays, i32 for Int32Array, u32 for
 * Uint8Array); `download` brings every array a kernel wrote back to the host, so the test compares plain arrays.
 */
export class TestContext implements GpuContext {
  private readonly copies = new Map<TypedArray, Copy>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private scratchBuffers: GPUBuffer[] = [];

  constructor(readonly device: GPUDevice) {}

  input(arr: TypedArray): GpuBinding {
    const copy = this.copyOf(arr);
    return { buffer: copy.buffer, offset: 0, size: copy.buffer.size };
  }

  output(arr: TypedArray): GpuBinding {
    const copy = this.copyOf(arr);
    copy.gpuNewer = true;
    return { buffer: copy.buffer, offset: 0, size: copy.buffer.size };
  }

  inout(arr: TypedArray): GpuBinding {
    return this.output(arr);
  }

  scratch(bytes: number): GpuBinding {
    const size = Math.max(16, Math.ceil(bytes / 4) * 4);
    const buffer = this.device.createBuffer({
      size,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    this.scratchBuffers.push(buffer);
    return { buffer, offset: 0, size };
  }

  dispatch(
    key: string,
    wgsl: () => string,
    bindings: readonly GpuBinding[],
    uniforms: Uint32Array | null,
    workgroups: readonly [number, number?, number?],
  ): void {
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      const module = this.device.createShaderModule({ code: wgsl() });
      // The layout follows the shader's declarations (read-only or read-write storage), so a kernel must bind
      // exactly the arrays its shader uses.
      pipeline = this.device.createComputePipeline({
        layout: 'auto',
        compute: { module, entryPoint: 'main' },
      });
      this.pipelines.set(key, pipeline);
    }
    const entries: GPUBindGroupEntry[] = bindings.map((b, i) => ({
      binding: i,
      resource: { buffer: b.buffer, offset: b.offset, size: b.size },
    }));
    if (uniforms) {
      const buffer = this.device.createBuffer({
        size: Math.max(16, uniforms.byteLength),
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      });
      this.scratchBuffers.push(buffer);
      this.device.queue.writeBuffer(
        buffer,
        0,
        uniforms.buffer as ArrayBuffer,
        uniforms.byteOffset,
        uniforms.byteLength,
      );
      entries.push({ binding: bindings.length, resource: { buffer } });
    }
    const group = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /** Copies every GPU-newer array back into its host array (f32 → float64, u32 → bool as needed). */
  async download(): Promise<void> {
    for (const [arr, copy] of this.copies) {
      if (!copy.gpuNewer) continue;
      const staging = this.device.createBuffer({
        size: copy.buffer.size,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      const encoder = this.device.createCommandEncoder();
      encoder.copyBufferToBuffer(copy.buffer, 0, staging, 0, copy.buffer.size);
      this.device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const words = staging.getMappedRange().slice(0);
      staging.unmap();
      staging.destroy();
      if (arr instanceof Int32Array) arr.set(new Int32Array(words, 0, arr.length));
      else if (arr instanceof Uint8Array) arr.set(new Uint32Array(words, 0, arr.length));
      else arr.set(new Float32Array(words, 0, arr.length));
      copy.gpuNewer = false;
    }
  }

  /** Waits for the queue and frees every buffer. */
  async dispose(): Promise<void> {
    await this.device.queue.onSubmittedWorkDone();
    for (const copy of this.copies.values()) copy.buffer.destroy();
    for (const buffer of this.scratchBuffers) buffer.destroy();
    this.copies.clear();
    this.scratchBuffers = [];
  }

  private copyOf(arr: TypedArray): Copy {
    const existing = this.copies.get(arr);
    if (existing) return existing;
    const size = Math.max(16, arr.length * 4);
    const buffer = this.device.createBuffer({
      size,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    const words =
      arr instanceof Float64Array
        ? Float32Array.from(arr)
        : arr instanceof Uint8Array
          ? Uint32Array.from(arr)
          : arr;
    if (words.length > 0)
      this.device.queue.writeBuffer(buffer, 0, words.buffer, words.byteOffset, words.byteLength);
    const copy = { buffer, gpuNewer: false };
    this.copies.set(arr, copy);
    return copy;
  }
}
