// @file Directions for loss-landscape planes: filter-normalized random directions (Li et al., 2018).
import { ValueError } from '../../errors.js';
import { Generator } from '../../random/generator.js';
import type { Tensor } from '../../tensor/tensor.js';
import { snapshot, type SurfacePlane } from './plane.js';

/**
 * A random direction d in parameter space, filter-normalized as in Li, Xu, Taylor, Studer and Goldstein,
 * "Visualizing the Loss Landscape of Neural Nets" (NeurIPS 2018): d starts as i.i.d. N(0, 1) noise; for every
 * parameter with two or more dimensions, each filter (each slice along dimension 0: a row of a Linear weight, an
 * output channel of a Conv2d weight) is rescaled to the norm of the same filter of θ,
 * d_f ← d_f · ‖θ_f‖ / ‖d_f‖, so that a step along d changes every filter by the same relative amount and the
 * scale invariance of ReLU networks does not distort the picture. Biases and other 1-D parameters get d = 0
 * (the paper's "ignore biases and BN" setting). `theta` defaults to the parameters' current values.
 */
export function filterNormalizedDirection(
  params: readonly Tensor[],
  generator: Generator,
  theta: readonly Float64Array[] = snapshot(params),
): Float64Array[] {
  return params.map((p, k) => {
    const d = new Float64Array(p.numel());
    if (p.shape.length < 2) return d;
    const filters = p.shape[0]!;
    const width = d.length / filters;
    const t = theta[k]!;
    for (let f = 0; f < filters; f++) {
      let [dNorm, tNorm] = [0, 0];
      for (let i = f * width; i < (f + 1) * width; i++) {
        d[i] = generator.normal();
        dNorm += d[i]! * d[i]!;
        tNorm += t[i]! * t[i]!;
      }
      const factor = dNorm > 0 ? Math.sqrt(tNorm / dNorm) : 0;
      for (let i = f * width; i < (f + 1) * width; i++) d[i]! *= factor;
    }
    return d;
  });
}

function dot(a: readonly Float64Array[], b: readonly Float64Array[]): number {
  let s = 0;
  a.forEach((x, k) => x.forEach((v, i) => (s += v * b[k]![i]!)));
  return s;
}

/**
 * Li et al.'s plane around a trained point θ*: θ(α, β) = θ* + α·d₁ + β·d₂ with two independent
 * filter-normalized random directions. `center` defaults to the parameters' current values.
 */
export function randomPlane(
  params: Tensor[],
  options: { generator?: Generator; center?: Float64Array[] } = {},
): SurfacePlane {
  const generator = options.generator ?? new Generator(0);
  const center = options.center ?? snapshot(params);
  const d1 = filterNormalizedDirection(params, generator, center);
  const d2 = filterNormalizedDirection(params, generator, center);
  return {
    kind: 'directions',
    params,
    center,
    directions: [d1, d2],
    labels: ['α (direction 1)', 'β (direction 2)'],
  };
}

/**
 * The plane through the initial parameters θ₀ and the final parameters θ* of a training run:
 * θ(α, β) = θ* + α·d₁ + β·d₂ with d₁ = θ₀ − θ* (so θ* is at (0, 0) and θ₀ at (1, 0)) and d₂ a filter-normalized
 * random direction made orthogonal to d₁ (Gram–Schmidt, d₂ ← d₂ − (d₂·d₁ / d₁·d₁)·d₁) and rescaled to ‖d₁‖, so
 * both axes are in the same units. Every recorded point of the run projects onto this plane with
 * `planeCoordinates`; its distance from the plane is what the picture cannot show.
 */
export function trainingPlane(
  params: Tensor[],
  initial: readonly Float64Array[],
  final: readonly Float64Array[],
  options: { generator?: Generator } = {},
): SurfacePlane {
  const d1 = initial.map((v, k) => v.map((x, i) => x - final[k]![i]!));
  const n11 = dot(d1, d1);
  if (!(n11 > 0))
    throw new ValueError(
      'trainingPlane',
      'the initial and final parameters are equal: there is no direction to draw',
    );
  const d2 = filterNormalizedDirection(params, options.generator ?? new Generator(0), [...final]);
  const along = dot(d2, d1) / n11;
  d2.forEach((v, k) => v.forEach((x, i) => (v[i] = x - along * d1[k]![i]!)));
  const n22 = dot(d2, d2);
  if (!(n22 > 0))
    throw new ValueError(
      'trainingPlane',
      'the random direction is parallel to θ₀ − θ* (a network with a single weight?)',
    );
  const factor = Math.sqrt(n11 / n22);
  d2.forEach((v) => v.forEach((x, i) => (v[i] = x * factor)));
  return {
    kind: 'directions',
    params,
    center: final.map((v) => Float64Array.from(v)),
    directions: [d1, d2],
    labels: ['α (toward the initial weights)', 'β (random filter-normalized direction)'],
  };
}
