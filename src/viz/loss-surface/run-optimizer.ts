// @file runOptimizerOnFunction: the path a real optim.* optimizer takes on a 2-D test function.
import { ValueError } from '../../errors.js';
import { createOptimizer, OPTIMIZER_NAMES, type OptimizerName } from '../../optim/create.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { stack } from '../../ops/shape.js';
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
 * `(params) => new optim.SGD(params, { lr: 0.1, momentum: 0.9 })` that receives `[x, y]`. Reads values
 * synchronously: on a backend that reads only asynchronously (webgpu) use runOptimizerOnFunctionAsync.
 *
 * PyTorch equivalent: `x, y = torch.tensor(x0, requires_grad=True), torch.tensor(y0, requires_grad=True)`,
 * `opt = torch.optim.Adam([x, y], lr)`, then the same loop.
 */
export function runOptimizerOnFunction(
  fn: TestFunction,
  optimizer: OptimizerName | ((params: Tensor[]) => Optimizer),
  options: RunOnFunctionOptions = {},
): OptimizerPath {
  const recorded = recordPath(fn, optimizer, options);
  return pathOf(recorded.dataSync());
}

/**
 * runOptimizerOnFunction on any backend, a GPU's included: the (x, y, f) of every step stay on the backend and are
 * read once, with `await`, at the end (no read per step). Same path, same errors.
 */
export async function runOptimizerOnFunctionAsync(
  fn: TestFunction,
  optimizer: OptimizerName | ((params: Tensor[]) => Optimizer),
  options: RunOnFunctionOptions = {},
): Promise<OptimizerPath> {
  const recorded = recordPath(fn, optimizer, options);
  return pathOf(await recorded.data());
}

/**
 * Takes every step and returns [steps + 1, 3]: (x, y, f(x, y)) before the first step and after each. Steps past a
 * divergence are taken too (they only carry the non-finite values on), so nothing is read during the run.
 */
function recordPath(
  fn: TestFunction,
  optimizer: OptimizerName | ((params: Tensor[]) => Optimizer),
  options: RunOnFunctionOptions,
): Tensor {
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
  const rows: Tensor[] = [];
  for (let step = 0; ; step++) {
    opt.zeroGrad();
    const loss = fn.f(x, y);
    // A copy of this step's values: the optimizer updates x and y in place.
    rows.push(noGrad(() => stack([x, y, loss.to('float32')])));
    if (step === steps) break;
    loss.backward();
    opt.step();
  }
  return stack(rows);
}

/** The path from the recorded rows, cut after the first point whose loss or coordinates are not finite. */
function pathOf(values: ArrayLike<number>): OptimizerPath {
  const points: [number, number][] = [];
  const losses: number[] = [];
  for (let row = 0; row < values.length / 3; row++) {
    const point: [number, number] = [values[3 * row]!, values[3 * row + 1]!];
    const value = values[3 * row + 2]!;
    points.push(point);
    losses.push(value);
    if (!Number.isFinite(value) || !point.every(Number.isFinite)) return { points, losses, diverged: true };
  }
  return { points, losses, diverged: false };
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
