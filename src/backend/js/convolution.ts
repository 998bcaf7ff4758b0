// @file The js backend's convolutions: im2col into a column buffer, then one batched matmul per chunk of images.
import { allocate, type FloatArray } from '../../tensor/dtype.js';
import type { ConvGeometry } from '../types.js';
import { col2im, im2col } from './conv.js';
import { matmul } from './matmul.js';
import { reduce } from './reduce.js';

/** Upper bound on the column buffer (elements); larger batches are unfolded a few images at a time. */
const COLS_LIMIT = 1 << 22;

/** Images per im2col chunk, so that the column buffer stays under COLS_LIMIT elements. */
function chunkSize(geo: ConvGeometry): number {
  const w = geo.window;
  const perImage = geo.inChannels * w.kernelH * w.kernelW * w.outH * w.outW;
  return Math.max(1, Math.min(geo.images, Math.floor(COLS_LIMIT / Math.max(perImage, 1))));
}

/** Kg = rows of one group's columns, L = output positions, m = outputs per group, inPlane = inH·inW. */
function groupSizes(geo: ConvGeometry) {
  const w = geo.window;
  return {
    kernelGroup: (geo.inChannels / geo.groups) * w.kernelH * w.kernelW,
    positions: w.outH * w.outW,
    outPerGroup: geo.outChannels / geo.groups,
    inPlane: w.inH * w.inW,
  };
}

/** Matrix offsets for a chunk of `count` images × groups, each group's matrix `groupStride` apart. */
function offsets(count: number, groups: number, imageStride: number, groupStride: number): number[] {
  const out = new Array<number>(count * groups);
  for (let b = 0; b < count; b++)
    for (let g = 0; g < groups; g++) out[b * groups + g] = b * imageStride + g * groupStride;
  return out;
}

/** `length` zeros in the float dtype of `like`. */
function floats(like: FloatArray, length: number): FloatArray {
  return allocate(like instanceof Float64Array ? 'float64' : 'float32', length) as FloatArray;
}

/** A column buffer for one chunk of images, in the dtype of `like`. */
function columns(like: FloatArray, geo: ConvGeometry, chunk: number): FloatArray {
  const w = geo.window;
  return floats(like, chunk * geo.inChannels * w.kernelH * w.kernelW * w.outH * w.outW);
}

export function conv2d(
  x: FloatArray,
  weight: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
  geo: ConvGeometry,
): void {
  const { images, inChannels, outChannels, groups, window } = geo;
  const { kernelGroup, positions, outPerGroup, inPlane } = groupSizes(geo);
  const chunk = chunkSize(geo);
  const cols = columns(x, geo, chunk);
  for (let n0 = 0; n0 < images; n0 += chunk) {
    const count = Math.min(chunk, images - n0);
    im2col(x.subarray(n0 * inChannels * inPlane), count, inChannels, window, cols);
    matmul(
      weight,
      offsets(count, groups, 0, outPerGroup * kernelGroup),
      cols,
      offsets(count, groups, groups * kernelGroup * positions, kernelGroup * positions),
      out.subarray(n0 * outChannels * positions),
      outPerGroup,
      kernelGroup,
      positions,
      false,
      false,
    );
  }
  if (bias) addBias(out, bias, images, outChannels, positions);
}

/** out[n, o, p] += bias[o] over `images` outputs [channels, positions]. */
function addBias(
  out: FloatArray,
  bias: FloatArray,
  images: number,
  channels: number,
  positions: number,
): void {
  for (let n = 0, i = 0; n < images; n++) {
    for (let o = 0; o < channels; o++) {
      const b = bias[o]!;
      for (let end = i + positions; i < end; i++) out[i] = out[i]! + b;
    }
  }
}

export function conv2dInputGrad(
  gradOut: FloatArray,
  weight: FloatArray,
  gradInput: FloatArray,
  geo: ConvGeometry,
): void {
  const { images, inChannels, outChannels, groups, window } = geo;
  const { kernelGroup, positions, outPerGroup, inPlane } = groupSizes(geo);
  const chunk = chunkSize(geo);
  const cols = columns(gradOut, geo, chunk);
  gradInput.fill(0, 0, images * inChannels * inPlane);
  for (let n0 = 0; n0 < images; n0 += chunk) {
    const count = Math.min(chunk, images - n0);
    matmul(
      weight,
      offsets(count, groups, 0, outPerGroup * kernelGroup),
      gradOut.subarray(n0 * outChannels * positions),
      offsets(count, groups, outChannels * positions, outPerGroup * positions),
      cols,
      kernelGroup,
      outPerGroup,
      positions,
      true,
      false,
    );
    col2im(cols, count, inChannels, window, gradInput.subarray(n0 * inChannels * inPlane));
  }
}

export function conv2dWeightGrad(
  x: FloatArray,
  gradOut: FloatArray,
  gradWeight: FloatArray,
  geo: ConvGeometry,
): void {
  const { images, inChannels, outChannels, groups, window } = geo;
  const { kernelGroup, positions, outPerGroup, inPlane } = groupSizes(geo);
  const weightSize = outChannels * kernelGroup;
  // float64 whatever x's dtype: an image's products rounded to float32 could overflow to ±∞ (and then make
  // ∞ − ∞ across images) where the sum over all images is finite or of one sign.
  const perImage = allocate('float64', images * weightSize) as Float64Array;
  const chunk = chunkSize(geo);
  const cols = columns(x, geo, chunk);
  for (let n0 = 0; n0 < images; n0 += chunk) {
    const count = Math.min(chunk, images - n0);
    im2col(x.subarray(n0 * inChannels * inPlane), count, inChannels, window, cols);
    matmul(
      gradOut.subarray(n0 * outChannels * positions),
      offsets(count, groups, outChannels * positions, outPerGroup * positions),
      cols,
      offsets(count, groups, groups * kernelGroup * positions, kernelGroup * positions),
      perImage.subarray(n0 * weightSize),
      outPerGroup,
      positions,
      kernelGroup,
      false,
      true,
    );
  }
  // Per-image products summed over images in float64 (the reduce kernel's accumulator).
  reduce('sum', perImage, [images, weightSize], [0], gradWeight);
}
