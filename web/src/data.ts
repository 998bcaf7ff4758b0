// @file The playground's data: points from neurite's generators or a CSV file, the train/validation split,
// the plotted domain, and the input features the network sees.
import { Generator, data } from 'neurite';
import { multiGaussTarget, planeTarget, regressionPoints } from './regression-data.js';
import {
  numClasses,
  problemOf,
  type FeatureName,
  type Point,
  type ProblemType,
  type Settings,
} from './settings.js';

const { circle, gauss, moons, passTheClass, spiral, xor } = data.datasets;
type ToyDataset = data.datasets.ToyDataset;

/** A rectangle of data coordinates: what the heatmap shows. */
export interface Domain {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

export interface PlaygroundData {
  /** Classification (a point's label is its class index) or regression (its label is the target). */
  task: ProblemType;
  train: Point[];
  validation: Point[];
  /** Number of classes; 1 for regression (one output). */
  classes: number;
  classNames: string[];
  axisNames: [string, string];
  domain: Domain;
  /** The network's inputs are u = (x − center) / scale, per axis. */
  center: [number, number];
  scale: [number, number];
}

const TOY_DOMAIN: Domain = { xMin: -6, xMax: 6, yMin: -6, yMax: 6 };

function toyPoints(dataset: ToyDataset): Point[] {
  const x = dataset.x.dataSync();
  const y = dataset.y.dataSync();
  return Array.from({ length: dataset.length }, (_, i) => ({ x: x[2 * i]!, y: x[2 * i + 1]!, label: y[i]! }));
}

function classNameList(k: number): string[] {
  return Array.from({ length: k }, (_, c) => `class ${c}`);
}

function bounds(points: readonly Point[]): Domain {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const pad = (min: number, max: number): [number, number] => {
    const margin = (max - min) * 0.1 || 1;
    return [min - margin, max + margin];
  };
  const [xMin, xMax] = pad(Math.min(...xs), Math.max(...xs));
  const [yMin, yMax] = pad(Math.min(...ys), Math.max(...ys));
  return { xMin, xMax, yMin, yMax };
}

function meanStd(values: readonly number[]): [number, number] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return [mean, Math.sqrt(variance) || 1];
}

type Source = Omit<PlaygroundData, 'train' | 'validation'> & { points: Point[] };

/** The points of the chosen generator (or CSV file) before the split, with how to plot and encode them. */
function source(settings: Settings): Source {
  const options = { n: settings.points, seed: settings.seed, labels: 'int' as const };
  const noise = settings.noise / 100;
  const toy = (dataset: ToyDataset): Source => ({
    task: 'classification',
    points: toyPoints(dataset),
    classes: dataset.numClasses,
    classNames: [...dataset.classNames],
    axisNames: ['x₁', 'x₂'],
    domain: TOY_DOMAIN,
    center: [0, 0],
    scale: [1, 1],
  });
  switch (settings.dataset) {
    case 'circle':
      return toy(circle({ ...options, noise }));
    case 'xor':
      return toy(xor({ ...options, noise }));
    case 'gauss':
      return toy(gauss({ ...options, noise, classes: settings.classes }));
    case 'spiral':
      return toy(spiral({ ...options, noise, classes: settings.classes }));
    case 'moons':
      return {
        ...toy(moons({ ...options, noise })),
        domain: { xMin: -1.75, xMax: 2.75, yMin: -2, yMax: 2.5 },
        center: [0.5, 0.25],
        scale: [0.75, 0.75],
      };
    case 'plane':
    case 'multigauss':
      return {
        task: 'regression',
        points: regressionPoints(
          settings.dataset === 'plane' ? planeTarget : multiGaussTarget,
          settings.points,
          noise,
          settings.seed,
        ),
        classes: 1,
        classNames: [],
        axisNames: ['x₁', 'x₂'],
        domain: TOY_DOMAIN,
        center: [0, 0],
        scale: [1, 1],
      };
    case 'pass': {
      // Raw units on the axes (lectures 0…12, hours 0…12); the network sees them standardized.
      // The noise slider is the label temperature τ/25: 25 % gives the lecture's τ = 1, 0 % a clean rule.
      const dataset = passTheClass({ ...options, noise: settings.noise / 25, standardize: false });
      return {
        task: 'classification',
        points: toyPoints(dataset),
        classes: 2,
        classNames: ['fail', 'pass'],
        axisNames: ['lectures attended', 'hours on final project'],
        domain: { xMin: -1, xMax: 13, yMin: -1, yMax: 13 },
        center: [passTheClass.mean[0], passTheClass.mean[1]],
        scale: [passTheClass.std[0], passTheClass.std[1]],
      };
    }
    case 'csv': {
      const csv = settings.csv;
      if (!csv || csv.points.length === 0) throw new Error('no CSV data set is loaded');
      const [cx, sx] = meanStd(csv.points.map((p) => p.x));
      const [cy, sy] = meanStd(csv.points.map((p) => p.y));
      const k = numClasses(settings);
      return {
        task: 'classification',
        points: csv.points,
        classes: k,
        classNames: csv.classNames.length >= k ? csv.classNames : classNameList(k),
        axisNames: csv.axisNames,
        domain: bounds(csv.points),
        center: [cx, cy],
        scale: [sx, sy],
      };
    }
  }
}

/**
 * Builds the data set of `settings`: the generator's points split at random (seeded) into
 * trainPercent % training and the rest validation, plus the clicked points, which always train.
 */
export function buildData(settings: Settings): PlaygroundData {
  const { points, ...rest } = source(settings);
  const order = new Generator(settings.seed + 7919).permutation(points.length);
  const trainCount = Math.round((points.length * settings.trainPercent) / 100);
  const train: Point[] = [];
  const validation: Point[] = [];
  for (let i = 0; i < points.length; i++) (i < trainCount ? train : validation).push(points[order[i]!]!);
  if (problemOf(settings.dataset) === 'classification') {
    for (const p of settings.added) if (p.label < rest.classes) train.push(p);
  }
  return { ...rest, train, validation };
}

/** The values of the chosen features at normalized inputs (u₁, u₂). */
export function featureValues(features: readonly FeatureName[], u1: number, u2: number): number[] {
  return features.map((f) => {
    switch (f) {
      case 'x1':
        return u1;
      case 'x2':
        return u2;
      case 'x1sq':
        return u1 * u1;
      case 'x2sq':
        return u2 * u2;
      case 'x1x2':
        return u1 * u2;
      case 'sinx1':
        return Math.sin(u1);
      case 'sinx2':
        return Math.sin(u2);
    }
  });
}

/** Feature rows (float32, row-major [points, features]) of data-space points. */
export function encodePoints(
  data: Pick<PlaygroundData, 'center' | 'scale'>,
  features: readonly FeatureName[],
  points: readonly { x: number; y: number }[],
): Float32Array {
  const out = new Float32Array(points.length * features.length);
  points.forEach((p, i) => {
    const u1 = (p.x - data.center[0]) / data.scale[0];
    const u2 = (p.y - data.center[1]) / data.scale[1];
    out.set(featureValues(features, u1, u2), i * features.length);
  });
  return out;
}

/** The centres of a size×size grid over `domain`, row by row from the top (y max) down. */
export function gridPoints(domain: Domain, size: number): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (let row = 0; row < size; row++) {
    const y = domain.yMax - ((row + 0.5) / size) * (domain.yMax - domain.yMin);
    for (let col = 0; col < size; col++) {
      out.push({ x: domain.xMin + ((col + 0.5) / size) * (domain.xMax - domain.xMin), y });
    }
  }
  return out;
}
