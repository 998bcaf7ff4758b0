// @file Instantiates the wasm kernels and manages their linear memory: one scratch region reused by every call.
import { RELAXED_SIMD_WASM, SIMD_WASM } from './kernels.generated.js';
import type { WasmFeatures } from './probe.js';

/** The functions that assembly/*.ts exports; pointers are byte addresses, sizes element counts. */
export interface KernelExports {
  heapBase(): number;
  gemmScratchBytes(): number;
  gemm(
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    c: number,
    m: number,
    k: number,
    n: number,
    scratch: number,
  ): void;
  binary(op: number, a: number, b: number, out: number, ...dimsThenStrides: number[]): void;
  unary(op: number, x: number, out: number, n: number, p0: number, p1: number): void;
  unaryGrad(op: number, g: number, saved: number, out: number, n: number): void;
  sumMiddle(x: number, outer: number, size: number, inner: number, acc: number, out: number): void;
  sumOuterInner(x: number, before: number, kept: number, after: number, acc: number, out: number): void;
  softmax(x: number, out: number, outer: number, size: number, inner: number, log: boolean): void;
  /** 1 if x[0..n) holds a NaN, else 0. */
  hasNaN(x: number, n: number): number;
  // `window` is Window2d's twelve fields in order (inH … dilationW).
  im2col(x: number, images: number, channels: number, cols: number, ...window: number[]): void;
  col2im(cols: number, images: number, channels: number, out: number, ...window: number[]): void;
  maxPool2d(x: number, planes: number, out: number, indices: number, ...window: number[]): void;
  /** conv2dInputGrad and conv2dWeightGrad (assembly/convolution.ts) share this signature; conv2dForward takes a bias. */
  conv2dForward: ConvForwardKernel;
  conv2dInputGrad: ConvKernel;
  conv2dWeightGrad: ConvKernel;
  batchNorm(
    x: number,
    outer: number,
    channels: number,
    inner: number,
    weight: number,
    bias: number,
    eps: number,
    out: number,
    stats: number,
  ): void;
  channelAffineMap(
    x: number,
    outer: number,
    channels: number,
    inner: number,
    coefficients: number,
    out: number,
  ): void;
  batchNormBackward(
    gradOut: number,
    x: number,
    outer: number,
    channels: number,
    inner: number,
    weight: number,
    stats: number,
    gradInput: number,
    gradWeight: number,
    gradBias: number,
  ): void;
  /** assembly/optim.ts: one optimizer step of family `kind` with its scalars at `block` (see src/backend/wasm/optim.ts). */
  optimizerStep(
    kind: number,
    flags: number,
    block: number,
    n: number,
    p: number,
    g: number,
    s0: number,
    s1: number,
    s2: number,
  ): void;
  /** assembly/recurrent.ts: the LSTM's forward loop over a whole sequence (see src/backend/wasm/recurrent.ts). */
  lstmSequenceForward(
    x: number,
    w: number,
    bias: number,
    h0: number,
    c0: number,
    steps: number,
    batch: number,
    hidden: number,
    reverse: boolean,
    hs: number,
    cs: number,
    packed: number,
    scratch: number,
  ): void;
  /** assembly/recurrent.ts: backpropagation through time for lstmSequenceForward. */
  lstmSequenceBackward(
    g: number,
    w: number,
    gates: number,
    cs: number,
    c0: number,
    steps: number,
    batch: number,
    hidden: number,
    reverse: boolean,
    dGates: number,
    dh: number,
    dc: number,
    packed: number,
    scratch: number,
  ): void;
  /** assembly/recurrent.ts: the GRU's forward loop over a whole sequence (see src/backend/wasm/recurrent-gru.ts). */
  gruSequenceForward(
    x: number,
    w: number,
    biasIh: number,
    biasHh: number,
    h0: number,
    steps: number,
    batch: number,
    hidden: number,
    reverse: boolean,
    hs: number,
    saved: number,
    hg: number,
    packed: number,
    scratch: number,
  ): void;
  /** assembly/recurrent.ts: backpropagation through time for gruSequenceForward. */
  gruSequenceBackward(
    g: number,
    w: number,
    saved: number,
    hs: number,
    h0: number,
    steps: number,
    batch: number,
    hidden: number,
    reverse: boolean,
    dX: number,
    dHg: number,
    dh: number,
    packed: number,
    scratch: number,
  ): void;
}

/**
 * A whole convolution map over images [n0, n1): inputs at `a` and `b`, result at `out`; `cols` holds one image's
 * columns and `scratch` the gemm's scratch; then Window2d's twelve fields.
 */
export type ConvKernel = (
  a: number,
  b: number,
  out: number,
  n0: number,
  n1: number,
  channels: number,
  outChannels: number,
  groups: number,
  cols: number,
  scratch: number,
  ...window: number[]
) => void;

/** ConvKernel with a bias pointer (0: none) after `scratch`. */
export type ConvForwardKernel = (
  x: number,
  w: number,
  out: number,
  n0: number,
  n1: number,
  channels: number,
  outChannels: number,
  groups: number,
  cols: number,
  scratch: number,
  bias: number,
  ...window: number[]
) => void;

