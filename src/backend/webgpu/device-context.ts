// @file The GpuContext implementation: bindings of tracked arrays, pipelines compiled once, uniforms and scratch pooled.
import { NeuriteError } from '../../errors.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { CommandBatch } from './batch.js';
import { BufferPool } from './buffer-pool.js';
import type { GpuBinding, GpuContext } from './context.js';
import { gpuWords } from './host-words.js';
import { DeviceStorage } from './storage.js';

const STORAGE_USAGE = 0x80 /* STORAGE */ | 0x04 /* COPY_SRC */ | 0x08; /* COPY_DST */
const UNIFORM_USAGE = 0x40 /* UNIFORM */ | 0x08; /* COPY_DST */
const COMPUTE_STAGE = 0x4;

interface CompiledKernel {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  /** The bindings the shader declares `var<storage, read>`: they may be replaced by a copy. */
  readonly readOnly: ReadonlySet<number>;
}

/** Whether two bindings share bytes of one buffer. */
function overlap(a: GpuBinding, b: GpuBinding): boolean {
  return a.buffer === b.buffer && a.offset < b.offset + b.size && b.offset < a.offset + a.size;
}

/** A copy to run after the next dispatch: a misaligned output written through a scratch binding. */
interface CopyBack {
  readonly from: GpuBinding;
  readonly to: GpuBinding;
}

/**
 * The webgpu backend's context: kernels bind operands through it and record dispatches into one batch. A
 * binding whose byte offset is not a multiple of the device's `minStorageBufferOffsetAlignment` goes through a
 * scratch buffer (a GPU copy in, and for outputs a GPU copy back after the dispatch), so every kernel sees
 * element 0 at its binding's start.
 */
export class DeviceContext implements GpuContext {
  readonly batch: CommandBatch;
  readonly storage: DeviceStorage;
  private readonly scratchPool: BufferPool;
  private readonly uniformPool: BufferPool;
  private readonly kernels = new Map<string, CompiledKernel>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private readonly alignment: number;
  private copyBacks: CopyBack[] = [];
  /**
   * Scratch buffers taken since the last finishOp. They go back to the pool only after the op ends and its
   * commands are submitted: a submit in the middle of an op (an upload, a full batch) must not hand one operand's
   * scratch to the next operand while the dispatch that reads it is still to be recorded.
   */
  private heldScratch: GPUBuffer[] = [];
  /** The op being run, for error messages. */
  op = 'webgpu';

  constructor(readonly device: GPUDevice) {
    this.batch = new CommandBatch(device);
    this.storage = new DeviceStorage(device, this.batch);
    this.scratchPool = new BufferPool(device, STORAGE_USAGE, 64 << 20);
    this.uniformPool = new BufferPool(device, UNIFORM_USAGE, 1 << 20);
    this.alignment = device.limits.minStorageBufferOffsetAlignment;
  }

  input(arr: TypedArray): GpuBinding {
    this.batch.check(this.op);
    if (this.storage.isUntracked(arr)) return this.uploadToScratch(arr);
    const region = this.storage.prepareRead(arr, this.op);
    const binding = this.rangeOf(region, arr);
    return this.isAligned(binding) ? binding : this.throughScratch(binding, true, false);
  }

  output(arr: TypedArray): GpuBinding {
    this.batch.check(this.op);
    this.refuseForeignWrite(arr);
    const region = this.storage.prepareWrite(arr, this.op);
    const binding = this.rangeOf(region, arr);
    return this.isAligned(binding) ? binding : this.throughScratch(binding, false, true);
  }

  inout(arr: TypedArray): GpuBinding {
    this.batch.check(this.op);
    this.refuseForeignWrite(arr);
    this.storage.prepareRead(arr, this.op);
    const region = this.storage.prepareWrite(arr, this.op);
    const binding = this.rangeOf(region, arr);
    return this.isAligned(binding) ? binding : this.throughScratch(binding, true, true);
  }

