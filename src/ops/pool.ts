// @file 2-D pooling: max (with indices), average and adaptive average, forward through backend kernels and VJPs.
import { checkOptions, optionKeys } from '../options.js';
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import type { AxisWindows, Window2d } from '../backend/types.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { allocate, isFloat, type FloatArray } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { expandInts, fmtTuple, type IntOrPair } from './conv.js';
import { gather } from './indexing.js';
import { reshape } from './shape.js';

export interface MaxPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: IntOrPair | null;
  /** Implicit −∞ padding on both sides, at most half the kernel size (default 0). */
  padding?: IntOrPair;
  /** Spacing between window elements (default 1). */
  dilation?: IntOrPair;
  /** Round the output size up instead of down, so a partial last window is kept (default false). */
  ceilMode?: boolean;
  /** Also return the in-plane flat indices (h·W + w) of the maxima, as int32 (default false). */
  returnIndices?: boolean;
}

export interface AvgPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: IntOrPair | null;
  /** Implicit zero padding on both sides, at most half the kernel size (default 0). */
  padding?: IntOrPair;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Count the zero padding in each window's divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead of the window size (default: none). */
  divisorOverride?: number | null;
}

const MAX_POOL_KEYS = optionKeys<MaxPool2dOptions>({
  stride: true,
  padding: true,
  dilation: true,
  ceilMode: true,
  returnIndices: true,
});
export const AVG_POOL_KEYS = optionKeys<AvgPool2dOptions>({
  stride: true,
  padding: true,
  ceilMode: true,
  countIncludePad: true,
  divisorOverride: true,
});

/** An output size per spatial dim; null keeps the input's size there (PyTorch's None). */
export type AdaptiveSize = number | readonly [number | null, number | null];

/** The pooled planes of a 3-D [C, H, W] or 4-D [N, C, H, W] input. */
function planesOf(op: string, x: Tensor): { planes: number; inH: number; inW: number } {
  if (!isFloat(x.dtype)) throw new DTypeError(op, `expected a floating-point input, got dtype ${x.dtype}`);
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new ShapeError(
      op,
      `expected a 3-D (unbatched) or 4-D (batched) input, got shape ${fmtShape(x.shape)}`,
    );
  }
  const nonBatch = x.shape.slice(x.ndim - 3);
  if (nonBatch.some((n) => n === 0)) {
    throw new ShapeError(
      op,
      `expected non-zero sizes in every dim but the batch dim, got shape ${fmtShape(x.shape)}`,
    );
  }
  const inH = x.shape[x.ndim - 2]!;
  const inW = x.shape[x.ndim - 1]!;
  return { planes: x.numel() / (inH * inW), inH, inW };
}

/**
 * Pooling output length, as PyTorch's pooling_output_shape: ⌊(in + 2·pad − dilation·(kernel − 1) − 1)/stride⌋ + 1,
 * rounded up instead with ceilMode, minus one if the last window would then start in the right padding.
 */
function poolLength(
  size: number,
  kernel: number,
  pad: number,
  stride: number,
  dilation: number,
  ceil: boolean,
) {
  let out = Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1 + (ceil ? stride - 1 : 0)) / stride) + 1;
  if (ceil && (out - 1) * stride >= size + pad) out--;
  return out;
}

interface PoolGeometry {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  out: [number, number];
}

function poolGeometry(
  op: string,
  x: Tensor,
  inH: number,
  inW: number,
  kernelSize: IntOrPair,
  options: { stride?: IntOrPair | null; padding?: IntOrPair; dilation?: IntOrPair; ceilMode?: boolean },
): PoolGeometry {
  const kernel = expandInts(op, 'kernelSize', kernelSize, 2);
  const stride = expandInts(op, 'stride', options.stride ?? kernel, 2);
  const padding = expandInts(op, 'padding', options.padding ?? 0, 2, 0);
  const dilation = expandInts(op, 'dilation', options.dilation ?? 1, 2);
  if (padding.some((p, d) => p > Math.floor(kernel[d]! / 2))) {
    throw new ValueError(
      op,
      `padding ${fmtTuple(padding)} should be at most half of the kernel size ${fmtTuple(kernel)}`,
    );
  }
  const ceil = options.ceilMode ?? false;
  const out: [number, number] = [
    poolLength(inH, kernel[0]!, padding[0]!, stride[0]!, dilation[0]!, ceil),
    poolLength(inW, kernel[1]!, padding[1]!, stride[1]!, dilation[1]!, ceil),
  ];
  if (out[0] < 1 || out[1] < 1) {
    throw new ShapeError(
      op,
      `input of shape ${fmtShape(x.shape)} is too small: calculated output size ${fmtTuple(out)} with kernel size ` +
        `${fmtTuple(kernel)}, stride ${fmtTuple(stride)}, padding ${fmtTuple(padding)}, dilation ${fmtTuple(dilation)}`,
    );
  }
  return { kernel, stride, padding, dilation, out };
}

