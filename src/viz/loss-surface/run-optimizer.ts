// @file runOptimizerOnFunction: the path a real optim.* optimizer takes on a 2-D test function.
import { ValueError } from '../../errors.js';
import { createOptimizer, OPTIMIZER_NAMES, type OptimizerName } from '../../optim/create.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { TestFunction } from './test-functions.js';

/** PyTorch's default learning rate of each optimizer (SGD has none in PyTorch; neurite's default is 1e-3). */
export const DEFAULT_LEARNING_RATES: Record<OptimizerName, number> = {
  sgd: 1e-3,
  adam: 1e-3,
  adamw: 1e-3,
  adagrad: 1e-2,
  adadelta: 1,
  rmsprop: 1e-2,
};

export interface RunOnFunctionOptions {
  /** Number of optimizer steps (default 50). */
  steps?: number;
  /** Learning rate of a named optimizer (default: PyTorch's default for it); ignored with a factory. */
  lr?: number;
  /** Start point (x, y) (default: the function's `start`). */
  start?: [number, number];
  /** SGD momentum (default 0). */
  momentum?: number;
  /** SGD Nesterov momentum (default false). */
  nesterov?: boolean;
  /** L2 weight decay (default 0). */
  weightDecay?: number;
}

export interface OptimizerPath {
  /** (x, y) before the first step and after each step: `steps + 1` points unless the run diverged. */
  points: [number, number][];
  /** f at each point. */
  losses: number[];
  /** True when f or a coordinate became non-finite; the path stops at the first such point. */
  diverged: boolean;
}

/**
 * Runs an optimizer on z = f(x, y) with x and y two scalar parameters (0-d float32 tensors that require grad),
 * exactly as a training loop would: `opt.zeroGrad(); f(x, y).backward(); opt.step()`, `steps` times. The
 * optimizer is named (`'adam'`, built by `optim.createOptimizer` with PyTorch's defaults) or made by a factory
 * `(params) => new optim.SGD(params, { lr: 0.1, momentum: 0.9 })` that receives `[x, y]`.
 *
 * PyTorch equivalent: `x, y = torch.tensor(x0, requires_grad=True), torch.tensor(y0, requires_grad=True)`,
 * `opt = torch.optim.Adam([x, y], lr)`, then the same loop.
 */
export function runOptimizerOnFunction(
  fn: TestFunction,
  optimizer: OptimizerName | ((params: Tensor[]) => Optimizer),
  options: RunOnFunctionOptions = {},
): OptimizerPath {
  const steps = options.steps ?? 50;
  if (!Number.isInteger(steps) || steps < 0)
    throw new ValueError('runOptimizerOnFunction', `steps must be a non-negative integer, got ${steps}`);
  const start = options.start ?? fn.start;
  if (start.length !== 2 || !start.every(Number.isFinite))
    throw new ValueError(
      'runOptimizerOnFunction',
      `start must be two finite numbers, got [${start.join(', ')}]`,
    );
  const x = tensor(start[0], { requiresGrad: true });
  const y = tensor(start[1], { requiresGrad: true });
  const opt = typeof optimizer === 'function' ? optimizer([x, y]) : named(optimizer, [x, y], options);
  const points: [number, number][] = [];
  const losses: number[] = [];
  for (let step = 0; ; step++) {
    opt.zeroGrad();
    const loss = fn.f(x, y);
    const point: [number, number] = [x.item(), y.item()];
    const value = loss.item();
    points.push(point);
    losses.push(value);
    if (!Number.isFinite(value) || !point.every(Number.isFinite)) return { points, losses, diverged: true };
    if (step === steps) return { points, losses, diverged: false };
    loss.backward();
    opt.step();
  }
}

function named(name: OptimizerName, params: Tensor[], options: RunOnFunctionOptions): Optimizer {
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(name))
    throw new ValueError(
      'runOptimizerOnFunction',
      `unknown optimizer '${String(name)}' (expected ${OPTIMIZER_NAMES.join(', ')})`,
    );
  return createOptimizer(name, params, {
    lr: options.lr ?? DEFAULT_LEARNING_RATES[name],
    momentum: options.momentum,
    nesterov: options.nesterov,
    weightDecay: options.weightDecay,
  });
}
