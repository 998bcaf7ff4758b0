// @file lossSurface: the loss over a grid on a 2-D slice of parameter space (or of a test function's plane).
import { noGrad } from '../../autograd/grad-mode.js';
import { ValueError } from '../../errors.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkPlane, moveTo, planeParams, restore, snapshot, type SurfacePlane } from './plane.js';
import type { TestFunction } from './test-functions.js';

/** A loss sampled on a regular grid of a 2-D slice: `values[j][i]` is the loss at (`xs[i]`, `ys[j]`). */
export interface LossSurface {
  xs: number[];
  ys: number[];
  values: number[][];
  xLabel: string;
  yLabel: string;
  /** The slice, so trajectories can be projected onto it (`planeCoordinates`). */
  plane: SurfacePlane;
  /** Points to mark (e.g. a test function's minima). */
  minima?: [number, number][];
}

export interface LossSurfaceOptions {
  /** The loss at the parameters' current values, e.g. `() => lossFn.forward(model.forward(x), y)`. */
  loss: () => Tensor;
  plane: SurfacePlane;
  /** The interval of the first coordinate (a scalar parameter's value, or α). */
  xRange: [number, number];
  /** The interval of the second coordinate. */
  yRange: [number, number];
  /** Grid points per axis (default 41). */
  resolution?: number;
}

/** `count` evenly spaced values from a to b inclusive. */
function grid(a: number, b: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => (count === 1 ? a : a + ((b - a) * i) / (count - 1)));
}

function checkGrid(op: string, xRange: [number, number], yRange: [number, number], resolution: number): void {
  if (!Number.isInteger(resolution) || resolution < 2 || resolution > 1000)
    throw new ValueError(op, `resolution must be an integer in [2, 1000], got ${resolution}`);
  for (const [name, r] of [
    ['xRange', xRange],
    ['yRange', yRange],
  ] as const)
    if (!(Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[1] > r[0]))
      throw new ValueError(
        op,
        `${name} must be two finite numbers [low, high] with low < high, got [${r.join(', ')}]`,
      );
}

/**
 * Evaluates `loss()` at every point of a `resolution × resolution` grid over a slice of parameter space, with
 * the slice's parameters moved there (in place, without recording a graph) and every other parameter as it is;
 * afterwards all parameters hold their values from before the call, even if `loss` throws.
 *
 * - A `parameters` slice sweeps two scalar weights of a real model on real data, e.g. the perceptron's w1 and w2
 *   on pass-the-class with the bias held at its trained value.
 * - A `directions` slice sweeps the plane θ* + α·d₁ + β·d₂ of a whole network (`trainingPlane` through the
 *   initial and final weights, or Li et al.'s `randomPlane` with filter-normalized random directions).
 *
 * Cost: resolution² forward passes.
 */
export function lossSurface(options: LossSurfaceOptions): LossSurface {
  const { plane, xRange, yRange } = options;
  const resolution = options.resolution ?? 41;
  checkGrid('lossSurface', xRange, yRange, resolution);
  if (plane.kind === 'function')
    throw new ValueError('lossSurface', 'a function plane has no loss closure: use functionSurface(fn)');
  checkPlane('lossSurface', plane);
  const xs = grid(xRange[0], xRange[1], resolution);
  const ys = grid(yRange[0], yRange[1], resolution);
  const params = planeParams(plane);
  const saved = snapshot(params);
  try {
    const values = noGrad(() =>
      ys.map((b) =>
        xs.map((a) => {
          moveTo(plane, a, b);
          return options.loss().item();
        }),
      ),
    );
    const labels: [string, string] =
      plane.kind === 'parameters'
        ? [plane.x.label ?? 'x', plane.y.label ?? 'y']
        : (plane.labels ?? ['α (direction 1)', 'β (direction 2)']);
    return { xs, ys, values, xLabel: labels[0], yLabel: labels[1], plane };
  } finally {
    restore(params, saved);
  }
}

/**
 * A test function sampled on a grid over its `xRange × yRange` (or the given ranges), in one elementwise call
 * of `fn.f` on float32 grid tensors; the surface marks the function's minima.
 */
export function functionSurface(
  fn: TestFunction,
  options: { resolution?: number; xRange?: [number, number]; yRange?: [number, number] } = {},
): LossSurface {
  const resolution = options.resolution ?? 81;
  const xRange = options.xRange ?? fn.xRange;
  const yRange = options.yRange ?? fn.yRange;
  checkGrid('functionSurface', xRange, yRange, resolution);
  const xs = grid(xRange[0], xRange[1], resolution);
  const ys = grid(yRange[0], yRange[1], resolution);
  const flat = noGrad(() =>
    fn.f(tensor(ys.flatMap(() => xs)), tensor(ys.flatMap((y) => xs.map(() => y)))).dataSync(),
  );
  const values = ys.map((_, j) => Array.from(flat.subarray(j * resolution, (j + 1) * resolution)));
  return { xs, ys, values, xLabel: 'x', yLabel: 'y', plane: { kind: 'function', fn }, minima: fn.minima };
}
