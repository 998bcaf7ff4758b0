// @file Convolution and pooling kernels for the reference backend: im2col/col2im, max pooling, windowed averages.
import type { FloatArray } from '../../tensor/dtype.js';
import type { AxisWindows, Window2d } from '../types.js';

/**
 * The output positions o in [lo, hi) whose input position o·stride + offset lies in [0, size): the part of a
 * kernel row or column that reads real input rather than padding.
 */
function validRange(offset: number, stride: number, size: number, outSize: number): [number, number] {
  const lo = Math.min(outSize, Math.max(0, Math.ceil(-offset / stride)));
  const hi = Math.min(outSize, Math.max(lo, Math.floor((size - 1 - offset) / stride) + 1));
  return [lo, hi];
}

/**
 * Unfolds `images` images [channels, inH, inW] into columns: cols is [images, channels·kH·kW, outH·outW] with
 * row (c, ki, kj) and column (oh, ow) holding x[c, oh·sH − padH + ki·dH, ow·sW − padW + kj·dW] (0 in padding).
 */
export function im2col(x: FloatArray, images: number, channels: number, w: Window2d, cols: FloatArray): void {
  const { inH, inW, outH, outW, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW } = w;
  const plane = inH * inW;
  let dst = 0;
  for (let image = 0; image < images; image++) {
    for (let c = 0; c < channels; c++) {
      const src = (image * channels + c) * plane;
      for (let ki = 0; ki < kernelH; ki++) {
        const rowOffset = ki * dilationH - padH;
        const [ohLo, ohHi] = validRange(rowOffset, strideH, inH, outH);
        for (let kj = 0; kj < kernelW; kj++) {
          const colOffset = kj * dilationW - padW;
          const [owLo, owHi] = validRange(colOffset, strideW, inW, outW);
          // Rows above and below the input read padding; so do columns left of owLo and from owHi on.
          for (let end = dst + ohLo * outW; dst < end;) cols[dst++] = 0;
          for (let oh = ohLo; oh < ohHi; oh++) {
            const rowBase = src + (oh * strideH + rowOffset) * inW + colOffset;
            for (let ow = 0; ow < owLo; ow++) cols[dst++] = 0;
            if (strideW === 1) {
              for (let ow = owLo; ow < owHi; ow++) cols[dst++] = x[rowBase + ow]!;
            } else {
              for (let ow = owLo; ow < owHi; ow++) cols[dst++] = x[rowBase + ow * strideW]!;
            }
            for (let ow = owHi; ow < outW; ow++) cols[dst++] = 0;
          }
          for (let end = dst + (outH - ohHi) * outW; dst < end;) cols[dst++] = 0;
        }
      }
    }
  }
}

/**
 * The adjoint of im2col: adds every column entry back onto the input position it was read from, so `out`
 * ([images, channels, inH, inW], zeroed by the caller) receives the sum over all windows; padding is dropped.
 */
export function col2im(
  cols: FloatArray,
  images: number,
  channels: number,
  w: Window2d,
  out: FloatArray,
): void {
  const { inH, inW, outH, outW, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW } = w;
  const plane = inH * inW;
  let src = 0;
  for (let image = 0; image < images; image++) {
    for (let c = 0; c < channels; c++) {
      const dstPlane = (image * channels + c) * plane;
      for (let ki = 0; ki < kernelH; ki++) {
        const rowOffset = ki * dilationH - padH;
        const [ohLo, ohHi] = validRange(rowOffset, strideH, inH, outH);
        for (let kj = 0; kj < kernelW; kj++) {
          const colOffset = kj * dilationW - padW;
          const [owLo, owHi] = validRange(colOffset, strideW, inW, outW);
          for (let oh = ohLo; oh < ohHi; oh++) {
            const rowBase = dstPlane + (oh * strideH + rowOffset) * inW + colOffset;
            const rowSrc = src + oh * outW;
            for (let ow = owLo; ow < owHi; ow++) {
              const at = rowBase + ow * strideW;
              out[at] = out[at]! + cols[rowSrc + ow]!;
            }
          }
          src += outH * outW;
        }
      }
    }
  }
}

