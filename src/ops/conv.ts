// @file Convolution (conv1d, conv2d; grouped, strided, dilated, padded) on the backend's conv kernels, with its VJPs.
import { checkOptions, optionKeys } from '../options.js';
import { exclusiveGrad } from '../autograd/exclusive.js';
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import type { ConvGeometry } from '../backend/types.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import {
  allocateUninitialized,
  isFloat,
  promoteTypes,
  type DType,
  type FloatArray,
} from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { sum } from './reduce.js';
import { reshape } from './shape.js';

/** One int for every spatial dim, or one per dim (`[h, w]` for 2-D). */
export type IntOrPair = number | readonly [number, number];

/** Padding of a convolution: ints (both sides), 'valid' (none) or 'same' (output size = input size, stride 1). */
export type ConvPadding = IntOrPair | 'same' | 'valid';

export interface Conv2dOptions {
  /** Step between windows (default 1). */
  stride?: IntOrPair;
  /** Zero padding on both sides of each spatial dim, 'valid' (= 0) or 'same' (default 0). */
  padding?: ConvPadding;
  /** Spacing between kernel taps (default 1). */
  dilation?: IntOrPair;
  /** Number of blocked connections: input and output channels are split into `groups` groups (default 1). */
  groups?: number;
}

export interface Conv1dOptions {
  stride?: number | readonly [number];
  padding?: number | readonly [number] | 'same' | 'valid';
  dilation?: number | readonly [number];
  groups?: number;
}

const CONV_KEYS = optionKeys<Conv2dOptions>({ stride: true, padding: true, dilation: true, groups: true });

/** A tuple as Python prints it, as in PyTorch's messages: `(5, 5)`, `(3,)`. */
export function fmtTuple(values: readonly number[]): string {
  return values.length === 1 ? `(${values[0]},)` : `(${values.join(', ')})`;
}

/**
 * An int or per-dim list expanded to `dims` positive (or, with `min` 0, non-negative) integers.
 * @throws ValueError naming the option.
 */
export function expandInts(
  op: string,
  name: string,
  value: number | readonly number[],
  dims: number,
  min = 1,
): number[] {
  const list = typeof value === 'number' ? new Array<number>(dims).fill(value) : [...value];
  if (list.length !== dims || !list.every((v) => Number.isInteger(v) && v >= min)) {
    const what = min === 0 ? 'non-negative' : 'positive';
    throw new ValueError(
      op,
      `${name} must be a ${what} integer or ${dims} of them, got ${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}`,
    );
  }
  return list;
}

/**
 * Padding before and after each spatial dim. 'same' pads dilation·(kernel − 1) in total, the extra element
 * (for even kernels) after, as PyTorch does; it requires stride 1.
 * @throws ValueError for 'same' with a stride above 1, or a bad padding value.
 */
