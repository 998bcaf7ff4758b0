// @file recordTrajectory: train real parameters with a real optimizer and record the path on a slice.
import { ValueError } from '../../errors.js';
import type { Optimizer } from '../../optim/optimizer.js';
import type { Tensor } from '../../tensor/tensor.js';
import { planeCoordinates, restore, snapshot, type SurfacePlane } from './plane.js';

export interface RecordedRun {
  /** The path on the slice: before the first step and after each step. */
  points: [number, number][];
  /** The loss at each point (the loss that the following step differentiated). */
  losses: number[];
  /** True when the loss or a parameter became non-finite; recording stopped there. */
  diverged: boolean;
  /** Every parameter's values at the end (for `trainingPlane`). */
  final: Float64Array[];
}

/**
 * Trains `params` for `steps` full steps, `opt.zeroGrad(); loss().backward(); opt.step()`, recording before the
 * first step and after every step the point's coordinates on `plane` (`planeCoordinates`) and the loss. The
 * parameters are put back to their values from before the call afterwards, so several optimizers can start from
 * the same point in turn. `optimizer` receives `params` and builds the optimizer (a fresh state per run).
 */
export function recordTrajectory(options: {
  params: Tensor[];
  loss: () => Tensor;
  plane: SurfacePlane;
  optimizer: (params: Tensor[]) => Optimizer;
  steps: number;
}): RecordedRun {
  const { params, plane, steps } = options;
  if (!Number.isInteger(steps) || steps < 0)
    throw new ValueError('recordTrajectory', `steps must be a non-negative integer, got ${steps}`);
  const start = snapshot(params);
  try {
    const opt = options.optimizer(params);
    const points: [number, number][] = [];
    const losses: number[] = [];
    for (let step = 0; ; step++) {
      opt.zeroGrad();
      const loss = options.loss();
      const value = loss.item();
      const point = planeCoordinates(plane);
      points.push(point);
      losses.push(value);
      if (!Number.isFinite(value) || !point.every(Number.isFinite))
        return { points, losses, diverged: true, final: snapshot(params) };
      if (step === steps) return { points, losses, diverged: false, final: snapshot(params) };
      loss.backward();
      opt.step();
    }
  } finally {
    restore(params, start);
  }
}
