// @file The 2-D toy datasets of TensorFlow Playground (circle, xor, gauss, spiral) and sklearn's moons.
import {
  PointBuffer,
  ToyDataset,
  checkClasses,
  classSizes,
  resolveOptions,
  uniform,
  type ToyOptions,
} from './common.js';

/** Options of the datasets that can have more than two classes. */
export interface MultiClassToyOptions extends ToyOptions {
  /** Number of classes; default 2. */
  classes?: number;
}

const XY = ['x1', 'x2'] as const;

function classNames(k: number): string[] {
  return Array.from({ length: k }, (_, c) => `class ${c}`);
}

/**
 * A disc inside a ring (TensorFlow Playground's "Circle"); x float32 [n, 2], class 1 = inside.
 *
 * Half the points (class 1) have radius r ~ U(0, 2.5), the other half (class 0) r ~ U(3.5, 5), at angle
 * θ ~ U(0, 2π): x = (r·sin θ, r·cos θ). With noise ν the *label* is taken at a jittered point,
 * label = 1 if ‖x + ν·(u₁, u₂)‖ < 2.5 with u₁, u₂ ~ U(−5, 5), while x itself is stored unjittered, so noise
 * mixes the classes near the gap as in the Playground (useful range 0…0.5; default 0).
 * Labels int32 [n] unless `labels` says otherwise (see LabelFormat). Not linearly separable: a perceptron
 * fails, a hidden layer (or the feature x₁² + x₂²) succeeds.
 */
export function circle(options: ToyOptions = {}): ToyDataset {
  const op = 'datasets.circle';
  const { n, noise, seed, labels, generator } = resolveOptions(op, options, [], { noise: 0, labels: 'int' });
  const radius = 5;
  const points = new PointBuffer();
  const [outside, inside] = classSizes(n, 2) as [number, number];
  const sample = (count: number, rMin: number, rMax: number): void => {
    for (let i = 0; i < count; i++) {
      const r = uniform(generator, rMin, rMax);
      const angle = uniform(generator, 0, 2 * Math.PI);
      const x = r * Math.sin(angle);
      const y = r * Math.cos(angle);
      const jx = x + uniform(generator, -radius, radius) * noise;
      const jy = y + uniform(generator, -radius, radius) * noise;
      points.push([x, y], Math.hypot(jx, jy) < radius * 0.5 ? 1 : 0);
    }
  };
  sample(inside, 0, radius * 0.5);
  sample(outside, radius * 0.7, radius);
  const { x, y } = points.build(op, generator, labels, 2);
  return new ToyDataset(x, y, 'circle', XY, ['outside', 'inside'], seed);
}

/**
 * Four quadrants, XOR-style (TensorFlow Playground's "Exclusive or"); class 1 where x₁·x₂ ≥ 0.
 *
 * Each coordinate is u ~ U(−5, 5) pushed 0.3 away from 0 (u + 0.3·sign(u), so points lie in
 * [−5.3, −0.3] ∪ (0.3, 5.3)). Label = 1 if (x₁ + ν·v₁)·(x₂ + ν·v₂) ≥ 0 with v ~ U(−5, 5): noise ν
 * jitters the point the label is read at, not the stored point (useful range 0…0.5; default 0).
 * Classes are balanced only on average.
 */
export function xor(options: ToyOptions = {}): ToyDataset {
  const op = 'datasets.xor';
  const { n, noise, seed, labels, generator } = resolveOptions(op, options, [], { noise: 0, labels: 'int' });
  const padding = 0.3;
  const points = new PointBuffer();
  for (let i = 0; i < n; i++) {
    let x = uniform(generator, -5, 5);
    x += x > 0 ? padding : -padding;
    let y = uniform(generator, -5, 5);
    y += y > 0 ? padding : -padding;
    const jx = x + uniform(generator, -5, 5) * noise;
    const jy = y + uniform(generator, -5, 5) * noise;
    points.push([x, y], jx * jy >= 0 ? 1 : 0);
  }
  const { x, y } = points.build(op, generator, labels, 2);
  return new ToyDataset(x, y, 'xor', XY, ['x1·x2 < 0', 'x1·x2 ≥ 0'], seed);
}

/**
 * Gaussian blobs (TensorFlow Playground's "Gaussian", generalised to k classes).
 *
 * Class c of k has its centre at distance 2√2 from the origin, angle 5π/4 + 2πc/k; for k = 2 that is
 * (−2, −2) for class 0 and (2, 2) for class 1, the Playground's blobs. Points are centre + σ·z with
 * z ~ N(0, I) and variance σ² = 0.5 + 7ν (the Playground maps noise ν ∈ [0, 0.5] to variance 0.5…4;
 * default ν = 0). Two classes are nearly linearly separable.
 */
