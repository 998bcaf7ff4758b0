// @file Whole 2-D convolutions in linear memory: per image, im2col into one column buffer, then the gemm.
//
// The three linear maps of a convolution (forward, input gradient, weight gradient) over a range of images
// [n0, n1) of a batch laid out as [images, channels, inH, inW] / [images, outChannels, outH, outW]. The column
// buffer (`cols`, channels·kH·kW·outH·outW floats: one image) stays in cache and never leaves wasm memory; the
// gemm scratch is gemmScratchBytes() bytes. Window geometry: the twelve i32s of Window2d (see conv.ts).
// Groups: rows [g·m, (g+1)·m) of the weight (m = outChannels / groups) see column rows [g·Kg, (g+1)·Kg).
import { col2im, im2col } from './conv';
import { gemmInto } from './gemm';

/**
 * y[n] = W · im2col(x[n]) + b per group, for images n0 ≤ n < n1 (out overwritten); `bias` holds outChannels
 * floats, or is 0 for none.
 */
export function conv2dForward(
  x: usize,
  w: usize,
  out: usize,
  n0: i32,
  n1: i32,
  channels: i32,
  outChannels: i32,
  groups: i32,
  cols: usize,
  scratch: usize,
  bias: usize,
  inH: i32,
  inW: i32,
  outH: i32,
  outW: i32,
  kernelH: i32,
  kernelW: i32,
  strideH: i32,
  strideW: i32,
  padH: i32,
  padW: i32,
  dilationH: i32,
  dilationW: i32,
): void {
  const positions = outH * outW;
  const kg = (channels / groups) * kernelH * kernelW;
  const m = outChannels / groups;
  for (let n = n0; n < n1; n++) {
    const image = x + ((<usize>n * <usize>(channels * inH * inW)) << 2);
    im2col(
      image,
      1,
      channels,
      cols,
      inH,
      inW,
      outH,
      outW,
      kernelH,
      kernelW,
      strideH,
      strideW,
      padH,
      padW,
      dilationH,
      dilationW,
    );
    for (let g = 0; g < groups; g++) {
      const wg = w + ((<usize>(g * m * kg)) << 2);
      const cg = cols + ((<usize>(g * kg * positions)) << 2);
      const yg = out + ((<usize>n * <usize>(outChannels * positions) + <usize>(g * m * positions)) << 2);
      gemmInto(wg, kg, 1, cg, positions, 1, yg, m, kg, positions, scratch, false);
    }
    if (bias != 0)
      addBias(out + ((<usize>n * <usize>(outChannels * positions)) << 2), bias, outChannels, positions);
  }
}

/** Adds bias[o] to the `positions` floats of each channel o of one output image. */
function addBias(y: usize, bias: usize, channels: i32, positions: i32): void {
  for (let o = 0; o < channels; o++) {
    const b = load<f32>(bias + ((<usize>o) << 2));
    const vb = f32x4.splat(b);
    const row = y + ((<usize>(o * positions)) << 2);
    let i = 0;
    for (; i + 4 <= positions; i += 4) {
      const at = row + ((<usize>i) << 2);
      v128.store(at, f32x4.add(v128.load(at), vb));
    }
    for (; i < positions; i++) {
      const at = row + ((<usize>i) << 2);
      store<f32>(at, load<f32>(at) + b);
    }
  }
}

/** ∂x[n] = col2im(Wᵀ · ∂y[n]) per group, for images n0 ≤ n < n1 (gradInput overwritten). */
export function conv2dInputGrad(
  gradOut: usize,
  w: usize,
  gradInput: usize,
  n0: i32,
  n1: i32,
  channels: i32,
  outChannels: i32,
  groups: i32,
  cols: usize,
  scratch: usize,
  inH: i32,
  inW: i32,
  outH: i32,
  outW: i32,
  kernelH: i32,
  kernelW: i32,
  strideH: i32,
  strideW: i32,
  padH: i32,
  padW: i32,
  dilationH: i32,
  dilationW: i32,
): void {
  const positions = outH * outW;
  const kg = (channels / groups) * kernelH * kernelW;
  const m = outChannels / groups;
  const imageFloats = channels * inH * inW;
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < groups; g++) {
      // op(A) = W_gᵀ (kg × m): element (i, p) at W_g[p·kg + i].
      const wg = w + ((<usize>(g * m * kg)) << 2);
      const dy = gradOut + ((<usize>n * <usize>(outChannels * positions) + <usize>(g * m * positions)) << 2);
      const cg = cols + ((<usize>(g * kg * positions)) << 2);
      gemmInto(wg, 1, kg, dy, positions, 1, cg, kg, m, positions, scratch, false);
    }
    const dx = gradInput + ((<usize>n * <usize>imageFloats) << 2);
    let i = 0;
    for (; i + 4 <= imageFloats; i += 4) v128.store(dx + ((<usize>i) << 2), f32x4.splat(0));
    for (; i < imageFloats; i++) store<f32>(dx + ((<usize>i) << 2), 0);
    col2im(
      cols,
      1,
      channels,
      dx,
      inH,
      inW,
      outH,
      outW,
      kernelH,
      kernelW,
      strideH,
      strideW,
      padH,
      padW,
      dilationH,
      dilationW,
    );
  }
}

/**
 * ∂W = Σ_{n0 ≤ n < n1} ∂y[n] · im2col(x[n])ᵀ per group, accumulated image by image in float32 into gradWeight
 * (overwritten by the first image). The host sums fixed-size image chunks, so results do not depend on threads.
 */
export function conv2dWeightGrad(
  x: usize,
  gradOut: usize,
  gradWeight: usize,
  n0: i32,
  n1: i32,
  channels: i32,
  outChannels: i32,
  groups: i32,
  cols: usize,
  scratch: usize,
  inH: i32,
  inW: i32,
  outH: i32,
  outW: i32,
  kernelH: i32,
  kernelW: i32,
  strideH: i32,
  strideW: i32,
  padH: i32,
  padW: i32,
  dilationH: i32,
  dilationW: i32,
): void {
  const positions = outH * outW;
  const kg = (channels / groups) * kernelH * kernelW;
  const m = outChannels / groups;
  for (let n = n0; n < n1; n++) {
    const image = x + ((<usize>n * <usize>(channels * inH * inW)) << 2);
    im2col(
      image,
      1,
      channels,
      cols,
      inH,
      inW,
      outH,
      outW,
      kernelH,
      kernelW,
      strideH,
      strideW,
      padH,
      padW,
      dilationH,
      dilationW,
    );
    for (let g = 0; g < groups; g++) {
      // op(B) = cols_gᵀ (positions × kg): element (p, j) at cols_g[j·positions + p].
      const dy = gradOut + ((<usize>n * <usize>(outChannels * positions) + <usize>(g * m * positions)) << 2);
      const cg = cols + ((<usize>(g * kg * positions)) << 2);
      const dw = gradWeight + ((<usize>(g * m * kg)) << 2);
      gemmInto(dy, positions, 1, cg, 1, positions, dw, m, positions, kg, scratch, n > n0);
    }
  }
}
