// @file The playground's two regression data sets (TensorFlow Playground's "plane" and "multi-Gaussian"):
// seeded points on [−6, 6]² whose label is a real-valued target in about [−1, 1].
import { Generator } from 'neurite';
import type { Point } from './settings.js';

/** Half-width of the square the points are drawn from. */
const RADIUS = 6;

/**
 * Bumps of the multi-Gaussian set: centre (x, y) and sign. Two rows of three with alternating signs, like the
 * Playground's, so no single linear unit can fit the surface.
 */
const BUMPS: readonly (readonly [number, number, number])[] = [
  [-4, 2.5, 1],
  [0, 2.5, -1],
  [4, 2.5, 1],
  [-4, -2.5, -1],
  [0, -2.5, 1],
  [4, -2.5, -1],
];

/** Standard deviation of each bump. */
const BUMP_SIGMA = 1.3;

/** The noise-free target of the plane data set: t = (x + y)/10 (so about ±1.2 at the corners). */
export function planeTarget(x: number, y: number): number {
  return (x + y) / 10;
}

/**
 * The noise-free target of the multi-Gaussian data set: the sum of the bumps, Σ s·exp(−d²/2σ²) (s the bump's
 * sign, d the distance to its centre, σ = 1.3): smooth, within about ±1, and 0 far from every bump.
 */
export function multiGaussTarget(x: number, y: number): number {
  let sum = 0;
  for (const [cx, cy, sign] of BUMPS) {
    const d2 = (x - cx) ** 2 + (y - cy) ** 2;
    sum += sign * Math.exp(-d2 / (2 * BUMP_SIGMA * BUMP_SIGMA));
  }
  return sum;
}

/**
 * n points uniform on [−6, 6]² with label target(x, y) + ε, ε ~ U(−½, ½)·noise·2 (noise 0…0.5 is the
 * slider's 0…50 %, so at 50 % the noise is as wide as the targets' range).
 */
export function regressionPoints(
  target: (x: number, y: number) => number,
  n: number,
  noise: number,
  seed: number,
): Point[] {
  const generator = new Generator(seed);
  const points: Point[] = [];
  for (let i = 0; i < n; i++) {
    const x = (generator.uniform() * 2 - 1) * RADIUS;
    const y = (generator.uniform() * 2 - 1) * RADIUS;
    const epsilon = (generator.uniform() - 0.5) * 2 * noise;
    points.push({ x, y, label: target(x, y) + epsilon });
  }
  return points;
}