export function convPaddingAmounts(
  op: string,
  padding: ConvPadding | number | readonly number[] | string,
  kernel: readonly number[],
  stride: readonly number[],
  dilation: readonly number[],
): [number, number][] {
  if (padding === 'valid') return kernel.map(() => [0, 0]);
  if (padding === 'same') {
    if (stride.some((s) => s !== 1)) {
      throw new ValueError(
        op,
        `padding='same' is not supported for strided convolutions (stride ${fmtTuple(stride)})`,
      );
    }
    return kernel.map((k, d) => {
      const total = dilation[d]! * (k - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
  }
  if (typeof padding === 'string') {
    throw new ValueError(op, `padding must be an int, a list of ints, 'same' or 'valid', got '${padding}'`);
  }
  return expandInts(op, 'padding', padding, kernel.length, 0).map((p) => [p, p]);
}

/** Output length of a window sweep: ⌊(in + padBefore + padAfter − dilation·(kernel − 1) − 1)/stride⌋ + 1. */
function outputLength(
  size: number,
  pads: [number, number],
  kernel: number,
  stride: number,
  dilation: number,
) {
  return Math.floor((size + pads[0] + pads[1] - dilation * (kernel - 1) - 1) / stride) + 1;
}

// ---- the three linear maps (forward, input gradient, weight gradient), each the others' VJP ------------

function sameDType(t: Tensor, dtype: DType): Tensor {
  return t.dtype === dtype ? t : t.to(dtype);
}

/**
 * y[n, g·m + o] = W[g·m + o] · im2col(x[n])[g] + b[g·m + o] for every image n and group g (Backend.conv2d,
 * bias added in the same pass); ∂b = Σ ∂y over images and positions. x is [N, C, H, W], w is [O, C/G, kH, kW].
 */
function convForward(x: Tensor, w: Tensor, geo: ConvGeometry, bias: Tensor | null = null): Tensor {
  const { images, outChannels, window } = geo;
  const dtype = x.dtype;
  // The kernels overwrite their outputs (Backend.conv2d, conv2dInputGrad, conv2dWeightGrad): no clearing.
  const out = allocateUninitialized(dtype, images * outChannels * window.outH * window.outW) as FloatArray;
  const b = bias ? (bias.storage as FloatArray) : null;
  backend().conv2d(x.storage as FloatArray, w.storage as FloatArray, b, out, geo);
  const result = new Tensor(out, [images, outChannels, window.outH, window.outW], dtype);
  return record(result, 'conv2d', bias ? [x, w, bias] : [x, w], (g) => {
    const gradOutput = sameDType(g, dtype);
    return [
      x.requiresGrad ? convInputGrad(gradOutput, w, geo) : null,
      w.requiresGrad ? exclusiveGrad(convWeightGrad(x, gradOutput, geo)) : null,
      ...(bias ? [bias.requiresGrad ? exclusiveGrad(sum(gradOutput, [0, 2, 3])) : null] : []),
    ];
  });
}

/** ∂L/∂x = col2im(Wᵀ·∂L/∂y) per image and group (Backend.conv2dInputGrad). */
function convInputGrad(g: Tensor, w: Tensor, geo: ConvGeometry): Tensor {
  const { images, inChannels, window } = geo;
  const dtype = g.dtype;
  const gradInput = allocateUninitialized(dtype, images * inChannels * window.inH * window.inW) as FloatArray;
  backend().conv2dInputGrad(g.storage as FloatArray, w.storage as FloatArray, gradInput, geo);
  const result = new Tensor(gradInput, [images, inChannels, window.inH, window.inW], dtype);
  return record(result, 'conv2dInputGrad', [g, w], (h) => {
    const upstream = sameDType(h, dtype);
    return [
      g.requiresGrad ? convForward(upstream, w, geo) : null,
      w.requiresGrad ? convWeightGrad(upstream, g, geo) : null,
    ];
  });
}

/** ∂L/∂W = Σₙ ∂L/∂y[n] · im2col(x[n])ᵀ per group (Backend.conv2dWeightGrad). */
function convWeightGrad(x: Tensor, g: Tensor, geo: ConvGeometry): Tensor {
  const { inChannels, outChannels, groups, window } = geo;
  const dtype = g.dtype;
  const shape = [outChannels, inChannels / groups, window.kernelH, window.kernelW];
  const gradWeight = allocateUninitialized(
    dtype,
    shape[0]! * shape[1]! * shape[2]! * shape[3]!,
  ) as FloatArray;
  backend().conv2dWeightGrad(x.storage as FloatArray, g.storage as FloatArray, gradWeight, geo);
  const result = new Tensor(gradWeight, shape, dtype);
  return record(result, 'conv2dWeightGrad', [x, g], (h) => {
    const upstream = sameDType(h, dtype);
    return [
      x.requiresGrad ? convInputGrad(g, upstream, geo) : null,
      g.requiresGrad ? convForward(x, upstream, geo) : null,
    ];
  });
}

// ---- the public ops -----------------------------------------------------------------------------------

interface ConvArgs {
  stride: number | readonly number[];
  padding: ConvPadding | number | readonly number[] | string;
  dilation: number | readonly number[];
  groups: number;
}

/** Shared by conv1d and conv2d: checks, padding, the 4-D view, the kernel-backed product and the bias. */
function convolution(
  op: 'conv1d' | 'conv2d',
  dims: 1 | 2,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  args: ConvArgs,
): Tensor {
  if (!isFloat(input.dtype) || !isFloat(weight.dtype) || (bias && !isFloat(bias.dtype))) {
    const types = [input.dtype, weight.dtype, ...(bias ? [bias.dtype] : [])].join(', ');
    throw new DTypeError(op, `expected floating-point input, weight and bias, got ${types}`);
  }
  const layout = dims === 2 ? '[out, in/groups, kH, kW]' : '[out, in/groups, kL]';
  if (weight.ndim !== dims + 2) {
    throw new ShapeError(op, `weight must be ${dims + 2}-D ${layout}, got shape ${fmtShape(weight.shape)}`);
  }
  if (input.ndim !== dims + 1 && input.ndim !== dims + 2) {
    throw new ShapeError(
      op,
      `expected a ${dims + 1}-D (unbatched) or ${dims + 2}-D (batched) input, got shape ${fmtShape(input.shape)}`,
    );
  }
  const { groups } = args;
  if (!Number.isInteger(groups) || groups < 1) {
    throw new ValueError(op, `groups must be a positive integer, got ${String(groups)}`);
  }
  const batched = input.ndim === dims + 2;
  const inChannels = input.shape[batched ? 1 : 0]!;
  const outChannels = weight.shape[0]!;
  if (outChannels % groups !== 0) {
    throw new ValueError(
      op,
      `out channels (${outChannels}, weight shape ${fmtShape(weight.shape)}) must be divisible by groups (${groups})`,
    );
  }
  if (inChannels !== weight.shape[1]! * groups) {
    throw new ShapeError(
      op,
      `expected input with ${weight.shape[1]! * groups} channels (weight shape ${fmtShape(weight.shape)}, groups ${groups}), got shape ${fmtShape(input.shape)}`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
    throw new ShapeError(
      op,
      `bias must have shape [${outChannels}] for weight shape ${fmtShape(weight.shape)}, got ${fmtShape(bias.shape)}`,
    );
  }
  const kernel = weight.shape.slice(2);
  const stride = expandInts(op, 'stride', args.stride, dims);
  const dilation = expandInts(op, 'dilation', args.dilation, dims);
  const pads = convPaddingAmounts(op, args.padding, kernel, stride, dilation);
  const spatial = input.shape.slice(batched ? 2 : 1);
  const padded = spatial.map((n, d) => n + pads[d]![0] + pads[d]![1]);
  const span = kernel.map((k, d) => dilation[d]! * (k - 1) + 1);
  if (span.some((s, d) => s > padded[d]!)) {
    const dilated = dilation.some((v) => v !== 1)
      ? ` with dilation ${fmtTuple(dilation)} spans ${fmtTuple(span)}, which`
      : '';
    throw new ShapeError(
      op,
      `kernel size ${fmtTuple(kernel)}${dilated} is larger than the padded input ${fmtTuple(padded)} (input shape ${fmtShape(input.shape)})`,
    );
  }
  const outSpatial = spatial.map((n, d) => outputLength(n, pads[d]!, kernel[d]!, stride[d]!, dilation[d]!));

  const dtype = promoteTypes(promoteTypes(input.dtype, weight.dtype), bias ? bias.dtype : input.dtype);
  const images = batched ? input.shape[0]! : 1;
  // 1-D convolution is 2-D convolution over a height of 1.
  const [inH, inW] = dims === 2 ? (spatial as [number, number]) : [1, spatial[0]!];
  const at = (list: readonly number[], fill: number): [number, number] =>
    dims === 2 ? [list[0]!, list[1]!] : [fill, list[0]!];
  const [kernelH, kernelW] = at(kernel, 1);
  const [strideH, strideW] = at(stride, 1);
  const [dilationH, dilationW] = at(dilation, 1);
  const [padH, padW] = at(
    pads.map((p) => p[0]),
    0,
  );
  const [outH, outW] = at(outSpatial, 1);
  const geo: ConvGeometry = {
    images,
    inChannels,
    outChannels,
    groups,
    window: { inH, inW, outH, outW, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW },
  };
  const x4 = reshape(sameDType(input, dtype), [images, inChannels, inH, inW]);
  const w4 = reshape(sameDType(weight, dtype), [outChannels, inChannels / groups, kernelH, kernelW]);
  const out = convForward(x4, w4, geo, bias ? sameDType(bias, dtype) : null);
  const outShape = [...(batched ? [images] : []), outChannels, ...outSpatial];
  return dims === 2 && batched ? out : reshape(out, outShape);
}

/**
 * 2-D convolution (torch.nn.functional.conv2d), strictly cross-correlation as in PyTorch:
 * y[n, o, i, j] = b[o] + Σ_{c, p, q} W[o, c, p, q]·x[n, g·C/G + c, i·sH − padH + p·dH, j·sW − padW + q·dW]
 * where g is o's group. `x` is [N, C, H, W] (or unbatched [C, H, W]), `weight` is [O, C/groups, kH, kW] and
 * `bias` is [O]. Output size per spatial dim: ⌊(in + 2·padding − dilation·(kernel − 1) − 1)/stride⌋ + 1.
 *
 * Computed by the backend as im2col + matrix products (the wasm backend keeps the columns in its own memory);
 * ∂x is col2im of Wᵀ·∂y and ∂W is ∂y·colsᵀ summed over images, both with transpose flags. The gradient
 * functions are themselves differentiable, so double backward works.
 * @throws ShapeError for a wrong input rank, a channel count that does not fit weight and groups, or a
 *   kernel larger than the padded input (`conv2d: kernel size (5, 5) is larger than the padded input (4, 4)`);
 *   ValueError for out channels not divisible by groups or padding='same' with a stride above 1.
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  checkOptions('conv2d', options, CONV_KEYS);
  return convolution('conv2d', 2, x, weight, bias, {
    stride: options.stride ?? 1,
    padding: options.padding ?? 0,
    dilation: options.dilation ?? 1,
    groups: options.groups ?? 1,
  });
}

/**
 * 1-D convolution (torch.nn.functional.conv1d) over inputs [N, C, L] (or unbatched [C, L]) with `weight`
 * `[O, C/groups, kL]` and `bias` `[O]`: y[n, o, i] = b[o] + Σ_{c, p} W[o, c, p]·x[n, g·C/G + c, i·s − pad + p·d].
 * Output length: ⌊(L + 2·padding − dilation·(kL − 1) − 1)/stride⌋ + 1. Runs as conv2d over a height of 1.
 * @throws as conv2d.
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  checkOptions('conv1d', options, CONV_KEYS);
  return convolution('conv1d', 1, x, weight, bias, {
    stride: options.stride ?? 1,
    padding: options.padding ?? 0,
    dilation: options.dilation ?? 1,
    groups: options.groups ?? 1,
  });
}
