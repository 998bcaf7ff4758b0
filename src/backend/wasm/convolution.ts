// @file The wasm backend's convolutions: whole forward and backward maps in linear memory (assembly/convolution.ts).
import type { FloatArray } from '../../tensor/dtype.js';
import { jsBackend } from '../js/index.js';
import type { Backend, ConvGeometry, Window2d } from '../types.js';
import type { WasmLimits } from './limits.js';
import type { ConvKernel, KernelExports, WasmRuntime } from './runtime.js';

/**
 * Images per partial weight gradient: ∂W is summed image by image within a chunk and chunk by chunk after, a
 * fixed order whatever runs the chunks, so results never depend on how the work is split.
 */
export const WEIGHT_GRAD_CHUNK = 16;

/** Window2d's fields in the order the wasm kernels take them. */
export function windowArgs(w: Window2d): number[] {
  return [
    w.inH,
    w.inW,
    w.outH,
    w.outW,
    w.kernelH,
    w.kernelW,
    w.strideH,
    w.strideW,
    w.padH,
    w.padW,
    w.dilationH,
    w.dilationW,
  ];
}

/** Floats of one image's columns, of an input image, of an output image and of the weight. */
export function convSizes(geo: ConvGeometry) {
  const w = geo.window;
  const positions = w.outH * w.outW;
  const kernelGroup = (geo.inChannels / geo.groups) * w.kernelH * w.kernelW;
  return {
    cols: geo.inChannels * w.kernelH * w.kernelW * positions,
    inImage: geo.inChannels * w.inH * w.inW,
    outImage: geo.outChannels * positions,
    weight: geo.outChannels * kernelGroup,
    /** Multiply-adds of one map over the whole batch. */
    work: geo.images * geo.outChannels * kernelGroup * positions,
  };
}

function isF32(x: FloatArray): x is Float32Array {
  return x instanceof Float32Array;
}

type Pick = (kernels: KernelExports) => ConvKernel;

/**
 * Copies `a` and `b` in, runs `pick(kernels)` over images [0, images) in `pieces` output pieces (each piece is
 * `outPiece` floats, over `imagesPerPiece` images), and returns the heap offset (in floats) of the outputs.
 */
function runInMemory(
  runtime: WasmRuntime,
  pick: Pick,
  geo: ConvGeometry,
  a: Float32Array,
  aSize: number,
  b: Float32Array,
  bSize: number,
  outSize: number,
  imagesPerPiece: number,
  outPiece: number,
): number {
  const sizes = convSizes(geo);
  const scratchBytes = runtime.kernels.gemmScratchBytes();
  const [scratch, cols, aAt, bAt, outAt] = runtime.layout(
    scratchBytes,
    sizes.cols * 4,
    aSize * 4,
    bSize * 4,
    outSize * 4,
  );
  const heap = runtime.f32;
  heap.set(a.subarray(0, aSize), aAt >> 2);
  heap.set(b.subarray(0, bSize), bAt >> 2);
  const kernel = pick(runtime.kernels);
  const window = windowArgs(geo.window);
  for (let n0 = 0, piece = 0; n0 < geo.images; n0 += imagesPerPiece, piece++) {
    const n1 = Math.min(geo.images, n0 + imagesPerPiece);
    const out = outAt + piece * outPiece * 4;
    kernel(aAt, bAt, out, n0, n1, geo.inChannels, geo.outChannels, geo.groups, cols, scratch, ...window);
  }
  return outAt >> 2;
}

export function wasmConv2d(runtime: WasmRuntime, limits: WasmLimits): Backend['conv2d'] {
  return (x, weight, out, geo) => {
    const sizes = convSizes(geo);
    if (!isF32(x) || !isF32(weight) || !isF32(out) || sizes.work < limits.matmulMinWork) {
      jsBackend.conv2d(x, weight, out, geo);
      return;
    }
    const outSize = geo.images * sizes.outImage;
    const at = runInMemory(
      runtime,
      (k) => k.conv2dForward,
      geo,
      x,
      geo.images * sizes.inImage,
      weight,
      sizes.weight,
      outSize,
      geo.images,
      0,
    );
    out.set(runtime.f32.subarray(at, at + outSize));
  };
}

export function wasmConv2dInputGrad(runtime: WasmRuntime, limits: WasmLimits): Backend['conv2dInputGrad'] {
  return (gradOut, weight, gradInput, geo) => {
    const sizes = convSizes(geo);
    if (!isF32(gradOut) || !isF32(weight) || !isF32(gradInput) || sizes.work < limits.matmulMinWork) {
      jsBackend.conv2dInputGrad(gradOut, weight, gradInput, geo);
      return;
    }
    const inSize = geo.images * sizes.inImage;
    const at = runInMemory(
      runtime,
      (k) => k.conv2dInputGrad,
      geo,
      gradOut,
      geo.images * sizes.outImage,
      weight,
      sizes.weight,
      inSize,
      geo.images,
      0,
    );
    gradInput.set(runtime.f32.subarray(at, at + inSize));
  };
}

export function wasmConv2dWeightGrad(runtime: WasmRuntime, limits: WasmLimits): Backend['conv2dWeightGrad'] {
  return (x, gradOut, gradWeight, geo) => {
    const sizes = convSizes(geo);
    if (!isF32(x) || !isF32(gradOut) || !isF32(gradWeight) || sizes.work < limits.matmulMinWork) {
      jsBackend.conv2dWeightGrad(x, gradOut, gradWeight, geo);
      return;
    }
    const chunks = Math.ceil(geo.images / WEIGHT_GRAD_CHUNK);
    const at = runInMemory(
      runtime,
      (k) => k.conv2dWeightGrad,
      geo,
      x,
      geo.images * sizes.inImage,
      gradOut,
      geo.images * sizes.outImage,
      chunks * sizes.weight,
      WEIGHT_GRAD_CHUNK,
      sizes.weight,
    );
    sumPartials(runtime.f32, at, chunks, sizes.weight, gradWeight);
  };
}

/** out = Σ_c partial[c] over `chunks` partials of `size` floats at heap offset `at`, in chunk order (float32). */
export function sumPartials(
  heap: Float32Array,
  at: number,
  chunks: number,
  size: number,
  out: Float32Array,
): void {
  out.set(heap.subarray(at, at + size));
  for (let c = 1; c < chunks; c++) {
    const from = at + c * size;
    for (let i = 0; i < size; i++) out[i] = out[i]! + heap[from + i]!;
  }
}
