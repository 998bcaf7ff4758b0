// @file The WebGPU kernels of this folder bound to one GpuContext, as the Backend entries they implement.
import type { Backend } from '../../types.js';
import type { GpuContext } from '../context.js';
import * as loss from './loss.js';
import { matmul } from './matmul.js';
import { optimizerStep } from './optim.js';
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
