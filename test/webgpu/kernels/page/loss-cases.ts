// @file Softmax and the fused losses on WebGPU against the js reference: ignored targets, weights, smoothing.
import * as js from '../../../../src/backend/js/loss.js';
import { softmax as jsSoftmax } from '../../../../src/backend/js/softmax.js';
import type { ClassLossSpec, LossUpstream, PointwiseLossKind } from '../../../../src/backend/loss-kernels.js';
import * as gpu from '../../../../src/backend/webgpu/kernels/loss.js';
import { softmax } from '../../../../src/backend/webgpu/kernels/softmax.js';
import {
  all,
  compare,
  F32_EPS,
  generator,
  integers,
  uniform,
  widen,
  type CaseResult,
  type KernelCase,
} from './check.js';
import { TestContext } from './test-context.js';

/** |actual − expected| ≤ tol·(1 + |expected|): a relative bound with an absolute floor. */
const near = (expected: ArrayLike<number>, tol: number) => (i: number) => tol * (1 + Math.abs(expected[i]!));

async function checkSoftmax(
  device: GPUDevice,
  outer: number,
  size: number,
  inner: number,
  log: boolean,
): Promise<CaseResult> {
  const random = generator(outer * 1000 + size * 10 + inner);
  const x = uniform(random, outer * size * inner, -4, 4);
  if (x.length > 3) {
    x[1] = Number.NEGATIVE_INFINITY; // a masked score
    x[x.length - 1] = Number.NaN; // its line is NaN throughout
  }
  const out = new Float32Array(x.length).fill(123);
  const ctx = new TestContext(device);
  softmax(ctx, x, out, outer, size, inner, log);
  await ctx.download();
  await ctx.dispose();
  const expected = new Float64Array(x.length);
  jsSoftmax(widen(x), expected, outer, size, inner, log);
  const name = `${log ? 'logSoftmax' : 'softmax'} [${outer}, ${size}, ${inner}]`;
  return compare(name, out, expected, near(expected, (size + 16) * 8 * F32_EPS));
}

const classSpec = (batch: number, classes: number, inner: number, labelSmoothing: number): ClassLossSpec => ({
  batch,
  classes,
  inner,
  ignoreIndex: -100,
  labelSmoothing,
});

function upstream(random: () => number, positions: number, perPosition: boolean): LossUpstream {
  return perPosition
    ? { values: uniform(random, positions), step: 1, scale: 1 }
    : { values: Float32Array.of(0.75), step: 0, scale: 1 / 7 };
}

/** classIndexLoss and its backward, cross-entropy (`logits`) or NLL. */
async function checkClassIndex(
  device: GPUDevice,
  spec: ClassLossSpec,
  logits: boolean,
  weighted: boolean,
  perPosition: boolean,
): Promise<CaseResult> {
  const random = generator(spec.batch * 97 + spec.classes + (logits ? 1 : 0));
  const positions = spec.batch * spec.inner;
  const x = uniform(random, positions * spec.classes, -3, 3);
  const labels = integers(random, positions, spec.classes);
  if (positions > 2) labels[1] = spec.ignoreIndex;
  const weight = weighted ? uniform(random, spec.classes, 0.2, 2) : null;
  const g = upstream(random, positions, perPosition);
  const normalisers = logits ? new Float64Array(positions) : null;
  const losses = new Float64Array(positions).fill(9);
  const sums = new Float64Array(2);
  const grad = new Float32Array(x.length).fill(9);
  const ctx = new TestContext(device);
  gpu.classIndexLoss(ctx, spec, x, labels, weight, normalisers, losses, sums);
  gpu.classIndexLossBackward(ctx, spec, x, labels, weight, normalisers, g, grad);
  await ctx.download();
  await ctx.dispose();
  const w64 = weight ? widen(weight) : null;
  const refNormalisers = logits ? new Float64Array(positions) : null;
  const refLosses = new Float64Array(positions);
  const refSums = new Float64Array(2);
  const refGrad = new Float64Array(x.length);
  js.classIndexLoss(spec, widen(x), labels, w64, refNormalisers, refLosses, refSums);
  const g64 = { ...g, values: widen(g.values as Float32Array) };
  js.classIndexLossBackward(spec, widen(x), labels, w64, refNormalisers, g64, refGrad);
  const tol = (spec.classes + 16) * 8 * F32_EPS;
  const name = `${logits ? 'crossEntropy' : 'nll'} N=${spec.batch} C=${spec.classes} inner=${spec.inner} ε=${spec.labelSmoothing}${weighted ? ' weighted' : ''}`;
  const total = refLosses.reduce((s, l) => s + Math.abs(l), 0);
  return all([
    compare(`${name} losses`, losses, refLosses, near(refLosses, tol)),
    compare(`${name} sums`, sums, refSums, () => tol * (1 + total)),
    ...(normalisers && refNormalisers
      ? [compare(`${name} normalisers`, normalisers, refNormalisers, near(refNormalisers, tol))]
      : []),
    compare(`${name} backward`, grad, refGrad, near(refGrad, tol)),
  ]);
}

