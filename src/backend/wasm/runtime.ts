// @file Instantiates the wasm kernels and manages their linear memory: a scratch region, the tensor arena, a spill instance.
import { RELAXED_SIMD_WASM, SIMD_WASM } from './kernels.generated.js';
import { ResidentStorage } from './arena-storage.js';
import type { WasmFeatures } from './probe.js';
import type { KernelExports } from './kernel-exports.generated.js';

export type { KernelExports } from './kernel-exports.generated.js';

const PAGE = 65536;
const ALIGN = 64; // cache-line alignment for every region handed to a kernel
/** The scratch region of the main memory: calls whose copied operands need more use the spill instance. */
export const SCRATCH_BYTES = 64 << 20;
/** The arena for tensor storage above the scratch region (its cap). Address space only: pages are backed when touched. */
export const DEFAULT_ARENA_BYTES = 256 << 20;
const STATIC_HEADROOM = 1 << 20; // for the module's static data and stack below heapBase

/** Rounds a byte count up to a multiple of ALIGN. */
export function aligned(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/** One instance of the kernels over its memory, with views of all of it. */
interface Instance {
  memory: WebAssembly.Memory;
  exports: KernelExports;
  floats: Float32Array;
  ints: Int32Array;
}

function instanceOver(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  exports?: KernelExports,
): Instance {
  return {
    memory,
    exports:
      exports ?? (new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports),
    floats: new Float32Array(memory.buffer),
    ints: new Int32Array(memory.buffer),
  };
}

/**
 * The kernels and their memory. The main memory is reserved once, at its full size, and never grows or moves:
 * from `base` a scratch region (SCRATCH_BYTES) that kernel calls copy operands into, then the arena where
 * float32 tensor storage lives (`resident`, see arena-storage.ts), which kernels read and write in place.
 *
 * A call whose copies need more than the scratch region runs on the spill instance: the same module over a
 * memory of its own, made larger on demand by instantiating the module again over a new memory (at least
 * double) rather than growing it. memory.grow detaches the old ArrayBuffer, and the first detach in a process
 * makes V8's optimised code re-check every typed array on access from then on (measured: a float32 loop 1.8 →
 * 2.7 ns per element, in all JavaScript code, for the rest of the process); engines that refuse a synchronous
 * instantiation there fall back to growing the spill memory, never the main one.
 */
export class WasmRuntime {
  /** Whether this instance was built with relaxed SIMD (fused multiply-add). */
  readonly relaxedSimd: boolean;
  /** First scratch byte, 64-byte aligned. */
  readonly base: number;
  /** Float32 tensor storage in the main memory (null when the engine gave no room for an arena). */
  readonly resident: ResidentStorage | null;
  private readonly module: WebAssembly.Module;
  private readonly scratchEnd: number;
  private readonly main: Instance;
  private spill: Instance;
  private current: Instance;

  constructor(
    module: WebAssembly.Module,
    main: Instance,
    spill: Instance,
    relaxed: boolean,
    residentMinElements?: number,
  ) {
    this.module = module;
    this.main = main;
    this.spill = spill;
    this.current = main;
    this.relaxedSimd = relaxed;
    this.base = aligned(main.exports.heapBase());
    this.scratchEnd = this.base + SCRATCH_BYTES;
    const arenaStart = aligned(this.scratchEnd);
    // A guard line at the end: kernels may read a vector past an operand's end, never past the memory's.
    const arenaBytes = main.memory.buffer.byteLength - arenaStart - ALIGN;
    // Without FinalizationRegistry (engines before 2021) nothing could return a block: every array stays plain.
    this.resident =
      arenaBytes > 0 && typeof FinalizationRegistry === 'function'
        ? new ResidentStorage(main.memory.buffer, arenaStart, arenaBytes, residentMinElements)
        : null;
  }

  /** The kernels of the instance that the last reserve or layout chose. */
  get kernels(): KernelExports {
    return this.current.exports;
  }

  /** The compiled kernels (worker threads instantiate them too). */
  get wasmModule(): WebAssembly.Module {
    return this.module;
  }

  /** Bytes of the memory that the last reserve or layout chose. */
  get byteLength(): number {
    return this.current.memory.buffer.byteLength;
  }

  /** Whether the last reserve or layout chose the main memory (where tensor storage lives). */
  get inMainMemory(): boolean {
    return this.current === this.main;
  }

  /** The byte address of `data` in the memory the kernels use now, or −1 when `data` is not in it. */
  addressOf(data: ArrayBufferView): number {
    return data.buffer === this.current.memory.buffer ? data.byteOffset : -1;
  }

  /**
   * Makes the `bytes` bytes from `base` addressable: in the main memory's scratch region when they fit, else in
   * the spill instance's memory. Contents are not kept across calls.
   */
  reserve(bytes: number): void {
    const needed = this.base + bytes;
    if (needed <= this.scratchEnd) {
      this.current = this.main;
      return;
    }
    const have = this.spill.memory.buffer.byteLength;
    if (needed > have) {
      const pages = Math.ceil(Math.max(needed, 2 * have) / PAGE);
      try {
        this.spill = instanceOver(this.module, new WebAssembly.Memory({ initial: pages }));
      } catch {
        this.spill.memory.grow(pages - have / PAGE);
        this.spill = instanceOver(this.module, this.spill.memory, this.spill.exports);
      }
    }
    this.current = this.spill;
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

  /** A float32 view of all of the memory the last reserve or layout chose. */
  get f32(): Float32Array {
    return this.current.floats;
  }

  /** An int32 view of all of the memory the last reserve or layout chose. */
  get i32(): Int32Array {
    return this.current.ints;
  }
}

/** The build that matches the features, as bytes. */
export function kernelBytes(features: WasmFeatures): Uint8Array<ArrayBuffer> {
  const text = atob(features.relaxedSimd ? RELAXED_SIMD_WASM : SIMD_WASM);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * The main memory: static data, the scratch region and an arena of `arenaBytes`, reserved at once (pages are
 * backed only when touched); where the engine refuses that much, a quarter of the arena, then none.
 */
function mainMemory(arenaBytes: number): WebAssembly.Memory {
  for (const arena of [arenaBytes, arenaBytes >> 2, 0]) {
    try {
      const pages = Math.ceil((STATIC_HEADROOM + SCRATCH_BYTES + arena) / PAGE);
      return new WebAssembly.Memory({ initial: pages, maximum: pages });
    } catch {
      // try a smaller arena
    }
  }
  return new WebAssembly.Memory({ initial: Math.ceil((STATIC_HEADROOM + SCRATCH_BYTES) / PAGE) });
}

/** The spill instance's first memory: as small as the module allows (it grows on demand). */
function spillMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: STATIC_HEADROOM / PAGE });
}

