// @file softmax and logSoftmax along a dim, with their vector-Jacobian products.
import { Tensor } from '../tensor/tensor.js';

/** softmax(x)_i = e^{x_i − m}/Σ_j e^{x_j − m} along `dim`. */
export function softmax(x: Tensor, dim: number): Tensor {
  (void x, dim);
  throw new Error('softmax: not implemented yet');
}

/** log-softmax(x)_i = x_i − m − log Σ_j e^{x_j − m} along `dim`. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  (void x, dim);
  throw new Error('logSoftmax: not implemented yet');
}
