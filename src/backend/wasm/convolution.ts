// @file The wasm backend's convolutions: whole forward and backward maps in linear memory (assembly/convolution.ts),
// split by images across worker threads when large; a NaN that no input explains has the js kernel redo the map.
import type { FloatArray } from '../../tensor/dtype.js';
import { jsBackend } from '../js/index.js';
import type { Backend, ConvGeometry, Window2d } from '../types.js';
import type { WasmLimits } from './limits.js';
import { holdsNaN } from './overflow.js';
import type { WasmRuntime } from './runtime.js';
import { input, output, scratch, stage } from './staging.js';
import { kernelPool, type KernelPool } from './threads.js';
import { CONV, CONV_MAP, JOB } from './worker.js';

/**
 * Images per partial weight gradient: ∂W is summed image by image within a chunk and chunk by chunk after, a
 * fixed order whatever runs the chunks, so results never depend on how the work is split.
 */
export const WEIGHT_GRAD_CHUNK = 16;

/** Window2d's fields in the order the wasm kernels take them. */
/** Window2d's twelve fields in the order the kernels take them (inH … dilationW). */
export type WindowArgs = readonly [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

export function windowArgs(w: Window2d): WindowArgs {
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
  const cols = geo.inChannels * w.kernelH * w.kernelW * positions;
  const weight = geo.outChannels * kernelGroup;
  return {
    cols,
    /** Floats of the kernels' column scratch: one image's columns, then the weight's size (∂Wᵀ). */
    colsScratch: cols + weight,
    inImage: geo.inChannels * w.inH * w.inW,
    outImage: geo.outChannels * positions,
    weight,
    /** Multiply-adds of one map over the whole batch. */
    work: geo.images * geo.outChannels * kernelGroup * positions,
  };
}

function isF32(x: FloatArray): x is Float32Array {
  return x instanceof Float32Array;
}

/** The three linear maps of a convolution. */
export type ConvMap = keyof typeof CONV_MAP;

/**
 * One of the three maps, with the layout of its inputs and outputs. The work comes in pieces of
 * `imagesPerPiece` images: single images for the forward and input-gradient maps (whose outputs are per image),
 * WEIGHT_GRAD_CHUNK images for the weight gradient (each piece a partial sum).
 */
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
  /** Output floats per piece, and images per piece. */
  outPiece: number;
  imagesPerPiece: number;
  /**
   * Where the pieces' outputs go one after another (forward and input gradient: the result), written in place by
   * the thread that computes them; null when the host combines them (the weight gradient's partial sums).
   */
  into: Float32Array | null;
}

function pieceCount(call: ConvCall): number {
  return Math.ceil(call.geo.images / call.imagesPerPiece);
}

/**
 * Pieces [p0, p1) on this thread: copies their images' inputs (and a shared `b`, the bias) into linear memory
 * unless they live there, runs the kernel, and writes the outputs into `call.into` (in place when it lives in
 * linear memory) or, without `into`, returns the heap offset (in floats) of the outputs, one piece after another.
 * Helper threads run the same steps (worker.ts's runConv).
 */
