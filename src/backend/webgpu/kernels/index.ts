// @file The WebGPU kernels of this folder bound to one GpuContext, as the Backend entries they implement.
import type { Backend } from '../../types.js';
import type { GpuContext } from '../context.js';
import * as conv from './conv.js';
import * as indexing from './indexing.js';
import * as loss from './loss.js';
import { matmul } from './matmul.js';
import * as norm from './normalization.js';
import { optimizerStep } from './optim.js';
import * as pool from './pool.js';
import { softmax } from './softmax.js';

/**
 * The kernels of kernels/ on `ctx`, each with its Backend method's arguments; the webgpu backend spreads this
 * object, and every entry absent here runs core's kernels or the js fallback.
 */
export function gpuKernels(ctx: GpuContext): Partial<Backend> {
  return {
    matmul: (a, aOffsets, b, bOffsets, out, m, k, n, transA, transB) =>
      matmul(ctx, a, aOffsets, b, bOffsets, out, m, k, n, transA, transB),
    softmax: (x, out, outer, size, inner, log) => softmax(ctx, x, out, outer, size, inner, log),
    optimizerStep: (update, param, grad, state) => optimizerStep(ctx, update, param, grad, state),
    gather: (x, shape, dim, index, indexShape, out) =>
      indexing.gather(ctx, x, shape, dim, index, indexShape, out),
    scatter: (src, srcShape, dim, index, indexShape, out, outShape, accumulate) =>
      indexing.scatter(ctx, src, srcShape, dim, index, indexShape, out, outShape, accumulate),
    indexSelect: (x, outer, size, inner, index, out) =>
      indexing.indexSelect(ctx, x, outer, size, inner, index, out),
    indexAdd: (src, outer, size, inner, index, out) =>
      indexing.indexAdd(ctx, src, outer, size, inner, index, out),
    conv2d: (x, weight, bias, out, geo) => conv.conv2d(ctx, x, weight, bias, out, geo),
    conv2dInputGrad: (gradOut, weight, gradInput, geo) =>
      conv.conv2dInputGrad(ctx, gradOut, weight, gradInput, geo),
    conv2dWeightGrad: (x, gradOut, gradWeight, geo) =>
      conv.conv2dWeightGrad(ctx, x, gradOut, gradWeight, geo),
    im2col: (x, images, channels, window, cols) => conv.im2col(ctx, x, images, channels, window, cols),
    col2im: (cols, images, channels, window, out) => conv.col2im(ctx, cols, images, channels, window, out),
    maxPool2d: (x, planes, window, out, indices) => pool.maxPool2d(ctx, x, planes, window, out, indices),
    maxPool2dBackward: (gradOut, indices, planes, positions, inPlane, gradIn) =>
      pool.maxPool2dBackward(ctx, gradOut, indices, planes, positions, inPlane, gradIn),
    avgPool2d: (x, planes, inH, inW, rows, cols, out) =>
      pool.avgPool2d(ctx, x, planes, inH, inW, rows, cols, out),
    avgPool2dBackward: (gradOut, planes, inH, inW, rows, cols, gradIn) =>
      pool.avgPool2dBackward(ctx, gradOut, planes, inH, inW, rows, cols, gradIn),
    batchNorm: (x, outer, channels, inner, weight, bias, eps, out, mean, variance, invstd) =>
      norm.batchNorm(ctx, x, outer, channels, inner, weight, bias, eps, out, mean, variance, invstd),
    channelAffine: (x, outer, channels, inner, scale, shift, out) =>
      norm.channelAffine(ctx, x, outer, channels, inner, scale, shift, out),
    batchNormBackward: (
      gradOut,
      x,
      outer,
      channels,
      inner,
      weight,
      mean,
      invstd,
      gradInput,
      gradWeight,
      gradBias,
    ) =>
      norm.batchNormBackward(
        ctx,
        gradOut,
        x,
        outer,
        channels,
        inner,
        weight,
        mean,
        invstd,
        gradInput,
        gradWeight,
        gradBias,
      ),
    classIndexLoss: (spec, x, labels, weight, normalisers, losses, sums) =>
      loss.classIndexLoss(ctx, spec, x, labels, weight, normalisers, losses, sums),
    classIndexLossBackward: (spec, x, labels, weight, normalisers, g, out) =>
      loss.classIndexLossBackward(ctx, spec, x, labels, weight, normalisers, g, out),
    classProbabilityLoss: (spec, x, y, weight, normalisers, losses, sums) =>
      loss.classProbabilityLoss(ctx, spec, x, y, weight, normalisers, losses, sums),
    classProbabilityLossBackward: (spec, x, y, weight, normalisers, g, inputGrad, targetGrad) =>
      loss.classProbabilityLossBackward(ctx, spec, x, y, weight, normalisers, g, inputGrad, targetGrad),
    pointwiseLoss: (kind, x, y, w, p, losses, sums) =>
      loss.pointwiseLoss(ctx, kind, x, y, w, p, losses, sums),
    pointwiseLossBackward: (kind, wrt, x, y, w, p, g, out) =>
      loss.pointwiseLossBackward(ctx, kind, wrt, x, y, w, p, g, out),
  };
}