/** classProbabilityLoss and both its gradients. */
async function checkClassProbability(
  device: GPUDevice,
  spec: ClassLossSpec,
  weighted: boolean,
): Promise<CaseResult> {
  const random = generator(spec.batch * 13 + spec.classes);
  const positions = spec.batch * spec.inner;
  const x = uniform(random, positions * spec.classes, -3, 3);
  const y = uniform(random, x.length, 0, 1);
  const weight = weighted ? uniform(random, spec.classes, 0.2, 2) : null;
  const g = upstream(random, positions, true);
  const normalisers = new Float64Array(positions);
  const losses = new Float64Array(positions);
  const sums = new Float64Array(2);
  const inputGrad = new Float32Array(x.length);
  const targetGrad = new Float32Array(x.length);
  const ctx = new TestContext(device);
  gpu.classProbabilityLoss(ctx, spec, x, y, weight, normalisers, losses, sums);
  gpu.classProbabilityLossBackward(ctx, spec, x, y, weight, normalisers, g, inputGrad, targetGrad);
  await ctx.download();
  await ctx.dispose();
  const w64 = weight ? widen(weight) : null;
  const ref = {
    normalisers: new Float64Array(positions),
    losses: new Float64Array(positions),
    sums: new Float64Array(2),
  };
  js.classProbabilityLoss(spec, widen(x), widen(y), w64, ref.normalisers, ref.losses, ref.sums);
  const refInput = new Float64Array(x.length);
  const refTarget = new Float64Array(x.length);
  const g64 = { ...g, values: widen(g.values as Float32Array) };
  js.classProbabilityLossBackward(spec, widen(x), widen(y), w64, ref.normalisers, g64, refInput, refTarget);
  const tol = (spec.classes + 16) * 8 * F32_EPS;
  const total = ref.losses.reduce((s, l) => s + Math.abs(l), 0);
  const name = `crossEntropy(probabilities) N=${spec.batch} C=${spec.classes} inner=${spec.inner}`;
  return all([
    compare(`${name} losses`, losses, ref.losses, near(ref.losses, tol)),
    compare(`${name} sums`, sums, ref.sums, () => tol * (1 + total)),
    compare(`${name} ∂x`, inputGrad, refInput, near(refInput, tol)),
    compare(`${name} ∂y`, targetGrad, refTarget, near(refTarget, tol)),
  ]);
}

