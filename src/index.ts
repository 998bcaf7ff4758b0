// @file Public entry of neurite (browser-safe: nothing here imports node:): tensors, ops, autograd, random, errors, nn, optim, data, train, viz, io.
export { Tensor, type NestedArray } from './tensor/tensor.js';
export type { DType, TypedArray } from './tensor/dtype.js';
export {
  tensor,
  zeros,
  ones,
  full,
  zerosLike,
  onesLike,
  fullLike,
  arange,
  linspace,
  eye,
  rand,
  randn,
  randint,
  randLike,
  randnLike,
  type TensorOptions,
  type RandomOptions,
} from './tensor/create.js';
export { broadcastShapes } from './tensor/shape.js';
export * from './ops/index.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd/grad-mode.js';
export { detectAnomaly } from './autograd/anomaly.js';
export { gradcheck, type GradcheckOptions } from './autograd/gradcheck.js';
export type { BackwardOptions } from './autograd/engine.js';
export { Node as GradFn } from './autograd/node.js';
export { Generator, manualSeed, defaultGenerator, type GeneratorState } from './random/generator.js';
export { NeuriteError, ShapeError, DTypeError, ValueError, FormatError } from './errors.js';
export { backendReady, getBackend, getNumThreads, setBackend, setNumThreads } from './backend/index.js';
export { backendInfo, type BackendInfo } from './backend-info.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as data from './data/index.js';
export * as train from './train/index.js';
export * as viz from './viz/index.js';
export * as io from './io/index.js';
