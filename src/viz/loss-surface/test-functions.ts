// @file Classic 2-D test functions f(x, y) written with neurite ops, so the real optimizers can run on them.
import type { Tensor } from '../../tensor/tensor.js';

/**
 * A differentiable surface z = f(x, y) to run optimizers on. `f` is elementwise: x and y are tensors of one
 * shape (0-d scalars when optimizing, a grid when drawing) and the result has that shape too.
 */
export interface TestFunction {
  /** Key in {@link TEST_FUNCTIONS} (`'localMinima'`). */
  name: string;
  /** Human-readable name with the formula, for titles and legends. */
  label: string;
  /** z = f(x, y), elementwise and differentiable. */
  f(x: Tensor, y: Tensor): Tensor;
  /** The x interval worth drawing. */
  xRange: [number, number];
  /** The y interval worth drawing. */
  yRange: [number, number];
  /** A start point from which the optimizers' paths differ instructively. */
  start: [number, number];
  /** The local minima (the global one first), to a few digits where they are not round. */
  minima: [number, number][];
}

/** A well −depth·exp(−((x − cx)² + (y − cy)²) / width). */
function well(x: Tensor, y: Tensor, cx: number, cy: number, width: number, depth: number): Tensor {
  return x.sub(cx).square().add(y.sub(cy).square()).div(-width).exp().mul(depth);
}

/**
 * The four surfaces of the lecture's gradient-descent picture:
 *
 * - `bowl`: f = 0.5x² + y², convex, one minimum at (0, 0); gradient descent converges for γ < 1 (the larger
 *   curvature is 2) and oscillates in y for 1 < γ < 2.
 * - `valley`: Rosenbrock's f = (1 − x)² + 100(y − x²)², a curved, ill-conditioned valley (condition number ≈ 2500 at
 *   the minimum (1, 1)): plain SGD must take a tiny step for the steep walls and then crawls along the floor.
 * - `localMinima`: a gentle bowl 0.05(x² + y²) with three Gaussian wells; the minima lie at
 *   f ≈ −1.416 (1.236, −0.287), −1.102 (−0.133, −1.511) and −0.434 (−1.093, 0.552). From the start (−2.2, 1.6)
 *   plain gradient descent settles in the shallow well next to it, while momentum or a large Adam step carries
 *   across the ridge to the deepest one.
 * - `saddle`: f = x² + y⁴/4 − y²/2, a saddle at (0, 0) between the minima (0, ±1); a start near y = 0 makes
 *   gradient descent linger at the saddle.
 */
export const TEST_FUNCTIONS: Record<'bowl' | 'valley' | 'localMinima' | 'saddle', TestFunction> = {
  bowl: {
    name: 'bowl',
    label: 'convex bowl: 0.5x² + y²',
    f: (x, y) => x.square().mul(0.5).add(y.square()),
    xRange: [-2, 2],
    yRange: [-2, 2],
    start: [-1.8, 1.5],
    minima: [[0, 0]],
  },
  valley: {
    name: 'valley',
    label: 'Rosenbrock valley: (1 − x)² + 100(y − x²)²',
    f: (x, y) => x.neg().add(1).square().add(y.sub(x.square()).square().mul(100)),
    xRange: [-2, 2],
    yRange: [-1, 3],
    start: [-1.5, 2],
    minima: [[1, 1]],
  },
  localMinima: {
    name: 'localMinima',
    label: 'local minima: 0.05(x² + y²) − three Gaussian wells',
    f: (x, y) =>
      x
        .square()
        .add(y.square())
        .mul(0.05)
        .sub(well(x, y, -1.2, 0.6, 0.6, 0.5))
        .sub(well(x, y, 1.3, -0.3, 1.5, 1.5))
        .sub(well(x, y, -0.2, -1.6, 0.5, 1.1)),
    xRange: [-3, 3],
    yRange: [-3, 3],
    start: [-2.2, 1.6],
    minima: [
      [1.23635, -0.28708],
      [-0.13301, -1.51071],
      [-1.09304, 0.55184],
    ],
  },
  saddle: {
    name: 'saddle',
    label: 'saddle: x² + y⁴/4 − y²/2',
    f: (x, y) => x.square().add(y.pow(4).div(4)).sub(y.square().div(2)),
    xRange: [-2, 2],
    yRange: [-2, 2],
    start: [-1.8, 0.05],
    minima: [
      [0, 1],
      [0, -1],
    ],
  },
};