// ---- max pooling --------------------------------------------------------------------------------------

/**
 * 2-D max pooling (torch.nn.functional.max_pool2d) over [N, C, H, W] or [C, H, W]:
 * y[…, i, j] = max over p < kH, q < kW of x[…, i·sH − padH + p·dH, j·sW − padW + q·dW], padding being −∞.
 * Output size per dim: ⌊(in + 2·padding − dilation·(kernel − 1) − 1)/stride⌋ + 1 (rounded up with ceilMode,
 * keeping only windows that start inside the input or its left padding). Ties go to the first maximum in
 * row-major order, NaN wins. The winners' indices are saved, and ∂x adds ∂y at them.
 * With `returnIndices`, returns [output, indices] (int32, flat within each H×W plane, as PyTorch's).
 * @throws ShapeError for a wrong rank or an output size below 1; ValueError for padding above half the kernel.
 */
export function maxPool2d(
  x: Tensor,
  kernelSize: IntOrPair,
  options?: MaxPool2dOptions & { returnIndices?: false },
): Tensor;
export function maxPool2d(
  x: Tensor,
  kernelSize: IntOrPair,
  options: MaxPool2dOptions & { returnIndices: true },
): [Tensor, Tensor];
export function maxPool2d(
  x: Tensor,
  kernelSize: IntOrPair,
  options: MaxPool2dOptions = {},
): Tensor | [Tensor, Tensor] {
  const op = 'maxPool2d';
  checkOptions(op, options, MAX_POOL_KEYS);
  const { planes, inH, inW } = planesOf(op, x);
  const { kernel, stride, padding, dilation, out: size } = poolGeometry(op, x, inH, inW, kernelSize, options);
  const window: Window2d = {
    inH,
    inW,
    outH: size[0],
    outW: size[1],
    kernelH: kernel[0]!,
    kernelW: kernel[1]!,
    strideH: stride[0]!,
    strideW: stride[1]!,
    padH: padding[0]!,
    padW: padding[1]!,
    dilationH: dilation[0]!,
    dilationW: dilation[1]!,
  };
  const positions = size[0] * size[1];
  const values = allocate(x.dtype, planes * positions) as FloatArray;
  const indices = new Int32Array(planes * positions);
  backend().maxPool2d(x.storage as FloatArray, planes, window, values, indices);
  const outShape = [...x.shape.slice(0, -2), size[0], size[1]];
  const indexTensor = new Tensor(indices, outShape, 'int32');
  const flatIndices = reshape(indexTensor, [planes, positions]);
  const result = record(new Tensor(values, outShape, x.dtype), op, [x], (g) => [
    reshape(maxPoolBackward(reshape(g, [planes, positions]), flatIndices, inH * inW), x.shape),
  ]);
  return options.returnIndices ? [result, indexTensor] : result;
}

/**
 * ∂x of max pooling as planes [planes, inPlane]: ∂x[p, indices[p, o]] += ∂y[p, o] (Backend.maxPool2dBackward).
 * Its own VJP gathers the upstream gradient at the same indices, so double backward works.
 */
function maxPoolBackward(g: Tensor, indices: Tensor, inPlane: number): Tensor {
  const [planes, positions] = g.shape as [number, number];
  const out = allocate(g.dtype, planes * inPlane) as FloatArray;
  backend().maxPool2dBackward(
    g.storage as FloatArray,
    indices.storage as Int32Array,
    planes,
    positions,
    inPlane,
    out,
  );
  return record(new Tensor(out, [planes, inPlane], g.dtype), 'maxPool2dBackward', [g], (h) => [
    gather(h, 1, indices),
  ]);
}

// ---- average pooling ----------------------------------------------------------------------------------

/** y = windowed average of x's planes; its VJP is windowedAverageTranspose and the other way round. */
function windowedAverage(op: string, x: Tensor, rows: AxisWindows, cols: AxisWindows): Tensor {
  const inH = x.shape[x.ndim - 2]!;
  const inW = x.shape[x.ndim - 1]!;
  const planes = x.numel() / (inH * inW);
  const outH = rows.start.length;
  const outW = cols.start.length;
  const out = allocate(x.dtype, planes * outH * outW) as FloatArray;
  backend().avgPool2d(x.storage as FloatArray, planes, inH, inW, rows, cols, out);
  const result = new Tensor(out, [...x.shape.slice(0, -2), outH, outW], x.dtype);
  return record(result, op, [x], (g) => [windowedAverageTranspose(op, g, x.shape, rows, cols)]);
}

