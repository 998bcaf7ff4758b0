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

/** The three linear maps of a convolution. */
export type ConvMap = 'forward' | 'inputGrad' | 'weightGrad';

/** One of the three maps, with the layout of its inputs and outputs. */
interface ConvCall {
  map: ConvMap;
  geo: ConvGeometry;
  /** The per-image input (x, or ∂y for the input gradient), `aImage` floats per image. */
  a: Float32Array;
  aImage: number;
  /** The second input: per image (`bImage` floats each), or shared by every image (`bImage` = 0, `bSize` floats). */
  b: Float32Array;
  bImage: number;
  bSize: number;
  /** Added per output channel (forward only), or null. */
  bias: Float32Array | null;
  /** Output floats per piece, and images per piece (a piece is one kernel call's output). */
  outPiece: number;
  imagesPerPiece: number;
}

/**
 * Copies a call's inputs into linear memory, runs the kernel over every piece, and returns the heap offset (in
 * floats) of the pieces' outputs, one after another.
 */
function runInMemory(runtime: WasmRuntime, call: ConvCall): number {
  const { geo, a, aImage, b, bImage, bias, outPiece, imagesPerPiece } = call;
  const sizes = convSizes(geo);
  const pieces = Math.ceil(geo.images / imagesPerPiece);
  const aSize = geo.images * aImage;
  const bSize = bImage > 0 ? geo.images * bImage : call.bSize;
  const [scratch, cols, aAt, bAt, biasAt, outAt] = runtime.layout(
    runtime.kernels.gemmScratchBytes(),
    sizes.cols * 4,
    aSize * 4,
    bSize * 4,
    bias ? geo.outChannels * 4 : 0,
    pieces * outPiece * 4,
  );
  const heap = runtime.f32;
  heap.set(a.subarray(0, aSize), aAt >> 2);
  heap.set(b.subarray(0, bSize), bAt >> 2);
  if (bias) heap.set(bias.subarray(0, geo.outChannels), biasAt >> 2);
  const kernels = runtime.kernels;
  const window = windowArgs(geo.window);
  const { inChannels, outChannels, groups } = geo;
  for (let piece = 0; piece < pieces; piece++) {
    const n0 = piece * imagesPerPiece;
    const n1 = Math.min(geo.images, n0 + imagesPerPiece);
    const out = outAt + piece * outPiece * 4;
    const shape = [n0, n1, inChannels, outChannels, groups, cols, scratch] as const;
    if (call.map === 'forward') kernels.conv2dForward(aAt, bAt, out, ...shape, bias ? biasAt : 0, ...window);
    else kernelOf(kernels, call.map)(aAt, bAt, out, ...shape, ...window);
  }
  return outAt >> 2;
}

/** The kernel of a gradient map. */
function kernelOf(kernels: KernelExports, map: 'inputGrad' | 'weightGrad'): ConvKernel {
  return map === 'inputGrad' ? kernels.conv2dInputGrad : kernels.conv2dWeightGrad;
}

export function wasmConv2d(runtime: WasmRuntime, limits: WasmLimits): Backend['conv2d'] {
  return (x, weight, bias, out, geo) => {
    const sizes = convSizes(geo);
    if (
      !isF32(x) ||
      !isF32(weight) ||
      !isF32(out) ||
      (bias && !isF32(bias)) ||
      sizes.work < limits.matmulMinWork
    ) {
      jsBackend.conv2d(x, weight, bias, out, geo);
      return;
    }
    const at = runInMemory(runtime, {
      map: 'forward',
      geo,
      a: x,
      aImage: sizes.inImage,
      b: weight,
      bImage: 0,
      bSize: sizes.weight,
      bias,
      outPiece: geo.images * sizes.outImage,
      imagesPerPiece: geo.images,
    });
    out.set(runtime.f32.subarray(at, at + geo.images * sizes.outImage));
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
    const at = runInMemory(runtime, {
      map: 'inputGrad',
      geo,
      a: gradOut,
      aImage: sizes.outImage,
      b: weight,
      bImage: 0,
      bSize: sizes.weight,
      bias: null,
      outPiece: inSize,
      imagesPerPiece: geo.images,
    });
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
    const at = runInMemory(runtime, {
      map: 'weightGrad',
      geo,
      a: x,
      aImage: sizes.inImage,
      b: gradOut,
      bImage: sizes.outImage,
      bSize: 0,
      bias: null,
      outPiece: sizes.weight,
      imagesPerPiece: WEIGHT_GRAD_CHUNK,
    });
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
