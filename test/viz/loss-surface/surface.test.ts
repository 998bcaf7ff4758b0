// @file lossSurface, the planes (two scalars, trainingPlane, randomPlane), projection and recordTrajectory, against losses computed directly.
import { describe, expect, it } from 'vitest';
import {
  Generator,
  ShapeError,
  ValueError,
  data,
  manualSeed,
  nn,
  optim,
  tensor,
  type Tensor,
} from '../../../src/index.js';
import {
  TEST_FUNCTIONS,
  filterNormalizedDirection,
  functionSurface,
  lossSurface,
  parameterSnapshot,
  planeCoordinates,
  randomPlane,
  recordTrajectory,
  trainingPlane,
  type SurfacePlane,
} from '../../../src/viz/loss-surface/index.js';

/** Binary cross-entropy on logits w1·x1 + w2·x2 + b, in plain float64 JS: mean(log(1 + e^z) − y·z). */
function bceByHand(x: Float32Array, y: Float32Array, w1: number, w2: number, b: number): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const z = w1 * x[2 * i]! + w2 * x[2 * i + 1]! + b;
    sum += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i]! * z;
  }
  return sum / y.length;
}

function perceptronProblem() {
  manualSeed(0);
  const [x, y] = data.datasets.passTheClass({ n: 200, seed: 1 }).tensors;
  const model = new nn.Linear(2, 1);
  const lossFn = new nn.BCEWithLogitsLoss();
  return { x, y, model, loss: () => lossFn.forward(model.forward(x), y) };
}

describe('lossSurface over two scalar parameters (the perceptron on pass-the-class)', () => {
  const { x, y, model, loss } = perceptronProblem();
  const plane: SurfacePlane = {
    kind: 'parameters',
    x: { param: model.weight, index: 0, label: 'w1' },
    y: { param: model.weight, index: 1, label: 'w2' },
  };
  const before = [...model.weight.dataSync(), ...model.bias!.dataSync()];
  const surface = lossSurface({ loss, plane, xRange: [-3, 5], yRange: [-2, 6], resolution: 9 });

  it('has the grid and labels asked for', () => {
    expect(surface.xs).toEqual([-3, -2, -1, 0, 1, 2, 3, 4, 5]);
    expect(surface.ys).toEqual([-2, -1, 0, 1, 2, 3, 4, 5, 6]);
    expect(surface.values).toHaveLength(9);
    expect([surface.xLabel, surface.yLabel]).toEqual(['w1', 'w2']);
  });

  it('every value equals the cross-entropy computed by hand with the bias held fixed', () => {
    const b = model.bias!.item();
    const [xs, ys] = [x.dataSync() as Float32Array, y.dataSync() as Float32Array];
    surface.ys.forEach((w2, j) =>
      surface.xs.forEach((w1, i) => {
        expect(surface.values[j]![i]!).toBeCloseTo(bceByHand(xs, ys, w1, w2, b), 5);
      }),
    );
  });

  it('puts the parameters back as they were', () => {
    expect([...model.weight.dataSync(), ...model.bias!.dataSync()]).toEqual(before);
  });

  it('puts the parameters back even when the loss throws', () => {
    let calls = 0;
    expect(() =>
      lossSurface({
        loss: () => {
          if (++calls === 5) throw new Error('boom');
          return loss();
        },
        plane,
        xRange: [0, 1],
        yRange: [0, 1],
        resolution: 3,
      }),
    ).toThrow('boom');
    expect([...model.weight.dataSync(), ...model.bias!.dataSync()]).toEqual(before);
  });

  it('refuses bad grids and planes, naming the option', () => {
    expect(() => lossSurface({ loss, plane, xRange: [1, 0], yRange: [0, 1] })).toThrow(/xRange must be/);
    expect(() => lossSurface({ loss, plane, xRange: [0, 1], yRange: [0, 1], resolution: 1 })).toThrow(
      /resolution must be an integer in \[2, 1000\], got 1/,
    );
    expect(() =>
      lossSurface({
        loss,
        plane: { kind: 'parameters', x: { param: model.weight, index: 2 }, y: { param: model.bias! } },
        xRange: [0, 1],
        yRange: [0, 1],
      }),
    ).toThrow(/x.index 2 is outside a parameter of shape \[1, 2\]/);
    expect(() =>
      lossSurface({
        loss,
        plane: { kind: 'parameters', x: { param: model.weight }, y: { param: model.weight } },
        xRange: [0, 1],
        yRange: [0, 1],
      }),
    ).toThrow(ValueError);
  });
});

