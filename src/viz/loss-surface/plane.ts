// @file Slices of parameter space: two scalar parameters, or a plane center + α·d₁ + β·d₂ through all of them.
import { noGrad } from '../../autograd/grad-mode.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { copy_ } from '../../ops/inplace.js';
import { Tensor } from '../../tensor/tensor.js';
import type { TestFunction } from './test-functions.js';

/** One scalar of a model: element `index` (flat, row-major; default 0) of `param`. */
export interface ScalarParameter {
  param: Tensor;
  index?: number;
  /** Axis label, e.g. 'w1 (weight of lectures attended)'. */
  label?: string;
}

/**
 * A 2-D slice of parameter space:
 * - `parameters`: two scalar parameters; the coordinates are their values, every other parameter stays as it is.
 * - `directions`: the plane θ(α, β) = center + α·d₁ + β·d₂ through a whole list of parameters (see
 *   `trainingPlane` and `randomPlane`); the coordinates are α and β.
 * - `function`: the (x, y) plane of a 2-D test function.
 */
export type SurfacePlane =
  | { kind: 'parameters'; x: ScalarParameter; y: ScalarParameter }
  | {
      kind: 'directions';
      params: Tensor[];
      /** The values at (0, 0), one Float64Array per parameter. */
      center: Float64Array[];
      /** d₁ and d₂, one Float64Array per parameter each. */
      directions: [Float64Array[], Float64Array[]];
      labels?: [string, string];
    }
  | { kind: 'function'; fn: TestFunction };

/** A copy of every parameter's values, as float64 (a point of the whole parameter space). */
export function snapshot(params: readonly Tensor[]): Float64Array[] {
  return params.map((p) => Float64Array.from(p.dataSync()));
}

/** Writes `values` (float64, one array per parameter) into the parameters, without recording a graph. */
export function restore(params: readonly Tensor[], values: readonly Float64Array[]): void {
  noGrad(() =>
    params.forEach((p, k) => {
      const v = values[k]!;
      if (v.length !== p.numel())
        throw new ShapeError('restore', `parameter ${k} has ${p.numel()} values, got ${v.length}`);
      copy_(p, new Tensor(p.dtype === 'float64' ? Float64Array.from(v) : Float32Array.from(v), p.shape));
    }),
  );
}

/** The parameters a plane moves (for saving and restoring them around a sweep). */
export function planeParams(plane: SurfacePlane): Tensor[] {
  if (plane.kind === 'parameters')
    return plane.x.param === plane.y.param ? [plane.x.param] : [plane.x.param, plane.y.param];
  return plane.kind === 'directions' ? plane.params : [];
}

/** Checks a plane once, where it enters: indices in range, directions shaped like the parameters. */
export function checkPlane(op: string, plane: SurfacePlane): void {
  if (plane.kind === 'parameters') {
    for (const [axis, c] of [
      ['x', plane.x],
      ['y', plane.y],
    ] as const) {
      const index = c.index ?? 0;
      if (!Number.isInteger(index) || index < 0 || index >= c.param.numel())
        throw new ValueError(
          op,
          `${axis}.index ${index} is outside a parameter of shape ${fmtShape(c.param.shape)} (${c.param.numel()} values)`,
        );
    }
    if (plane.x.param === plane.y.param && (plane.x.index ?? 0) === (plane.y.index ?? 0))
      throw new ValueError(op, 'x and y are the same scalar parameter');
  } else if (plane.kind === 'directions') {
    const lists = [plane.center, plane.directions[0], plane.directions[1]];
    plane.params.forEach((p, k) => {
      for (const list of lists)
        if (list[k]?.length !== p.numel())
          throw new ShapeError(
            op,
            `parameter ${k} of shape ${fmtShape(p.shape)} has ${p.numel()} values but its center or direction has ${list[k]?.length ?? 'none'}`,
          );
    });
  }
}

/** Moves the plane's parameters to the point (a, b) of the slice (not for `function` planes). */
export function moveTo(plane: SurfacePlane, a: number, b: number): void {
  if (plane.kind === 'parameters') {
    for (const [c, v] of [
      [plane.x, a],
      [plane.y, b],
    ] as const) {
      const values = Float64Array.from(c.param.dataSync());
      values[c.index ?? 0] = v;
      restore([c.param], [values]);
    }
  } else if (plane.kind === 'directions') {
    const [d1, d2] = plane.directions;
    restore(
      plane.params,
      plane.center.map((c, k) => c.map((v, i) => v + a * d1[k]![i]! + b * d2[k]![i]!)),
    );
  }
}

/**
 * The coordinates of parameter values on the slice: the two scalars for a `parameters` plane; for a `directions`
 * plane the least-squares projection (α, β) = argmin ‖θ − center − α·d₁ − β·d₂‖, i.e. the solution of the 2×2
 * normal equations [d₁·d₁ d₁·d₂; d₁·d₂ d₂·d₂]·(α, β) = (d₁·(θ − c), d₂·(θ − c)). `values` defaults to the
 * parameters' current values.
 */
export function planeCoordinates(plane: SurfacePlane, values?: readonly Float64Array[]): [number, number] {
  if (plane.kind === 'function')
    throw new ValueError(
      'planeCoordinates',
      'a function plane has no parameters: its points are (x, y) already',
    );
  if (plane.kind === 'parameters') {
    const read = (c: ScalarParameter, k: number): number =>
      values ? values[k]![c.index ?? 0]! : c.param.dataSync()[c.index ?? 0]!;
    const sameParam = plane.x.param === plane.y.param;
    return [read(plane.x, 0), read(plane.y, sameParam ? 0 : 1)];
  }
  const theta = values ?? snapshot(plane.params);
  const [d1, d2] = plane.directions;
  let [g11, g12, g22, b1, b2] = [0, 0, 0, 0, 0];
  plane.center.forEach((c, k) => {
    const t = theta[k]!;
    const u = d1[k]!;
    const w = d2[k]!;
    for (let i = 0; i < c.length; i++) {
      const v = t[i]! - c[i]!;
      g11 += u[i]! * u[i]!;
      g12 += u[i]! * w[i]!;
      g22 += w[i]! * w[i]!;
      b1 += u[i]! * v;
      b2 += w[i]! * v;
    }
  });
  const det = g11 * g22 - g12 * g12;
  if (!(Math.abs(det) > 0))
    throw new ValueError('planeCoordinates', 'the directions d₁ and d₂ are parallel or zero');
  return [(g22 * b1 - g12 * b2) / det, (g11 * b2 - g12 * b1) / det];
}