  scratch(bytes: number): GpuBinding {
    this.batch.check(this.op);
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const buffer = this.scratchPool.acquire(size);
    this.heldScratch.push(buffer);
    return { buffer, offset: 0, size };
  }

  dispatch(
    key: string,
    wgsl: () => string,
    bindings: readonly GpuBinding[],
    uniforms: Uint32Array | null,
    workgroups: readonly [number, number?, number?],
  ): void {
    const limit = this.device.limits.maxStorageBufferBindingSize;
    const tooLarge = bindings.find((b) => b.size > limit);
    if (tooLarge) {
      throw new NeuriteError(
        this.op,
        `webgpu: an operand of ${tooLarge.size} bytes is above this device's maxStorageBufferBindingSize ` +
          `(${limit} bytes)`,
      );
    }
    const kernel = this.compile(key, wgsl, bindings.length, uniforms !== null);
    const bound = this.withoutAliasing(kernel, bindings);
    const entries: GPUBindGroupEntry[] = bound.map((b, i) => ({
      binding: i,
      resource: { buffer: b.buffer, offset: b.offset, size: b.size },
    }));
    if (uniforms !== null) {
      const bytes = Math.max(16, Math.ceil(uniforms.byteLength / 16) * 16);
      const buffer = this.uniformPool.acquire(bytes);
      this.device.queue.writeBuffer(buffer, 0, uniforms.buffer, uniforms.byteOffset, uniforms.byteLength);
      this.releaseAfterSubmit(this.uniformPool, buffer);
      entries.push({ binding: bindings.length, resource: { buffer, offset: 0, size: bytes } });
    }
    const group = this.device.createBindGroup({ layout: kernel.layout, entries });
    const encoder = this.batch.record(this.op);
    const pass = encoder.beginComputePass();
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
    pass.end();
    this.batch.dispatched();
  }

  /**
   * WebGPU refuses overlapping writable bindings in one dispatch, and every binding is writable in the layout:
   * a read-only binding that overlaps another (an in-place op's input and output) is read from a copy.
   */
  private withoutAliasing(kernel: CompiledKernel, bindings: readonly GpuBinding[]): readonly GpuBinding[] {
    let bound: GpuBinding[] | null = null;
    for (let i = 0; i < bindings.length; i++) {
      for (let j = 0; j < i; j++) {
        const current = bound ?? bindings;
        if (!overlap(current[i]!, current[j]!)) continue;
        const copied = kernel.readOnly.has(i) ? i : kernel.readOnly.has(j) ? j : -1;
        if (copied < 0) {
          throw new NeuriteError(
            this.op,
            `webgpu: bindings ${j} and ${i} are both written and overlap (internal)`,
          );
        }
        bound ??= [...bindings];
        const temp = this.scratch(bound[copied]!.size);
        this.copy(
          bound[copied]!,
          temp,
          Math.min(temp.size, bound[copied]!.buffer.size - bound[copied]!.offset),
        );
        bound[copied] = temp;
      }
    }
    return bound ?? bindings;
  }

  /** Starts a backend call: names it in errors. */
  beginOp(op: string): void {
    this.op = op;
    this.copyBacks = [];
  }

  /**
   * Ends a backend call: misaligned outputs written through scratch are copied to their arrays, and the op's
   * scratch buffers return to the pool once these commands are submitted.
   */
  finishOp(): void {
    if (this.copyBacks.length > 0) {
      const encoder = this.batch.record(this.op);
      for (const { from, to } of this.copyBacks) {
        encoder.copyBufferToBuffer(from.buffer, from.offset, to.buffer, to.offset, to.size);
      }
      this.copyBacks = [];
    }
    const held = this.heldScratch;
    this.heldScratch = [];
    for (const buffer of held) this.releaseAfterSubmit(this.scratchPool, buffer);
  }