function flatDot(a: Float64Array[], b: Float64Array[]): number {
  return a.reduce((s, v, k) => s + v.reduce((t, x, i) => t + x * b[k]![i]!, 0), 0);
}

describe('the plane through the initial and final weights of a whole network (trainingPlane)', () => {
  manualSeed(4);
  const [x, y] = data.datasets.passTheClass({ n: 120, seed: 2 }).tensors;
  const model = new nn.Sequential(new nn.Linear(2, 6), new nn.Tanh(), new nn.Linear(6, 1));
  const params = model.parameters();
  const lossFn = new nn.BCEWithLogitsLoss();
  const loss = (): Tensor => lossFn.forward(model.forward(x), y);
  const initial = parameterSnapshot(params);
  const initialLoss = loss().item();
  const run = recordTrajectory({
    params,
    loss,
    plane: randomPlane(params, { generator: new Generator(9) }),
    optimizer: (p) => new optim.Adam(p, { lr: 0.05 }),
    steps: 60,
  });
  const plane = trainingPlane(params, initial, run.final, { generator: new Generator(1) });
  if (plane.kind !== 'directions') throw new Error('expected a directions plane');
  const [d1, d2] = plane.directions;

  it('recordTrajectory left the parameters at their start', () => {
    expect(parameterSnapshot(params)).toEqual(initial);
    expect(run.losses[0]).toBeCloseTo(initialLoss, 6);
    expect(run.losses[60]!).toBeLessThan(initialLoss);
  });

  it('d₁ = θ₀ − θ*, d₂ ⟂ d₁ with the same norm', () => {
    expect(Math.abs(flatDot(d1, d2))).toBeLessThan(1e-9 * flatDot(d1, d1));
    expect(flatDot(d2, d2)).toBeCloseTo(flatDot(d1, d1), 9);
  });

  it('its surface is the loss at θ* + α·d₁ + β·d₂ computed directly, θ* at (0, 0) and θ₀ at (1, 0)', () => {
    const surface = lossSurface({ loss, plane, xRange: [-0.5, 1.5], yRange: [-1, 1], resolution: 5 });
    const direct = (a: number, b: number): number => {
      const fresh = new nn.Sequential(new nn.Linear(2, 6), new nn.Tanh(), new nn.Linear(6, 1));
      fresh.parameters().forEach((p, k) => {
        const values = run.final[k]!.map((c, i) => c + a * d1[k]![i]! + b * d2[k]![i]!);
        p.storage.set(Float32Array.from(values));
      });
      return lossFn.forward(fresh.forward(x), y).item();
    };
    surface.ys.forEach((b, j) =>
      surface.xs.forEach((a, i) => expect(surface.values[j]![i]!).toBeCloseTo(direct(a, b), 5)),
    );
    // (α, β) = (1, 0) is the start (column 3 of xs −0.5, 0, 0.5, 1, 1.5; row 2 of ys −1, −0.5, 0, 0.5, 1).
    expect(surface.values[2]![3]!).toBeCloseTo(initialLoss, 5);
    expect(surface.values[2]![1]!).toBeCloseTo(run.losses[60]!, 2);
    expect(parameterSnapshot(params)).toEqual(initial);
  });

  it('projects θ₀ to (1, 0), θ* to (0, 0) and θ* + 0.3·d₁ − 0.7·d₂ to (0.3, −0.7)', () => {
    const [a0, b0] = planeCoordinates(plane, initial);
    expect(a0).toBeCloseTo(1, 9);
    expect(b0).toBeCloseTo(0, 9);
    const [a1, b1] = planeCoordinates(plane, run.final);
    expect(a1).toBeCloseTo(0, 9);
    expect(b1).toBeCloseTo(0, 9);
    const point = run.final.map((c, k) => c.map((v, i) => v + 0.3 * d1[k]![i]! - 0.7 * d2[k]![i]!));
    const [a2, b2] = planeCoordinates(plane, point);
    expect(a2).toBeCloseTo(0.3, 9);
    expect(b2).toBeCloseTo(-0.7, 9);
  });

  it('refuses equal initial and final weights, and directions of the wrong size', () => {
    expect(() => trainingPlane(params, initial, initial)).toThrow(/initial and final parameters are equal/);
    expect(() =>
      lossSurface({
        loss,
        plane: { ...plane, center: plane.center.slice(1) },
        xRange: [0, 1],
        yRange: [0, 1],
      }),
    ).toThrow(ShapeError);
  });
});

