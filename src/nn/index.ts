// @file nn: modules, layers, losses, initialisers and the functional API (torch.nn).
export { Module, type AnyModule, type StateDict, type LoadResult } from './module.js';
export { Parameter } from './parameter.js';
export * from './layers/linear.js';
export * from './layers/conv.js';
export * from './layers/pooling.js';
export * from './layers/activation.js';
export * from './layers/container.js';
export * from './layers/dropout.js';
export * from './layers/normalization.js';
export * from './layers/embedding.js';
export * from './layers/flatten.js';
export * from './layers/recurrent.js';
export * from './layers/recurrent-cells.js';
export * from './losses.js';
export * as init from './init.js';
export * as functional from './functional/index.js';
export * as utils from './utils/index.js';
