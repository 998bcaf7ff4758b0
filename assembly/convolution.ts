// @file Whole 2-D convolutions in linear memory: per image, im2col into one column buffer, then the gemm.
//
// Stride-1, width-preserving windows (3×3 'same' and the like) build and fold the columns with whole-plane
// shifted copies (im2colShift, col2imShift) instead of one short copy per output row.
//
// The three linear maps of a convolution (forward, input gradient, weight gradient) over a range of images
// [n0, n1) of a batch laid out as [images, channels, inH, inW] / [images, outChannels, outH, outW]. The column
// buffer (`cols`, channels·kH·kW·outH·outW floats: one image, then room for the weight) stays in cache and never leaves wasm memory; the
// gemm scratch is gemmScratchBytes() bytes. Window geometry: the twelve i32s of Window2d (see conv.ts).
// Groups: rows [g·m, (g+1)·m) of the weight (m = outChannels / groups) see column rows [g·Kg, (g+1)·Kg).
import { col2im, im2col } from './conv';
import { gemmInto } from './gemm';

/**
 * Whether im2col's rows are plain shifts of the input plane: stride 1, dilation 1 and as many output as input
 * columns ('same' padding along the width), so that output position q = oh·W + ow reads input element q + shift
 * of its plane, shift = (ki − padH)·W + (kj − padW), wherever that element is in bounds.
 */
function isShift(inW: i32, outW: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32): bool {
  return strideH == 1 && strideW == 1 && dilationH == 1 && dilationW == 1 && outW == inW;
}

/** Copies n floats from src to dst (4 at a time, then one at a time). */
function copyFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + ((<usize>i) << 2), v128.load(src + ((<usize>i) << 2)));
  for (; i < n; i++) store<f32>(dst + ((<usize>i) << 2), load<f32>(src + ((<usize>i) << 2)));
}

/** dst[i] += src[i] for n floats. */
function addFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = dst + ((<usize>i) << 2);
    v128.store(at, f32x4.add(v128.load(at), v128.load(src + ((<usize>i) << 2))));
  }
  for (; i < n; i++) {
    const at = dst + ((<usize>i) << 2);
    store<f32>(at, load<f32>(at) + load<f32>(src + ((<usize>i) << 2)));
  }
}

/** Zeroes n floats at dst. */
function zeroFloats(dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + ((<usize>i) << 2), f32x4.splat(0));
  for (; i < n; i++) store<f32>(dst + ((<usize>i) << 2), 0);
}

/** First in-bounds output index o (o + offset ≥ 0), and one past the last (o + offset < size), in [0, count]. */
function shiftLo(offset: i32, count: i32): i32 {
  return min(count, max(0, -offset));
}
function shiftHi(offset: i32, size: i32, count: i32): i32 {
  return max(shiftLo(offset, count), min(count, size - offset));
}

/**
 * im2col of one image when isShift holds: each of the channels·kH·kW rows is one shifted block copy of its input
 * plane, then zeros where the window leaves the plane (whole output rows above and below, edge columns within).
 * The same values as im2col, in one pass of vector copies instead of one short copy per output row.
 */
function im2colShift(
  image: usize,
  channels: i32,
  cols: usize,
  inH: i32,
  inW: i32,
  outH: i32,
  kernelH: i32,
  kernelW: i32,
  padH: i32,
  padW: i32,
): void {
  const plane = inH * inW;
  const positions = outH * inW;
  let dst = cols;
  for (let c = 0; c < channels; c++) {
    const src = image + ((<usize>(c * plane)) << 2);
    for (let ki = 0; ki < kernelH; ki++) {
      const rowOffset = ki - padH;
      const ohLo = shiftLo(rowOffset, outH);
      const ohHi = shiftHi(rowOffset, inH, outH);
      for (let kj = 0; kj < kernelW; kj++) {
        const colOffset = kj - padW;
        const owLo = shiftLo(colOffset, inW);
        const owHi = shiftHi(colOffset, inW, inW);
        if (ohLo >= ohHi || owLo >= owHi) {
          zeroFloats(dst, positions);
        } else {
          // Positions [first, last) all read inside the plane (edge columns read a neighbouring row, zeroed below).
          const first = ohLo * inW + owLo;
          const last = (ohHi - 1) * inW + owHi;
          const shift = rowOffset * inW + colOffset;
          zeroFloats(dst, first);
          copyFloats(dst + ((<usize>first) << 2), src + ((<usize>(first + shift)) << 2), last - first);
          zeroFloats(dst + ((<usize>last) << 2), positions - last);
          for (let oh = ohLo; oh < ohHi; oh++) {
            const row = dst + ((<usize>(oh * inW)) << 2);
            for (let ow = 0; ow < owLo; ow++) store<f32>(row + ((<usize>ow) << 2), 0);
            for (let ow = owHi; ow < inW; ow++) store<f32>(row + ((<usize>ow) << 2), 0);
          }
        }
        dst += (<usize>positions) << 2;
      }
    }
  }
}