/** Options of loadRuntime and loadRuntimeAsync. */
export interface RuntimeOptions {
  /** Bytes of the arena for tensor storage (DEFAULT_ARENA_BYTES; 0: none, every operand is copied). */
  arenaBytes?: number;
  /** Float32 arrays from this many elements live in the arena (RESIDENT_MIN_ELEMENTS; tests use 1). */
  residentMinElements?: number;
}

/** NEURITE_ARENA_MB (Node) overrides DEFAULT_ARENA_BYTES. */
function arenaBytesOf(options: RuntimeOptions): number {
  if (options.arenaBytes !== undefined) return options.arenaBytes;
  const fromEnv = Number(globalThis.process?.env?.['NEURITE_ARENA_MB']);
  return Number.isFinite(fromEnv) && fromEnv >= 0 && globalThis.process?.env?.['NEURITE_ARENA_MB'] !== ''
    ? Math.floor(fromEnv * 2 ** 20)
    : DEFAULT_ARENA_BYTES;
}

/**
 * Compiles and instantiates synchronously. Returns null when the engine lacks SIMD or refuses (browsers refuse
 * synchronous compilation of larger modules on the main thread: use loadRuntimeAsync there).
 */
export function loadRuntime(features: WasmFeatures, options: RuntimeOptions = {}): WasmRuntime | null {
  if (!features.simd) return null;
  try {
    const module = new WebAssembly.Module(kernelBytes(features));
    const main = instanceOver(module, mainMemory(arenaBytesOf(options)));
    const spill = instanceOver(module, spillMemory());
    return new WasmRuntime(module, main, spill, features.relaxedSimd, options.residentMinElements);
  } catch {
    return null;
  }
}

/** Compiles and instantiates asynchronously (allowed everywhere); null when the engine lacks SIMD or fails. */
export async function loadRuntimeAsync(
  features: WasmFeatures,
  options: RuntimeOptions = {},
): Promise<WasmRuntime | null> {
  if (!features.simd) return null;
  try {
    const module = await WebAssembly.compile(kernelBytes(features));
    const instantiate = async (memory: WebAssembly.Memory) => {
      const instance = await WebAssembly.instantiate(module, { env: { memory } });
      return instanceOver(module, memory, instance.exports as unknown as KernelExports);
    };
    const main = await instantiate(mainMemory(arenaBytesOf(options)));
    const spill = await instantiate(spillMemory());
    return new WasmRuntime(module, main, spill, features.relaxedSimd, options.residentMinElements);
  } catch {
    return null;
  }
}