function windowedAverageTranspose(
  op: string,
  g: Tensor,
  inputShape: readonly number[],
  rows: AxisWindows,
  cols: AxisWindows,
): Tensor {
  const inH = inputShape[inputShape.length - 2]!;
  const inW = inputShape[inputShape.length - 1]!;
  const planes = g.numel() / (rows.start.length * cols.start.length);
  const gradIn = allocate(g.dtype, planes * inH * inW) as FloatArray;
  backend().avgPool2dBackward(g.storage as FloatArray, planes, inH, inW, rows, cols, gradIn);
  const result = new Tensor(gradIn, inputShape, g.dtype);
  return record(result, `${op}Grad`, [g], (h) => [windowedAverage(op, h, rows, cols)]);
}

/** Windows of a strided, padded sweep along one axis, with PyTorch's avg_pool2d divisors. */
function sweepWindows(
  size: number,
  outSize: number,
  kernel: number,
  stride: number,
  pad: number,
  countIncludePad: boolean,
): AxisWindows {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  const divisor = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const first = o * stride - pad;
    const last = Math.min(first + kernel, size + pad);
    start[o] = Math.max(first, 0);
    end[o] = Math.min(last, size);
    divisor[o] = countIncludePad ? last - first : end[o]! - start[o]!;
  }
  return { start, end, divisor };
}

/**
 * 2-D average pooling (torch.nn.functional.avg_pool2d) over [N, C, H, W] or [C, H, W]: each output is the sum
 * of its kH×kW window divided by the window size, where the size counts zero padding when countIncludePad
 * (default true; windows reaching past the padding under ceilMode are cut there), or by `divisorOverride`.
 * Output size per dim: ⌊(in + 2·padding − kernel)/stride⌋ + 1 (rounded up with ceilMode, as maxPool2d).
 * ∂x spreads ∂y/divisor over each window.
 * @throws as maxPool2d.
 */
export function avgPool2d(x: Tensor, kernelSize: IntOrPair, options: AvgPool2dOptions = {}): Tensor {
  const op = 'avgPool2d';
  checkOptions(op, options, AVG_POOL_KEYS);
  const { inH, inW } = planesOf(op, x);
  const { kernel, stride, padding, out } = poolGeometry(op, x, inH, inW, kernelSize, options);
  const countIncludePad = options.countIncludePad ?? true;
  const rows = sweepWindows(inH, out[0], kernel[0]!, stride[0]!, padding[0]!, countIncludePad);
  const cols = sweepWindows(inW, out[1], kernel[1]!, stride[1]!, padding[1]!, countIncludePad);
  const override = options.divisorOverride ?? null;
  if (override !== null) {
    if (!Number.isFinite(override) || override === 0)
      throw new ValueError(op, `divisorOverride must be a non-zero number, got ${String(override)}`);
    rows.divisor.fill(1);
    cols.divisor.fill(override);
  }
  return windowedAverage(op, x, rows, cols);
}

/** Adaptive windows along one axis: output o averages [⌊o·in/out⌋, ⌈(o + 1)·in/out⌉). */
function adaptiveWindows(size: number, outSize: number): AxisWindows {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  const divisor = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    start[o] = Math.floor((o * size) / outSize);
    end[o] = Math.ceil(((o + 1) * size) / outSize);
    divisor[o] = end[o]! - start[o]!;
  }
  return { start, end, divisor };
}

/**
 * 2-D adaptive average pooling (torch.nn.functional.adaptive_avg_pool2d): output (oH, oW) whatever the input
 * size; output (i, j) averages rows [⌊i·H/oH⌋, ⌈(i + 1)·H/oH⌉) and columns [⌊j·W/oW⌋, ⌈(j + 1)·W/oW⌉), so
 * windows overlap when H is not a multiple of oH. A null size keeps the input's size in that dim.
 * @throws ShapeError for a wrong rank; ValueError for a size that is not a positive integer.
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  const op = 'adaptiveAvgPool2d';
  const { inH, inW } = planesOf(op, x);
  const requested = typeof outputSize === 'number' ? [outputSize, outputSize] : [...outputSize];
  const size = expandInts(
    op,
    'outputSize',
    requested.map((s, d) => s ?? (d === 0 ? inH : inW)),
    2,
  );
  return windowedAverage(op, x, adaptiveWindows(inH, size[0]!), adaptiveWindows(inW, size[1]!));
}