/**
 * col2im of one image when isShift holds, adding onto dx (not zeroed here); `cols` is scratch and is clobbered:
 * its entries whose input lies outside the plane are zeroed first, so each row becomes one shifted block add (the
 * zeroed edge entries add 0 to a neighbouring row's element, which changes no value but −0's sign).
 */
function col2imShift(
  cols: usize,
  channels: i32,
  dx: usize,
  inH: i32,
  inW: i32,
  outH: i32,
  kernelH: i32,
  kernelW: i32,
  padH: i32,
  padW: i32,
): void {
  const plane = inH * inW;
  const positions = outH * inW;
  let src = cols;
  for (let c = 0; c < channels; c++) {
    const dst = dx + ((<usize>(c * plane)) << 2);
    for (let ki = 0; ki < kernelH; ki++) {
      const rowOffset = ki - padH;
      const ohLo = shiftLo(rowOffset, outH);
      const ohHi = shiftHi(rowOffset, inH, outH);
      for (let kj = 0; kj < kernelW; kj++) {
        const colOffset = kj - padW;
        const owLo = shiftLo(colOffset, inW);
        const owHi = shiftHi(colOffset, inW, inW);
        if (ohLo < ohHi && owLo < owHi) {
          const first = ohLo * inW + owLo;
          const last = (ohHi - 1) * inW + owHi;
          const shift = rowOffset * inW + colOffset;
          for (let oh = ohLo; oh < ohHi; oh++) {
            const row = src + ((<usize>(oh * inW)) << 2);
            for (let ow = 0; ow < owLo; ow++) store<f32>(row + ((<usize>ow) << 2), 0);
            for (let ow = owHi; ow < inW; ow++) store<f32>(row + ((<usize>ow) << 2), 0);
          }
          addFloats(dst + ((<usize>(first + shift)) << 2), src + ((<usize>first) << 2), last - first);
        }
        src += (<usize>positions) << 2;
      }
    }
  }
}

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
  const shift = isShift(inW, outW, strideH, strideW, dilationH, dilationW);
  for (let n = n0; n < n1; n++) {
    const image = x + ((<usize>n * <usize>(channels * inH * inW)) << 2);
    if (shift) im2colShift(image, channels, cols, inH, inW, outH, kernelH, kernelW, padH, padW);
    else
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
  const shift = isShift(inW, outW, strideH, strideW, dilationH, dilationW);
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
    if (shift) col2imShift(cols, channels, dx, inH, inW, outH, kernelH, kernelW, padH, padW);
    else
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
 * `cols` has room for one image's columns and then the weight's floats (for ∂Wᵀ).
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
  const shift = isShift(inW, outW, strideH, strideW, dilationH, dilationW);
  // The product in the orientation whose columns pad less to the tile's 8 (a 1-channel 3×3 layer: 9 columns
  // of ∂W would be two tiles, 16 of ∂Wᵀ are two full ones); ∂Wᵀ is summed after the columns and copied at the end.
  const transposed = ((m + 7) & ~7) * kg < ((kg + 7) & ~7) * m;
  const transposedAt = cols + ((<usize>(channels * kernelH * kernelW * positions)) << 2);
  for (let n = n0; n < n1; n++) {
    const image = x + ((<usize>n * <usize>(channels * inH * inW)) << 2);
    if (shift) im2colShift(image, channels, cols, inH, inW, outH, kernelH, kernelW, padH, padW);
    else
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
      const dy = gradOut + ((<usize>n * <usize>(outChannels * positions) + <usize>(g * m * positions)) << 2);
      const cg = cols + ((<usize>(g * kg * positions)) << 2);
      if (transposed) {
        // ∂W_gᵀ (kg × m) += cols_g · ∂y_gᵀ: op(B) element (p, o) at ∂y_g[o·positions + p].
        const dwt = transposedAt + ((<usize>(g * m * kg)) << 2);
        gemmInto(cg, positions, 1, dy, 1, positions, dwt, kg, positions, m, scratch, n > n0);
      } else {
        // op(B) = cols_gᵀ (positions × kg): element (p, j) at cols_g[j·positions + p].
        const dw = gradWeight + ((<usize>(g * m * kg)) << 2);
        gemmInto(dy, positions, 1, cg, 1, positions, dw, m, positions, kg, scratch, n > n0);
      }
    }
  }
  if (transposed && n1 > n0) {
    for (let g = 0; g < groups; g++) {
      const dwt = transposedAt + ((<usize>(g * m * kg)) << 2);
      const dw = gradWeight + ((<usize>(g * m * kg)) << 2);
      for (let o = 0; o < m; o++)
        for (let j = 0; j < kg; j++)
          store<f32>(dw + ((<usize>(o * kg + j)) << 2), load<f32>(dwt + ((<usize>(j * m + o)) << 2)));
    }
  }
}
