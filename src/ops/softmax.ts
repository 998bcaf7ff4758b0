// @file softmax and logSoftmax along a dim, with their vector-Jacobian products.
import { record } from '../autograd/node.js';
import { backend } from '../backend/index.js';
import { allocateUninitialized, isFloat, type FloatArray } from '../tensor/dtype.js';
import { numel } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { cast, exp, mul, sub } from './elementwise.js';
import { reductionAxes, sum } from './reduce.js';

/** Runs the max-shifted softmax kernel along `dim`; ints and bools are computed in float32. */
function softmaxKernel(op: string, x: Tensor, dim: number, log: boolean): [Tensor, Tensor, number] {
  const input = isFloat(x.dtype) ? x : cast(x, 'float32');
  const axis = reductionAxes(op, dim, input.shape)[0] ?? 0;
  const shape = input.shape;
  const out = allocateUninitialized(input.dtype, input.numel()) as FloatArray; // the kernel writes every element
  backend().softmax(
    input.storage as FloatArray,
    out,
    numel(shape.slice(0, axis)),
    shape[axis] ?? 1,
    numel(shape.slice(axis + 1)),
    log,
  );
  return [new Tensor(out, shape, input.dtype), input, axis];
}

/**
 * softmax(x)_i = e^{x_i − m}/Σ_j e^{x_j − m} along `dim`, m = max_j x_j (torch.softmax(x, dim)). A row of
 * −Inf gives NaN, as in PyTorch; ints and bools are computed in float32 (PyTorch refuses them).
 * ∂ = y·(g − Σ_dim g·y) with y the output, built from differentiable ops so it can be differentiated again.
 */
export function softmax(x: Tensor, dim: number): Tensor {
  const [out, input, axis] = softmaxKernel('softmax', x, dim, false);
  return record(out, 'softmax', [input], (g) => [mul(out, sub(g, sum(mul(g, out), axis, true)))], {
    dim: axis,
  });
}

/**
 * log-softmax(x)_i = x_i − m − log Σ_j e^{x_j − m} along `dim` (torch.log_softmax(x, dim)); never log of a
 * softmax, so large logits stay finite. ∂ = g − softmax(x)·Σ_dim g, with softmax(x) = e^{out}; built from
 * differentiable ops so it can be differentiated again.
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const [out, input, axis] = softmaxKernel('logSoftmax', x, dim, true);
  return record(out, 'logSoftmax', [input], (g) => [sub(g, mul(exp(out), sum(g, axis, true)))], {
    dim: axis,
  });
}
