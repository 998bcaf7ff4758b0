// @file The wasm window kernels, in AssemblyScript: im2col, col2im and max pooling (float32).
//
// Window geometry arrives as twelve i32s in the order of the Window2d interface (see src/backend/types.ts):
// inH, inW, outH, outW, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW.

/** Output positions in [lo, hi) whose input o·stride + offset lies in [0, size): lo in the low half, hi high. */
function validRange(offset: i32, stride: i32, size: i32, outSize: i32): i64 {
  // ceil(−offset / stride) and floor((size − 1 − offset) / stride) + 1 for positive strides.
  const loRaw = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  const lo = min(outSize, max(0, loRaw));
  const top = size - 1 - offset;
  const hiRaw = top < 0 ? 0 : top / stride + 1;
  const hi = min(outSize, max(lo, hiRaw));
  return ((<i64>hi) << 32) | (<i64>lo);
}

/**
 * One output row of im2col with stride 1: zeros for [0, lo), src[lo, hi), zeros for [hi, width); returns the
 * end of dst. One call per row: the engine's memory.fill/copy, or a call per run, cost more than the row.
 */
function unitStrideRow(dst: usize, src: usize, lo: i32, hi: i32, width: i32): usize {
  let i = 0;
  for (; i < lo; i++) store<f32>(dst + ((<usize>i) << 2), 0);
  for (; i + 4 <= hi; i += 4) v128.store(dst + ((<usize>i) << 2), v128.load(src + ((<usize>i) << 2)));
  for (; i < hi; i++) store<f32>(dst + ((<usize>i) << 2), load<f32>(src + ((<usize>i) << 2)));
  for (; i < width; i++) store<f32>(dst + ((<usize>i) << 2), 0);
  return dst + ((<usize>width) << 2);
}

/** Zeroes n floats at dst; returns the end. */
function zero(dst: usize, n: i32): usize {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + ((<usize>i) << 2), f32x4.splat(0));
  for (; i < n; i++) store<f32>(dst + ((<usize>i) << 2), 0);
  return dst + ((<usize>n) << 2);
}

/**
 * cols [images, channels·kH·kW, outH·outW] from x [images, channels, inH, inW]: row (c, ki, kj), column
 * (oh, ow) holds x[c, oh·sH − padH + ki·dH, ow·sW − padW + kj·dW], 0 in the padding.
 */
export function im2col(
  x: usize,
  images: i32,
  channels: i32,
  cols: usize,
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
  const plane = inH * inW;
  let dst = cols;
  for (let image = 0; image < images; image++) {
    for (let c = 0; c < channels; c++) {
      const src = x + ((<usize>((image * channels + c) * plane)) << 2);
      for (let ki = 0; ki < kernelH; ki++) {
        const rowOffset = ki * dilationH - padH;
        const rows = validRange(rowOffset, strideH, inH, outH);
        const ohLo = <i32>rows;
        const ohHi = <i32>(rows >> 32);
        for (let kj = 0; kj < kernelW; kj++) {
          const colOffset = kj * dilationW - padW;
          const range = validRange(colOffset, strideW, inW, outW);
          const owLo = <i32>range;
          const owHi = <i32>(range >> 32);
          dst = zero(dst, ohLo * outW);
          for (let oh = ohLo; oh < ohHi; oh++) {
            const rowBase = src + ((<usize>((oh * strideH + rowOffset) * inW + colOffset)) << 2);
            if (strideW == 1) dst = unitStrideRow(dst, rowBase, owLo, owHi, outW);
            else {
              dst = zero(dst, owLo);
              for (let ow = owLo; ow < owHi; ow++) {
                store<f32>(dst, load<f32>(rowBase + ((<usize>(ow * strideW)) << 2)));
                dst += 4;
              }
              dst = zero(dst, outW - owHi);
            }
          }
          dst = zero(dst, (outH - ohHi) * outW);
        }
      }
    }
  }
}

