// @file nn.functional: the stateless forms of the layers and losses (torch.nn.functional).
export { linear } from '../../ops/matmul.js';
export {
  relu,
  leakyRelu,
  elu,
  gelu,
  silu,
  softplus,
  sigmoid,
  tanh,
  logSigmoid,
  softmax,
  logSoftmax,
} from '../../ops/index.js';
export * from './activation.js';
export * from './dropout.js';
export * from './normalization.js';
export * from './embedding.js';
export * from './loss.js';
export * from './conv.js';
export * from './pooling.js';
export * from './recurrent.js';
export {
  scaledDotProductAttention,
  causalMask,
  generateSquareSubsequentMask,
  type ScaledDotProductAttentionOptions,
} from './attention.js';
