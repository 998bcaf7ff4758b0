// @file Every op, as plain functions; the Tensor methods and the public API re-export these (internal helpers stay out).
export * from './elementwise.js';
export {
  sum,
  mean,
  sumTo,
  prod,
  max,
  min,
  amax,
  amin,
  any,
  all,
  argmax,
  argmin,
  variance,
  std,
  logsumexp,
  norm,
  type ValuesIndices,
  type VarOptions,
} from './reduce.js';
export * from './softmax.js';
export * from './matmul.js';
export {
  reshape,
  view,
  flatten,
  squeeze,
  unsqueeze,
  permute,
  transpose,
  expand,
  broadcastTo,
  cat,
  stack,
  split,
  chunk,
  narrow,
  contiguous,
  diagonal,
  unfold,
  unbind,
  flip,
  repeat,
  pad,
  type PadMode,
} from './shape.js';
export * from './indexing.js';
export { maskedFill } from './masked.js';
export { tril, triu } from './triangular.js';
export { cumsum, cumprod } from './scan.js';
export { sort, argsort, topk, type SortOptions, type TopkOptions } from './sort.js';
export { multinomial, type MultinomialOptions } from './multinomial.js';
export { einsum } from './einsum.js';
export { erf } from './special.js';
export * from './inplace.js';
export { bernoulli_ } from './random-fill.js';
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
