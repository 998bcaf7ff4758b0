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
import { recurrenceBackward, recurrenceForward } from './recurrent.js';
import * as cells from './recurrent-cells.js';
import { softmax } from './softmax.js';
import { sort } from './sort.js';

/**
 * The kernels of kernels/ on `ctx`, each taking its Backend method's arguments after the context; the webgpu
 * backend spreads this object, and every entry absent here runs core's kernels or the js fallback.
 */
export function gpuKernels(ctx: GpuContext): Partial<Backend> {
  return {
    matmul: (...args) => matmul(ctx, ...args),
    softmax: (...args) => softmax(ctx, ...args),
    sort: (...args) => sort(ctx, ...args),
    optimizerStep: (...args) => optimizerStep(ctx, ...args),
    classIndexLoss: (...args) => loss.classIndexLoss(ctx, ...args),
    classIndexLossBackward: (...args) => loss.classIndexLossBackward(ctx, ...args),
    classProbabilityLoss: (...args) => loss.classProbabilityLoss(ctx, ...args),
    classProbabilityLossBackward: (...args) => loss.classProbabilityLossBackward(ctx, ...args),
    pointwiseLoss: (...args) => loss.pointwiseLoss(ctx, ...args),
    pointwiseLossBackward: (...args) => loss.pointwiseLossBackward(ctx, ...args),
    gather: (...args) => indexing.gather(ctx, ...args),
    scatter: (...args) => indexing.scatter(ctx, ...args),
    indexSelect: (...args) => indexing.indexSelect(ctx, ...args),
    indexAdd: (...args) => indexing.indexAdd(ctx, ...args),
    conv2d: (...args) => conv.conv2d(ctx, ...args),
    conv2dInputGrad: (...args) => conv.conv2dInputGrad(ctx, ...args),
    conv2dWeightGrad: (...args) => conv.conv2dWeightGrad(ctx, ...args),
    im2col: (...args) => conv.im2col(ctx, ...args),
    col2im: (...args) => conv.col2im(ctx, ...args),
    maxPool2d: (...args) => pool.maxPool2d(ctx, ...args),
    maxPool2dBackward: (...args) => pool.maxPool2dBackward(ctx, ...args),
    avgPool2d: (...args) => pool.avgPool2d(ctx, ...args),
    avgPool2dBackward: (...args) => pool.avgPool2dBackward(ctx, ...args),
    batchNorm: (...args) => norm.batchNorm(ctx, ...args),
    channelAffine: (...args) => norm.channelAffine(ctx, ...args),
    batchNormBackward: (...args) => norm.batchNormBackward(ctx, ...args),
    lstmCell: (...args) => cells.lstmCell(ctx, ...args),
    lstmCellBackward: (...args) => cells.lstmCellBackward(ctx, ...args),
    gruCell: (...args) => cells.gruCell(ctx, ...args),
    gruCellBackward: (...args) => cells.gruCellBackward(ctx, ...args),
    recurrenceForward: (...args) => recurrenceForward(ctx, ...args),
    recurrenceBackward: (...args) => recurrenceBackward(ctx, ...args),
  };
}