function runPieces(runtime: WasmRuntime, call: ConvCall, p0: number, p1: number): number {
  const { geo, a, aImage, b, bImage, bias, outPiece, imagesPerPiece } = call;
  const n0 = p0 * imagesPerPiece;
  const n1 = Math.min(geo.images, p1 * imagesPerPiece);
  const aSize = (n1 - n0) * aImage;
  const bSize = bImage > 0 ? (n1 - n0) * bImage : call.bSize;
  const bFrom = bImage > 0 ? n0 * bImage : 0;
  // Inputs in linear memory are read in place, others copied; without `into` the outputs stay in scratch for `take`.
  const into = call.into;
  const staged = stage(runtime, [
    scratch(runtime.kernels.gemmScratchBytes()),
    scratch(convSizes(geo).colsScratch * 4),
    input(a.subarray(n0 * aImage, n0 * aImage + aSize)),
    input(b.subarray(bFrom, bFrom + bSize)),
    bias ? input(bias.subarray(0, geo.outChannels)) : scratch(0),
    into ? output(into.subarray(p0 * outPiece, p1 * outPiece)) : scratch((p1 - p0) * outPiece * 4),
  ]);
  const [scratchAt, cols, aAt, bAt, biasAt, outAt] = staged.at as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const kernels = runtime.kernels;
  const window = windowArgs(geo.window);
  const { inChannels, outChannels, groups } = geo;
  if (call.map === 'weightGrad') {
    // One partial per piece, images numbered from n0.
    for (let p = p0; p < p1; p++) {
      const s0 = p * imagesPerPiece - n0;
      const s1 = Math.min(geo.images, (p + 1) * imagesPerPiece) - n0;
      const out = outAt + (p - p0) * outPiece * 4;
      kernels.conv2dWeightGrad(
        aAt,
        bAt,
        out,
        s0,
        s1,
        inChannels,
        outChannels,
        groups,
        cols,
        scratchAt,
        ...window,
      );
    }
  } else {
    // Per-image outputs are contiguous: one call covers every piece.
    const shape = [0, n1 - n0, inChannels, outChannels, groups, cols, scratchAt] as const;
    if (call.map === 'forward')
      kernels.conv2dForward(aAt, bAt, outAt, ...shape, bias ? biasAt : 0, ...window);
    else kernels.conv2dInputGrad(aAt, bAt, outAt, ...shape, ...window);
  }
  staged.finish(); // copies `into` out of scratch when it does not live in linear memory
  return outAt >> 2;
}

/**
 * Runs every piece of `call`, on helper threads too when the pool says so, and hands each piece's output that is
 * not in `call.into` already to `take(piece, source, offset)` (`outPiece` floats of `source` from `offset`), in
 * piece order.
 */
function runCall(
  runtime: WasmRuntime,
  pool: KernelPool | null,
  call: ConvCall,
  take: (piece: number, source: Float32Array, offset: number) => void,
): void {
  const pieces = pieceCount(call);
  const work = convSizes(call.geo).work;
  const { geo, a, aImage, b, bImage, bSize, bias, outPiece } = call;
  const aFloats = geo.images * aImage;
  const bFloats = bImage > 0 ? geo.images * bImage : bSize;
  const shares = pool?.pieceShares(pieces, work, aFloats + bFloats + pieces * outPiece) ?? 1;
  const alone = (): void => {
    const at = runPieces(runtime, call, 0, pieces);
    if (!call.into) for (let p = 0; p < pieces; p++) take(p, runtime.f32, at + p * outPiece);
  };
  if (!pool || shares <= 1) {
    alone();
    return;
  }
  const biasFloats = bias ? geo.outChannels : 0;
  const aAt = 0;
  const bAt = aFloats;
  const biasAt = bAt + bFloats;
  const outAt = biasAt + biasFloats;
  const data = pool.dataFor(outAt + pieces * outPiece);
  if (!data) {
    alone();
    return;
  }
  // Helpers read only their images (pieces from ownPieces on, as the pool splits them) and a shared `b`.
  const op = `conv2d (${call.map})`;
  const ownPieces = pool.ownPieces(op, pieces, shares);
  const helperA = Math.min(geo.images, ownPieces * call.imagesPerPiece) * aImage;
  data.set(a.subarray(helperA, aFloats), aAt + helperA);
  const helperB = bImage > 0 ? (helperA / aImage) * bImage : 0;
  data.set(b.subarray(helperB, bFloats), bAt + helperB);
  if (bias) data.set(bias.subarray(0, biasFloats), biasAt);
  const params = new Array<number>(CONV.colsFloats - 1).fill(0);
  const put = (slot: number, value: number) => (params[slot - 2] = value);
  put(2, JOB.conv); // CONTROL.kind
  put(CONV.map, CONV_MAP[call.map]);
  put(CONV.images, geo.images);
  put(CONV.inChannels, geo.inChannels);
  put(CONV.outChannels, geo.outChannels);
  put(CONV.groups, geo.groups);
  windowArgs(geo.window).forEach((v, i) => put(CONV.window + i, v));
  put(CONV.aAt, aAt);
  put(CONV.aImage, aImage);
  put(CONV.bAt, bAt);
  put(CONV.bImage, bImage);
  put(CONV.bSize, bSize);
  put(CONV.biasAt, bias ? biasAt : -1);
  put(CONV.outAt, outAt);
  put(CONV.outPiece, outPiece);
  put(CONV.imagesPerPiece, call.imagesPerPiece);
  put(CONV.colsFloats, convSizes(geo).colsScratch);
  let ownAt = 0;
  pool.runPieces(op, params, pieces, ownPieces, shares, work, (own) => {
    ownAt = runPieces(runtime, call, 0, own);
  });
  if (!call.into) for (let p = 0; p < ownPieces; p++) take(p, runtime.f32, ownAt + p * outPiece);
  for (let p = ownPieces; p < pieces; p++) take(p, data, outAt + p * outPiece);
}

