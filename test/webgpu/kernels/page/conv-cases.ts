// @file Convolution kernels on WebGPU against the js reference: LeNet shapes, groups, stride, dilation, padding.
import * as jsConv from '../../../../src/backend/js/conv.js';
import * as jsConvolution from '../../../../src/backend/js/convolution.js';
import type { ConvGeometry, Window2d } from '../../../../src/backend/types.js';
import * as gpu from '../../../../src/backend/webgpu/kernels/conv.js';
import {
  all,
  compare,
  F32_EPS,
  generator,
  uniform,
  widen,
  type CaseResult,
  type KernelCase,
} from './check.js';
import { TestContext } from './test-context.js';

/** A window with PyTorch's output size ⌊(in + 2·pad − dilation·(k − 1) − 1)/stride⌋ + 1. */
export function window2d(
  inH: number,
  inW: number,
  kernelH: number,
  kernelW: number,
  stride: number,
  pad: number,
  dilation: number,
): Window2d {
  const out = (size: number, k: number) => Math.floor((size + 2 * pad - dilation * (k - 1) - 1) / stride) + 1;
  return {
    inH,
    inW,
    outH: out(inH, kernelH),
    outW: out(inW, kernelW),
    kernelH,
    kernelW,
    strideH: stride,
    strideW: stride,
    padH: pad,
    padW: pad,
    dilationH: dilation,
    dilationW: dilation,
  };
}

const abs = (x: Float64Array) => x.map(Math.abs);

/** conv2d with bias, both gradients, im2col and col2im of one geometry against the js backend. */
async function checkConvolution(device: GPUDevice, name: string, geo: ConvGeometry): Promise<CaseResult> {
  const { images, inChannels, outChannels, groups, window: w } = geo;
  const random = generator(images * 31 + inChannels * 7 + outChannels);
  const positions = w.outH * w.outW;
  const kernelGroup = (inChannels / groups) * w.kernelH * w.kernelW;
  const x = uniform(random, images * inChannels * w.inH * w.inW);
  const weight = uniform(random, outChannels * kernelGroup);
  const bias = uniform(random, outChannels);
  const gradOut = uniform(random, images * outChannels * positions);
  const cols = new Float32Array(images * inChannels * w.kernelH * w.kernelW * positions);
  const out = new Float32Array(images * outChannels * positions).fill(Number.NaN);
  const gradInput = new Float32Array(x.length).fill(Number.NaN);
  const gradWeight = new Float32Array(weight.length).fill(Number.NaN);
  const folded = uniform(random, x.length); // col2im adds onto what is there
  const ctx = new TestContext(device);
  gpu.conv2d(ctx, x, weight, bias, out, geo);
  gpu.conv2dInputGrad(ctx, gradOut, weight, gradInput, geo);
  gpu.conv2dWeightGrad(ctx, x, gradOut, gradWeight, geo);
  gpu.im2col(ctx, x, images, inChannels, w, cols);
  const foldedStart = widen(folded);
  gpu.col2im(ctx, cols, images, inChannels, w, folded);
  await ctx.download();
  await ctx.dispose();

  const [x64, w64, b64, g64] = [widen(x), widen(weight), widen(bias), widen(gradOut)];
  const ref = {
    out: new Float64Array(out.length),
    outMagnitude: new Float64Array(out.length),
    gradInput: new Float64Array(x.length),
    gradInputMagnitude: new Float64Array(x.length),
    gradWeight: new Float64Array(weight.length),
    gradWeightMagnitude: new Float64Array(weight.length),
    cols: new Float64Array(cols.length),
  };
  jsConvolution.conv2d(x64, w64, b64, ref.out, geo);
  jsConvolution.conv2d(abs(x64), abs(w64), abs(b64), ref.outMagnitude, geo);
  jsConvolution.conv2dInputGrad(g64, w64, ref.gradInput, geo);
  jsConvolution.conv2dInputGrad(abs(g64), abs(w64), ref.gradInputMagnitude, geo);
  jsConvolution.conv2dWeightGrad(x64, g64, ref.gradWeight, geo);
  jsConvolution.conv2dWeightGrad(abs(x64), abs(g64), ref.gradWeightMagnitude, geo);
  jsConv.im2col(x64, images, inChannels, w, ref.cols);
  // col2im of the GPU's own im2col columns (exact copies of x), onto the starting values.
  const refFolded = foldedStart;
  jsConv.col2im(widen(cols), images, inChannels, w, refFolded);
  const sumBound = (terms: number, magnitude: Float64Array) => (i: number) =>
    (terms + 2) * F32_EPS * magnitude[i]! + 1e-30;
  const taps = w.kernelH * w.kernelW;
  return all([
    compare(`${name} conv2d`, out, ref.out, sumBound(kernelGroup + 1, ref.outMagnitude)),
    compare(
      `${name} inputGrad`,
      gradInput,
      ref.gradInput,
      sumBound(outChannels / groups + taps, ref.gradInputMagnitude),
    ),
    compare(
      `${name} weightGrad`,
      gradWeight,
      ref.gradWeight,
      sumBound(images * positions, ref.gradWeightMagnitude),
    ),
    compare(`${name} im2col`, cols, ref.cols, () => 0),
    compare(
      `${name} col2im`,
      folded,
      refFolded,
      (i) => (taps + 2) * F32_EPS * (1 + Math.abs(refFolded[i]!)) * taps,
    ),
  ]);
}

export const convCases: Record<string, KernelCase> = {
  'conv2d LeNet first layer: 5×5, padding 2, 1 → 6 channels': (device) =>
    checkConvolution(device, 'lenet1', {
      images: 3,
      inChannels: 1,
      outChannels: 6,
      groups: 1,
      window: window2d(28, 28, 5, 5, 1, 2, 1),
    }),
  'conv2d LeNet second layer: 6 → 16 channels on 14×14': (device) =>
    checkConvolution(device, 'lenet2', {
      images: 2,
      inChannels: 6,
      outChannels: 16,
      groups: 1,
      window: window2d(14, 14, 5, 5, 1, 0, 1),
    }),
  'conv2d groups, stride 2, dilation 2, padding, non-square kernel': (device) =>
    checkConvolution(device, 'grouped', {
      images: 3,
      inChannels: 4,
      outChannels: 6,
      groups: 2,
      window: { ...window2d(9, 11, 3, 2, 2, 1, 2), strideW: 1, outW: 11 + 2 - 2 * 1 - 1 + 1 },
    }),
  'conv2d 1×1 image, one channel, 1×1 kernel': (device) =>
    checkConvolution(device, 'single', {
      images: 1,
      inChannels: 1,
      outChannels: 1,
      groups: 1,
      window: window2d(1, 1, 1, 1, 1, 0, 1),
    }),
  'conv2d depthwise 3×3 with padding': (device) =>
    checkConvolution(device, 'depthwise', {
      images: 2,
      inChannels: 5,
      outChannels: 5,
      groups: 5,
      window: window2d(7, 6, 3, 3, 1, 1, 1),
    }),
};