/** The adjoint of im2col: adds every column entry onto the input position it was read from (out not zeroed). */
export function col2im(
  cols: usize,
  images: i32,
  channels: i32,
  out: usize,
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
  const plane = inH * inW;
  let src = cols;
  for (let image = 0; image < images; image++) {
    for (let c = 0; c < channels; c++) {
      const dstPlane = out + ((<usize>((image * channels + c) * plane)) << 2);
      for (let ki = 0; ki < kernelH; ki++) {
        const rowOffset = ki * dilationH - padH;
        const rows = validRange(rowOffset, strideH, inH, outH);
        const ohLo = <i32>rows;
        const ohHi = <i32>(rows >> 32);
        for (let kj = 0; kj < kernelW; kj++) {
          const colOffset = kj * dilationW - padW;
          const range = validRange(colOffset, strideW, inW, outW);
          const owLo = <i32>range;
          const owHi = <i32>(range >> 32);
          for (let oh = ohLo; oh < ohHi; oh++) {
            const rowBase = dstPlane + ((<usize>((oh * strideH + rowOffset) * inW + colOffset)) << 2);
            const rowSrc = src + ((<usize>(oh * outW)) << 2);
            let ow = owLo;
            if (strideW == 1) {
              for (; ow + 4 <= owHi; ow += 4) {
                const at = rowBase + ((<usize>ow) << 2);
                v128.store(at, f32x4.add(v128.load(at), v128.load(rowSrc + ((<usize>ow) << 2))));
              }
            }
            for (; ow < owHi; ow++) {
              const at = rowBase + ((<usize>(ow * strideW)) << 2);
              store<f32>(at, load<f32>(at) + load<f32>(rowSrc + ((<usize>ow) << 2)));
            }
          }
          src += (<usize>(outH * outW)) << 2;
        }
      }
    }
  }
}

/** Lanes p..p+3 of four planes `plane` bytes apart, at byte offset `at` in each. */
function gather4(at: usize, plane: usize): v128 {
  let v = f32x4.splat(load<f32>(at));
  v = f32x4.replace_lane(v, 1, load<f32>(at + plane));
  v = f32x4.replace_lane(v, 2, load<f32>(at + 2 * plane));
  return f32x4.replace_lane(v, 3, load<f32>(at + 3 * plane));
}

/**
 * Max over each (dilated) window of `planes` planes [inH, inW], with the winner's in-plane index h·inW + w:
 * padding never wins, the first maximum in row-major order wins ties and a NaN always wins (the last one).
 *
 * Four planes run at once, one per vector lane: they share the window geometry, so the lanes never diverge,
 * and the comparisons become vector selects. (A scalar loop is slow here however written: V8 compiles float
 * compare-and-select chains to branches or long dependency chains; the vector form is ~5× faster.)
 */
export function maxPool2d(
  x: usize,
  planes: i32,
  out: usize,
  indices: usize,
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
  if (
    kernelH == 2 &&
    kernelW == 2 &&
    strideH == 2 &&
    strideW == 2 &&
    padH == 0 &&
    padW == 0 &&
    dilationH == 1 &&
    dilationW == 1 &&
    2 * outH <= inH &&
    2 * outW <= inW
  ) {
    maxPool2x2(x, planes, out, indices, inH, inW, outH, outW);
    return;
  }
  const plane = (<usize>(inH * inW)) << 2;
  const outPlane = (<usize>(outH * outW)) << 2;
  for (let p = 0; p < planes; p += 4) {
    const lanes = min(4, planes - p);
    const base = x + <usize>p * plane;
    const outBase = <usize>p * outPlane;
    let o: usize = 0;
    for (let oh = 0; oh < outH; oh++) {
      let hStart = oh * strideH - padH;
      const hEnd = min(hStart + (kernelH - 1) * dilationH + 1, inH);
      while (hStart < 0) hStart += dilationH;
      for (let ow = 0; ow < outW; ow++) {
        let wStart = ow * strideW - padW;
        const wEnd = min(wStart + (kernelW - 1) * dilationW + 1, inW);
        while (wStart < 0) wStart += dilationW;
        let best = f32x4.splat(-Infinity);
        let bestIndex = i32x4.splat(hStart * inW + wStart);
        for (let ih = hStart; ih < hEnd; ih += dilationH) {
          for (let iw = wStart; iw < wEnd; iw += dilationW) {
            const index = ih * inW + iw;
            const at = base + ((<usize>index) << 2);
            const v = lanes == 4 ? gather4(at, plane) : gatherSome(at, plane, lanes);
            const wins = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
            best = v128.bitselect(v, best, wins);
            bestIndex = v128.bitselect(i32x4.splat(index), bestIndex, wins);
          }
        }
        const at = outBase + o;
        store<f32>(out + at, f32x4.extract_lane(best, 0));
        store<i32>(indices + at, i32x4.extract_lane(bestIndex, 0));
        if (lanes > 1) {
          store<f32>(out + at + outPlane, f32x4.extract_lane(best, 1));
          store<i32>(indices + at + outPlane, i32x4.extract_lane(bestIndex, 1));
        }
        if (lanes > 2) {
          store<f32>(out + at + 2 * outPlane, f32x4.extract_lane(best, 2));
          store<i32>(indices + at + 2 * outPlane, i32x4.extract_lane(bestIndex, 2));
        }
        if (lanes > 3) {
          store<f32>(out + at + 3 * outPlane, f32x4.extract_lane(best, 3));
          store<i32>(indices + at + 3 * outPlane, i32x4.extract_lane(bestIndex, 3));
        }
        o += 4;
      }
    }
  }
}

