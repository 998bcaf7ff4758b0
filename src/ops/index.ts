// @file Every op, as plain functions; the Tensor methods and the public API re-export these.
export * from './elementwise.js';
export * from './reduce.js';
export * from './softmax.js';
export * from './matmul.js';
export * from './shape.js';
export * from './indexing.js';
export * from './inplace.js';
export {
  conv1d,
  conv2d,
  type Conv1dOptions,
  type Conv2dOptions,
  type ConvPadding,
  type IntOrPair,
} from './conv.js';
export {
  maxPool2d,
  avgPool2d,
  adaptiveAvgPool2d,
  type MaxPool2dOptions,
  type AvgPool2dOptions,
  type AdaptiveSize,
} from './pool.js';
export { normalizeDim } from '../tensor/shape.js';