/**
 * Max over each (dilated) window of `planes` planes [inH, inW], with the flat in-plane index (h·inW + w) of
 * the winner. Padding never wins. As in PyTorch's CPU kernel, the first maximum in row-major order wins ties
 * and a NaN always wins (the last one seen).
 */
export function maxPool2d(
  x: FloatArray,
  planes: number,
  w: Window2d,
  out: FloatArray,
  indices: Int32Array,
): void {
  const { inH, inW, outH, outW, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW } = w;
  const plane = inH * inW;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * plane;
    for (let oh = 0; oh < outH; oh++) {
      let hStart = oh * strideH - padH;
      const hEnd = Math.min(hStart + (kernelH - 1) * dilationH + 1, inH);
      while (hStart < 0) hStart += dilationH;
      for (let ow = 0; ow < outW; ow++, o++) {
        let wStart = ow * strideW - padW;
        const wEnd = Math.min(wStart + (kernelW - 1) * dilationW + 1, inW);
        while (wStart < 0) wStart += dilationW;
        let best = -Infinity;
        let bestIndex = hStart * inW + wStart;
        for (let ih = hStart; ih < hEnd; ih += dilationH) {
          for (let iw = wStart; iw < wEnd; iw += dilationW) {
            const index = ih * inW + iw;
            const v = x[base + index]!;
            if (v > best || v !== v) {
              best = v;
              bestIndex = index;
            }
          }
        }
        out[o] = best;
        indices[o] = bestIndex;
      }
    }
  }
}

/** Backend.maxPool2dBackward: adds each output gradient onto its window's winner. */
export function maxPool2dBackward(
  gradOut: FloatArray,
  indices: Int32Array,
  planes: number,
  positions: number,
  inPlane: number,
  gradIn: FloatArray,
): void {
  for (let p = 0, o = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let end = o + positions; o < end; o++) gradIn[base + indices[o]!]! += gradOut[o]!;
  }
}

/**
 * out[p, oh, ow] = Σ x[p, h, w] / (rows.divisor[oh]·cols.divisor[ow]) over h in [rows.start[oh], rows.end[oh])
 * and w in [cols.start[ow], cols.end[ow]): average pooling (windows from kernel, stride and padding) and
 * adaptive average pooling (windows from the size ratio) in one kernel.
 */
export function avgPool2d(
  x: FloatArray,
  planes: number,
  inH: number,
  inW: number,
  rows: AxisWindows,
  cols: AxisWindows,
  out: FloatArray,
): void {
  const outH = rows.start.length;
  const outW = cols.start.length;
  const plane = inH * inW;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * plane;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = rows.start[oh]!;
      const h1 = rows.end[oh]!;
      const rowDivisor = rows.divisor[oh]!;
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = cols.start[ow]!;
        const w1 = cols.end[ow]!;
        let sum = 0;
        for (let h = h0; h < h1; h++) {
          const row = base + h * inW;
          for (let w = w0; w < w1; w++) sum += x[row + w]!;
        }
        out[o] = sum / (rowDivisor * cols.divisor[ow]!);
      }
    }
  }
}

/** The adjoint of avgPool2d: adds gradOut[p, oh, ow]/divisor to every input position of its window. */
export function avgPool2dBackward(
  gradOut: FloatArray,
  planes: number,
  inH: number,
  inW: number,
  rows: AxisWindows,
  cols: AxisWindows,
  gradIn: FloatArray,
): void {
  const outH = rows.start.length;
  const outW = cols.start.length;
  const plane = inH * inW;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * plane;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = rows.start[oh]!;
      const h1 = rows.end[oh]!;
      const rowDivisor = rows.divisor[oh]!;
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = cols.start[ow]!;
        const w1 = cols.end[ow]!;
        const share = gradOut[o]! / (rowDivisor * cols.divisor[ow]!);
        for (let h = h0; h < h1; h++) {
          const row = base + h * inW;
          for (let w = w0; w < w1; w++) gradIn[row + w] = gradIn[row + w]! + share;
        }
      }
    }
  }
}