/** pointwiseLoss with and without per-element losses, and both gradients. */
async function checkPointwise(
  device: GPUDevice,
  kind: PointwiseLossKind,
  count: number,
  weighted: boolean,
): Promise<CaseResult> {
  const random = generator(count + (kind === 'bce' ? 1 : 2));
  const x = kind === 'bce' ? uniform(random, count, 0.001, 0.999) : uniform(random, count, -30, 30);
  const y = uniform(random, count, 0, 1);
  const w = weighted ? uniform(random, count, 0, 2) : null;
  const p = weighted && kind === 'bceWithLogits' ? uniform(random, count, 0.5, 3) : null;
  const g = upstream(random, count, true);
  const losses = new Float64Array(count);
  const sums = Float64Array.of(0, count);
  const reducedSums = Float64Array.of(0, count);
  const dx = new Float32Array(count);
  const dy = new Float32Array(count);
  const ctx = new TestContext(device);
  gpu.pointwiseLoss(ctx, kind, x, y, w, p, losses, sums);
  gpu.pointwiseLoss(ctx, kind, x, y, w, p, null, reducedSums);
  gpu.pointwiseLossBackward(ctx, kind, 'input', x, y, w, p, g, dx);
  gpu.pointwiseLossBackward(ctx, kind, 'target', x, y, w, p, g, dy);
  await ctx.download();
  await ctx.dispose();
  const [x64, y64, w64, p64] = [widen(x), widen(y), w && widen(w), p && widen(p)];
  const refLosses = new Float64Array(count);
  const refSums = Float64Array.of(0, count);
  js.pointwiseLoss(kind, x64, y64, w64, p64, refLosses, refSums);
  const g64 = { ...g, values: widen(g.values as Float32Array) };
  const refDx = new Float64Array(count);
  const refDy = new Float64Array(count);
  js.pointwiseLossBackward(kind, 'input', x64, y64, w64, p64, g64, refDx);
  js.pointwiseLossBackward(kind, 'target', x64, y64, w64, p64, g64, refDy);
  // bce's ∂x divides by x(1 − x), which float32 inputs near 0 or 1 know to a few ulps of x only.
  const tol = 64 * F32_EPS;
  const inputTol = kind === 'bce' ? 4096 * F32_EPS : tol;
  const total = refLosses.reduce((s, l) => s + Math.abs(l), 0);
  const name = `${kind} n=${count}${weighted ? ' weighted' : ''}`;
  return all([
    compare(`${name} losses`, losses, refLosses, near(refLosses, tol)),
    compare(`${name} sums`, sums, refSums, () => tol * (1 + total)),
    compare(`${name} sums without losses`, reducedSums, refSums, () => tol * (1 + total)),
    compare(`${name} ∂x`, dx, refDx, near(refDx, inputTol)),
    compare(`${name} ∂y`, dy, refDy, near(refDy, tol)),
  ]);
}

export const lossCases: Record<string, KernelCase> = {
  'softmax and logSoftmax, awkward lines': async (device) => {
    const results = [];
    for (const [outer, size, inner] of [
      [1, 1, 1],
      [7, 10, 1],
      [3, 17, 5],
      [2, 300, 3],
      [1000, 10, 1],
    ] as const)
      for (const log of [false, true]) results.push(await checkSoftmax(device, outer, size, inner, log));
    return all(results);
  },
  'crossEntropy class indices: plain, weighted, smoothed, spatial': async (device) =>
    all([
      await checkClassIndex(device, classSpec(64, 10, 1, 0), true, false, false),
      await checkClassIndex(device, classSpec(5, 7, 3, 0.1), true, true, true),
      await checkClassIndex(device, classSpec(1, 1, 1, 0), true, false, false),
      await checkClassIndex(device, classSpec(9, 4, 2, 0.25), true, false, true),
    ]),
  'nll class indices: plain, weighted, smoothed': async (device) =>
    all([
      await checkClassIndex(device, classSpec(64, 10, 1, 0), false, false, false),
      await checkClassIndex(device, classSpec(5, 7, 3, 0.1), false, true, true),
    ]),
  'crossEntropy class probabilities: plain, weighted, spatial': async (device) =>
    all([
      await checkClassProbability(device, classSpec(33, 10, 1, 0), false),
      await checkClassProbability(device, classSpec(4, 6, 5, 0.2), true),
    ]),
  'bce and bceWithLogits, weighted and not': async (device) =>
    all([
      await checkPointwise(device, 'bce', 1, false),
      await checkPointwise(device, 'bce', 1000, true),
      await checkPointwise(device, 'bceWithLogits', 777, false),
      await checkPointwise(device, 'bceWithLogits', 513, true),
    ]),
};