export function gauss(options: MultiClassToyOptions = {}): ToyDataset {
  const op = 'datasets.gauss';
  const { n, noise, seed, labels, generator } = resolveOptions(op, options, ['classes'], {
    noise: 0,
    labels: 'int',
  });
  const k = checkClasses(op, options.classes ?? 2);
  const sigma = Math.sqrt(0.5 + 7 * noise);
  const points = new PointBuffer();
  classSizes(n, k).forEach((count, c) => {
    const angle = (5 * Math.PI) / 4 + (2 * Math.PI * c) / k;
    const cx = 2 * Math.SQRT2 * Math.cos(angle);
    const cy = 2 * Math.SQRT2 * Math.sin(angle);
    for (let i = 0; i < count; i++)
      points.push([cx + sigma * generator.normal(), cy + sigma * generator.normal()], c);
  });
  const { x, y } = points.build(op, generator, labels, k);
  return new ToyDataset(x, y, 'gauss', XY, classNames(k), seed);
}

/**
 * Interleaved spiral arms (TensorFlow Playground's "Spiral", generalised to k arms).
 *
 * Arm c of k with m points: for i = 0…m−1, r = 5·i/m, t = 1.75·2π·i/m + π + 2πc/k, and
 * x = (r·sin t + ν·u₁, r·cos t + ν·u₂) with u ~ U(−1, 1); noise ν is in coordinate units (useful range
 * 0…0.5; default 0). For k = 2, class 1 is the Playground's positive arm (offset 0) and class 0 the
 * negative one (offset π). The hardest set: it needs several hidden layers or extra features.
 */
export function spiral(options: MultiClassToyOptions = {}): ToyDataset {
  const op = 'datasets.spiral';
  const { n, noise, seed, labels, generator } = resolveOptions(op, options, ['classes'], {
    noise: 0,
    labels: 'int',
  });
  const k = checkClasses(op, options.classes ?? 2);
  const points = new PointBuffer();
  classSizes(n, k).forEach((m, c) => {
    const offset = Math.PI + (2 * Math.PI * c) / k;
    for (let i = 0; i < m; i++) {
      const r = (5 * i) / m;
      const t = (1.75 * 2 * Math.PI * i) / m + offset;
      points.push(
        [
          r * Math.sin(t) + uniform(generator, -1, 1) * noise,
          r * Math.cos(t) + uniform(generator, -1, 1) * noise,
        ],
        c,
      );
    }
  });
  const { x, y } = points.build(op, generator, labels, k);
  return new ToyDataset(x, y, 'spiral', XY, classNames(k), seed);
}

/**
 * Two interleaving half circles (sklearn.datasets.make_moons).
 *
 * ⌊n/2⌋ points of class 0 on the upper moon (cos t, sin t) and the rest, class 1, on the lower moon
 * (1 − cos t, 0.5 − sin t), with t evenly spaced over [0, π] on each moon (numpy's linspace), plus
 * Gaussian noise N(0, ν²) on both coordinates (ν in coordinate units, typically 0.1…0.3; default 0).
 * Coordinates stay at sklearn's scale: x₁ ∈ [−1, 2], x₂ ∈ [−0.5, 1] before noise.
 */
export function moons(options: ToyOptions = {}): ToyDataset {
  const op = 'datasets.moons';
  const { n, noise, seed, labels, generator } = resolveOptions(op, options, [], { noise: 0, labels: 'int' });
  const outer = Math.floor(n / 2);
  const inner = n - outer;
  const angle = (i: number, m: number): number => (m > 1 ? (Math.PI * i) / (m - 1) : 0);
  const points = new PointBuffer();
  for (let i = 0; i < outer; i++) {
    const t = angle(i, outer);
    points.push([Math.cos(t) + noise * generator.normal(), Math.sin(t) + noise * generator.normal()], 0);
  }
  for (let i = 0; i < inner; i++) {
    const t = angle(i, inner);
    points.push(
      [1 - Math.cos(t) + noise * generator.normal(), 0.5 - Math.sin(t) + noise * generator.normal()],
      1,
    );
  }
  const { x, y } = points.build(op, generator, labels, 2);
  return new ToyDataset(x, y, 'moons', XY, ['upper moon', 'lower moon'], seed);
}