describe('filterNormalizedDirection (Li et al. 2018)', () => {
  manualSeed(2);
  const conv = new nn.Conv2d(3, 4, 3);
  const linear = new nn.Linear(5, 2);
  const params = [conv.weight, conv.bias!, linear.weight, linear.bias!];
  const theta = parameterSnapshot(params);
  const d = filterNormalizedDirection(params, new Generator(5));

  it('each filter of a weight has the norm of the same filter of θ; 1-D parameters get zero', () => {
    for (const k of [0, 2]) {
      const filters = params[k]!.shape[0]!;
      const width = theta[k]!.length / filters;
      for (let f = 0; f < filters; f++) {
        const norm = (v: Float64Array): number =>
          Math.hypot(...Array.from(v.subarray(f * width, (f + 1) * width)));
        expect(norm(d[k]!)).toBeCloseTo(norm(theta[k]!), 9);
      }
    }
    expect([...d[1]!, ...d[3]!].every((v) => v === 0)).toBe(true);
  });

  it('is random (two draws differ) and seeded (the same seed repeats)', () => {
    expect(filterNormalizedDirection(params, new Generator(5))).toEqual(d);
    expect(filterNormalizedDirection(params, new Generator(6))[0]).not.toEqual(d[0]);
  });

  it('randomPlane uses two independent such directions around the current weights', () => {
    const plane = randomPlane(params, { generator: new Generator(3) });
    if (plane.kind !== 'directions') throw new Error('expected a directions plane');
    expect(plane.center).toEqual(theta);
    expect(plane.directions[0][0]).not.toEqual(plane.directions[1][0]);
  });
});

describe('functionSurface and recordTrajectory on a test function', () => {
  it('each grid value is f at that point', () => {
    const fn = TEST_FUNCTIONS.localMinima;
    const surface = functionSurface(fn, { resolution: 7 });
    expect(surface.xs[0]).toBe(fn.xRange[0]);
    expect(surface.ys[6]).toBe(fn.yRange[1]);
    expect(surface.minima).toEqual(fn.minima);
    surface.ys.forEach((y, j) =>
      surface.xs.forEach((x, i) =>
        expect(surface.values[j]![i]!).toBeCloseTo(fn.f(tensor(x), tensor(y)).item(), 6),
      ),
    );
  });

  it('recordTrajectory on two scalar parameters equals runOptimizerOnFunction', async () => {
    const { runOptimizerOnFunction } = await import('../../../src/viz/loss-surface/index.js');
    const fn = TEST_FUNCTIONS.saddle;
    const xy = new nn.Parameter(tensor([fn.start[0], fn.start[1]]));
    const recorded = recordTrajectory({
      params: [xy],
      loss: () => fn.f(xy.select(0, 0), xy.select(0, 1)),
      plane: { kind: 'parameters', x: { param: xy, index: 0 }, y: { param: xy, index: 1 } },
      optimizer: (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.5 }),
      steps: 20,
    });
    const direct = runOptimizerOnFunction(fn, (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.5 }), {
      steps: 20,
    });
    expect(recorded.points).toEqual(direct.points);
    expect(recorded.losses).toEqual(direct.losses);
    expect([...xy.dataSync()]).toEqual([...Float32Array.from(fn.start)]);
  });
});