const PAGE = 65536;
const ALIGN = 64; // cache-line alignment for every region handed to a kernel
const INITIAL_BYTES = 16 << 20; // address space only: pages are backed when first touched

/** Rounds a byte count up to a multiple of ALIGN. */
export function aligned(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/**
 * The kernels and their memory. Tensors keep their own typed arrays: a kernel call copies its inputs into the
 * scratch region (from `base`), runs, and copies its results out.
 *
 * When a call needs more memory, the runtime instantiates the module again over a new, larger memory (at
 * least double) instead of growing the old one: memory.grow detaches the old ArrayBuffer, and the first
 * detach in a process makes V8's optimised code re-check every typed array on access from then on (measured:
 * a float32 loop 1.8 → 2.7 ns per element, in all JavaScript code, for the rest of the process). Engines that
 * refuse a synchronous instantiation here fall back to growing.
 */
export class WasmRuntime {
  /** Whether this instance was built with relaxed SIMD (fused multiply-add). */
  readonly relaxedSimd: boolean;
  /** First scratch byte, 64-byte aligned. */
  readonly base: number;
  private readonly module: WebAssembly.Module;
  private memory: WebAssembly.Memory;
  private exports: KernelExports;
  private floats: Float32Array;
  private ints: Int32Array;

  constructor(
    module: WebAssembly.Module,
    instance: WebAssembly.Instance,
    memory: WebAssembly.Memory,
    relaxed: boolean,
  ) {
    this.module = module;
    this.memory = memory;
    this.exports = instance.exports as unknown as KernelExports;
    this.relaxedSimd = relaxed;
    this.base = aligned(this.exports.heapBase());
    this.floats = new Float32Array(memory.buffer);
    this.ints = new Int32Array(memory.buffer);
  }

  /** The kernels of the current instance (fetch per call: a larger memory brings a new instance). */
  get kernels(): KernelExports {
    return this.exports;
  }

  /** The compiled kernels (worker threads instantiate them too). */
  get wasmModule(): WebAssembly.Module {
    return this.module;
  }

  /** Bytes of linear memory now. */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** Makes the `bytes` bytes from `base` addressable. Contents are not kept across a move to a larger memory. */
  reserve(bytes: number): void {
    const needed = this.base + bytes;
    const have = this.memory.buffer.byteLength;
    if (needed <= have) return;
    const pages = Math.ceil(Math.max(needed, 2 * have) / PAGE);
    try {
      const memory = new WebAssembly.Memory({ initial: pages });
      this.exports = new WebAssembly.Instance(this.module, { env: { memory } })
        .exports as unknown as KernelExports;
      this.memory = memory;
    } catch {
      this.memory.grow(pages - have / PAGE);
    }
    this.floats = new Float32Array(this.memory.buffer);
    this.ints = new Int32Array(this.memory.buffer);
  }

  /**
   * Reserves consecutive 64-byte-aligned regions of the given byte sizes from `base` (overwriting what an
   * earlier call left there) and returns their addresses.
   */
  layout<const Sizes extends readonly number[]>(...sizes: Sizes): { [K in keyof Sizes]: number } {
    const addresses: number[] = [];
    let next = this.base;
    for (const size of sizes) {
      addresses.push(next);
      next += aligned(size);
    }
    this.reserve(next - this.base);
    return addresses as { [K in keyof Sizes]: number };
  }

  /** A float32 view of all of linear memory (valid until the next reserve or layout). */
  get f32(): Float32Array {
    return this.floats;
  }

  /** An int32 view of all of linear memory (valid until the next reserve or layout). */
  get i32(): Int32Array {
    return this.ints;
  }
}

/** The build that matches the features, as bytes. */
export function kernelBytes(features: WasmFeatures): Uint8Array<ArrayBuffer> {
  const text = atob(features.relaxedSimd ? RELAXED_SIMD_WASM : SIMD_WASM);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function initialMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: INITIAL_BYTES / PAGE });
}

/**
 * Compiles and instantiates synchronously. Returns null when the engine lacks SIMD or refuses (browsers refuse
 * synchronous compilation of larger modules on the main thread: use loadRuntimeAsync there).
 */
export function loadRuntime(features: WasmFeatures): WasmRuntime | null {
  if (!features.simd) return null;
  try {
    const module = new WebAssembly.Module(kernelBytes(features));
    const memory = initialMemory();
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return new WasmRuntime(module, instance, memory, features.relaxedSimd);
  } catch {
    return null;
  }
}

/** Compiles and instantiates asynchronously (allowed everywhere); null when the engine lacks SIMD or fails. */
export async function loadRuntimeAsync(features: WasmFeatures): Promise<WasmRuntime | null> {
  if (!features.simd) return null;
  try {
    const module = await WebAssembly.compile(kernelBytes(features));
    const memory = initialMemory();
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    return new WasmRuntime(module, instance, memory, features.relaxedSimd);
  } catch {
    return null;
  }
}