/** The thread pool for this runtime's build of the kernels (null where threads are unsupported). */
function poolOf(runtime: WasmRuntime): KernelPool | null {
  return kernelPool(runtime.relaxedSimd ? 'relaxed-simd' : 'simd', runtime.wasmModule);
}

export function wasmConv2d(runtime: WasmRuntime, limits: WasmLimits): Backend['conv2d'] {
  const pool = poolOf(runtime);
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
    const call: ConvCall = {
      map: 'forward',
      geo,
      a: x,
      aImage: sizes.inImage,
      b: weight,
      bImage: 0,
      bSize: sizes.weight,
      bias,
      outPiece: sizes.outImage,
      imagesPerPiece: 1,
      into: out,
    };
    copyPieces(runtime, pool, call, out);
    if (holdsNaN(runtime, out)) jsBackend.conv2d(x, weight, bias, out, geo);
  };
}

export function wasmConv2dInputGrad(runtime: WasmRuntime, limits: WasmLimits): Backend['conv2dInputGrad'] {
  const pool = poolOf(runtime);
  return (gradOut, weight, gradInput, geo) => {
    const sizes = convSizes(geo);
    if (!isF32(gradOut) || !isF32(weight) || !isF32(gradInput) || sizes.work < limits.matmulMinWork) {
      jsBackend.conv2dInputGrad(gradOut, weight, gradInput, geo);
      return;
    }
    const call: ConvCall = {
      map: 'inputGrad',
      geo,
      a: gradOut,
      aImage: sizes.outImage,
      b: weight,
      bImage: 0,
      bSize: sizes.weight,
      bias: null,
      outPiece: sizes.inImage,
      imagesPerPiece: 1,
      into: gradInput,
    };
    copyPieces(runtime, pool, call, gradInput);
    if (holdsNaN(runtime, gradInput)) jsBackend.conv2dInputGrad(gradOut, weight, gradInput, geo);
  };
}

/** Runs a call whose pieces are consecutive blocks of `out` (`call.into`), copying helpers' pieces into place. */
function copyPieces(runtime: WasmRuntime, pool: KernelPool | null, call: ConvCall, out: Float32Array): void {
  const size = call.outPiece;
  runCall(runtime, pool, call, (p, source, offset) =>
    out.set(source.subarray(offset, offset + size), p * size),
  );
}

export function wasmConv2dWeightGrad(runtime: WasmRuntime, limits: WasmLimits): Backend['conv2dWeightGrad'] {
  const pool = poolOf(runtime);
  return (x, gradOut, gradWeight, geo) => {
    const sizes = convSizes(geo);
    if (!isF32(x) || !isF32(gradOut) || !isF32(gradWeight) || sizes.work < limits.matmulMinWork) {
      jsBackend.conv2dWeightGrad(x, gradOut, gradWeight, geo);
      return;
    }
    const size = sizes.weight;
    // ∂W = Σ of the chunks' partials, added in chunk order in float32.
    runCall(
      runtime,
      pool,
      {
        map: 'weightGrad',
        geo,
        a: x,
        aImage: sizes.inImage,
        b: gradOut,
        bImage: sizes.outImage,
        bSize: 0,
        bias: null,
        outPiece: size,
        imagesPerPiece: WEIGHT_GRAD_CHUNK,
        into: null,
      },
      (p, source, offset) => {
        if (p === 0) gradWeight.set(source.subarray(offset, offset + size));
        else for (let i = 0; i < size; i++) gradWeight[i] = gradWeight[i]! + source[offset + i]!;
      },
    );
    if (holdsNaN(runtime, gradWeight)) jsBackend.conv2dWeightGrad(x, gradOut, gradWeight, geo);
  };
}
