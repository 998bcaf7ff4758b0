// @file Every op, as plain functions; the Tensor methods and the public API re-export these.
export * from './elementwise.js';
export * from './reduce.js';
export * from './softmax.js';
export * from './matmul.js';
export * from './shape.js';
export * from './indexing.js';
export * from './inplace.js';
export { normalizeDim } from '../tensor/shape.js';