  /** Records a GPU copy of `bytes` bytes between two bindings (layout kernels, misaligned operands). */
  copy(from: GpuBinding, to: GpuBinding, bytes: number): void {
    if (bytes === 0) return;
    this.batch.record(this.op).copyBufferToBuffer(from.buffer, from.offset, to.buffer, to.offset, bytes);
  }

  private refuseForeignWrite(arr: TypedArray): void {
    if (!this.storage.isUntracked(arr)) return;
    throw new NeuriteError(
      this.op,
      `webgpu: an array of ${arr.length} elements in the wasm backend's memory is on no live arena block ` +
        '(not a tensor’s storage) and cannot be written on the GPU: clone() it first',
    );
  }

  private rangeOf(
    region: { readonly gpu: GPUBuffer; readonly hostStart: number },
    arr: TypedArray,
  ): GpuBinding {
    const offset = (arr.byteOffset / arr.BYTES_PER_ELEMENT - region.hostStart) * 4;
    return { buffer: region.gpu, offset, size: Math.max(4, arr.length * 4) };
  }

  private isAligned(binding: GpuBinding): boolean {
    return binding.offset % this.alignment === 0;
  }

  /** A scratch copy of a misaligned range; written ranges are copied back when the op ends (finishOp). */
  private throughScratch(binding: GpuBinding, copyIn: boolean, writeBack: boolean): GpuBinding {
    const temp = this.scratch(binding.size);
    const bytes = Math.min(binding.size, binding.buffer.size - binding.offset);
    if (copyIn) this.copy(binding, temp, bytes);
    if (writeBack) this.copyBacks.push({ from: temp, to: { ...binding, size: bytes } });
    return temp;
  }

  private uploadToScratch(arr: TypedArray): GpuBinding {
    const temp = this.scratch(arr.length * 4);
    const words = gpuWords(arr);
    if (words.byteLength > 0) {
      this.device.queue.writeBuffer(temp.buffer, 0, words.buffer, words.byteOffset, words.byteLength);
    }
    return temp;
  }

  private releaseAfterSubmit(pool: BufferPool, buffer: GPUBuffer): void {
    // A fresh encoder may not exist yet; make sure the release waits for the commands that will use it.
    this.batch.record(this.op);
    this.batch.afterSubmit(() => pool.release(buffer));
  }

  private layout(storageCount: number, uniform: boolean): GPUBindGroupLayout {
    const key = `${storageCount}:${uniform}`;
    let layout = this.layouts.get(key);
    if (layout === undefined) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      for (let i = 0; i < storageCount; i++) {
        entries.push({ binding: i, visibility: COMPUTE_STAGE, buffer: { type: 'storage' } });
      }
      if (uniform) {
        entries.push({ binding: storageCount, visibility: COMPUTE_STAGE, buffer: { type: 'uniform' } });
      }
      layout = this.device.createBindGroupLayout({ entries });
      this.layouts.set(key, layout);
    }
    return layout;
  }

  private compile(key: string, wgsl: () => string, storageCount: number, uniform: boolean): CompiledKernel {
    const cacheKey = `${key}|${storageCount}|${uniform}`;
    let kernel = this.kernels.get(cacheKey);
    if (kernel === undefined) {
      const layout = this.layout(storageCount, uniform);
      // Every storage binding is read_write in the layout, so operands may alias (out = a) without a usage
      // conflict; a shader's `read` declarations are widened to match.
      const source = wgsl();
      const readOnly = new Set<number>();
      for (const match of source.matchAll(/@binding\((\d+)\)\s*var<storage,\s*read>/g))
        readOnly.add(Number(match[1]));
      const code = source.replace(/var<storage,\s*read>/g, 'var<storage, read_write>');
      const module = this.device.createShaderModule({ code, label: key });
      const pipeline = this.device.createComputePipeline({
        label: key,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: 'main' },
      });
      kernel = { pipeline, layout, readOnly };
      this.kernels.set(cacheKey, kernel);
    }
    return kernel;
  }
}