/** gather4 for the last `lanes` < 4 planes (the other lanes −∞, never stored). */
function gatherSome(at: usize, plane: usize, lanes: i32): v128 {
  let v = f32x4.splat(-Infinity);
  v = f32x4.replace_lane(v, 0, load<f32>(at));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(at + plane));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(at + 2 * plane));
  return v;
}

/** The window's element `at` competes with the best so far: it wins if larger or NaN (later NaNs win). */
function better(best: v128, candidate: v128): v128 {
  return v128.or(f32x4.gt(candidate, best), f32x4.ne(candidate, candidate));
}

/**
 * maxPool2d for the common 2×2 window, stride 2, no padding, no dilation, every window inside the input: four
 * windows per step, their rows read as two vectors each and split into left and right elements; candidates are
 * taken in row-major order (top-left, top-right, bottom-left, bottom-right), so ties and NaNs resolve as in the
 * general kernel.
 */
function maxPool2x2(
  x: usize,
  planes: i32,
  out: usize,
  indices: usize,
  inH: i32,
  inW: i32,
  outH: i32,
  outW: i32,
): void {
  const step = i32x4(0, 2, 4, 6);
  for (let p = 0; p < planes; p++) {
    const plane = x + ((<usize>(p * inH * inW)) << 2);
    const outBase = (<usize>(p * outH * outW)) << 2;
    for (let oh = 0; oh < outH; oh++) {
      const top = 2 * oh * inW;
      const rowTop = plane + ((<usize>top) << 2);
      const rowBottom = rowTop + ((<usize>inW) << 2);
      const outRow = outBase + ((<usize>(oh * outW)) << 2);
      let ow = 0;
      // Whole vectors; a ragged end is redone as the last four windows (the overlap stores the same values).
      for (; ow < outW && outW >= 4; ow += 4) {
        if (ow + 4 > outW) ow = outW - 4;
        const at = (<usize>(2 * ow)) << 2;
        const t0 = v128.load(rowTop + at);
        const t1 = v128.load(rowTop + at, 16);
        const b0 = v128.load(rowBottom + at);
        const b1 = v128.load(rowBottom + at, 16);
        const first = i32x4.add(i32x4.splat(top + 2 * ow), step);
        let best = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6);
        let index = first;
        let candidate = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7);
        let wins = better(best, candidate);
        best = v128.bitselect(candidate, best, wins);
        index = v128.bitselect(i32x4.add(first, i32x4.splat(1)), index, wins);
        candidate = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
        wins = better(best, candidate);
        best = v128.bitselect(candidate, best, wins);
        index = v128.bitselect(i32x4.add(first, i32x4.splat(inW)), index, wins);
        candidate = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
        wins = better(best, candidate);
        best = v128.bitselect(candidate, best, wins);
        index = v128.bitselect(i32x4.add(first, i32x4.splat(inW + 1)), index, wins);
        const o = outRow + ((<usize>ow) << 2);
        v128.store(out + o, best);
        v128.store(indices + o, index);
      }
      for (; ow < outW; ow++) {
        const first = top + 2 * ow;
        let best = load<f32>(plane + ((<usize>first) << 2));
        let index = first;
        for (let c = 1; c < 4; c++) {
          const at = first + (c & 1) + (c >> 1) * inW; // top-right, bottom-left, bottom-right
          const v = load<f32>(plane + ((<usize>at) << 2));
          if (v > best || v != v) {
            best = v;
            index = at;
          }
        }
        const o = outRow + ((<usize>ow) << 2);
        store<f32>(out + o, best);
        store<i32>(indices + o, index);
      }
    }
  }
}

/**
 * The adjoint of maxPool2d: gradIn[p·inPlane + indices[p, o]] += gradOut[p, o] for `planes` planes of
 * `positions` outputs. Returns the number of indices outside [0, inPlane), which are skipped (the host throws),
 * so a bad index never writes outside its plane.
 */
export function maxPool2dBackward(
  gradOut: usize,
  indices: usize,
  planes: i32,
  positions: i32,
  inPlane: i32,
  gradIn: usize,
): i32 {
  let bad = 0;
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const plane = gradIn + ((<usize>p * <usize>inPlane) << 2);
    const end = o + ((<usize>positions) << 2);
    for (; o < end; o += 4) {
      const index = load<i32>(indices + o);
      if (<u32>index >= <u32>inPlane) {
        bad++;
        continue;
      }
      const at = plane + ((<usize>index) << 2);
      store<f32>(at, load<f32>(at) + load<f32>(gradOut + o));
    }
  }
  return bad;
}
