// @file The 2-D window (Window2d) as WGSL uniform fields, shared by the convolution and pooling kernels.
import type { UniformWords } from '../context.js';
import type { Window2d } from '../../types.js';

/** The Params fields of a window, in the order {@link windowWords} packs them (signed for the padding math). */
export const WINDOW_FIELDS =
  'inH: i32, inW: i32, outH: i32, outW: i32, kernelH: i32, kernelW: i32, strideH: i32, strideW: i32, ' +
  'padH: i32, padW: i32, dilationH: i32, dilationW: i32';

/** Appends the window's twelve fields to `words`. */
export function windowWords(words: UniformWords, w: Window2d): UniformWords {
  return words
    .i32(w.inH)
    .i32(w.inW)
    .i32(w.outH)
    .i32(w.outW)
    .i32(w.kernelH)
    .i32(w.kernelW)
    .i32(w.strideH)
    .i32(w.strideW)
    .i32(w.padH)
    .i32(w.padW)
    .i32(w.dilationH)
    .i32(w.dilationW);
}
