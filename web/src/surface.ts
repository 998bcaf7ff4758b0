// @file The loss-surface view's computations (run in the worker, tested in Node): a 2-D problem (a classic test
// function, or two weights of the current network with every other parameter held at its current value), its
// values on a grid, and the path each real neurite optimizer takes on it.
import { Tensor, ValueError, nn, noGrad, stack, tensor, viz } from 'neurite';
import type { LayerWeights } from './protocol.js';
import { ReadBatch } from './read-batch.js';

/** A 2-D problem as neurite's test functions describe one: z = f(x, y) over a range, a start, known minima. */
export type SurfaceFunction = viz.TestFunction;

export const TEST_SURFACES = ['bowl', 'valley', 'localMinima', 'saddle'] as const;
export type TestSurfaceName = (typeof TEST_SURFACES)[number];
export const SURFACES = ['network', ...TEST_SURFACES] as const;
export type SurfaceName = (typeof SURFACES)[number];

export const SURFACE_LABELS: Record<SurfaceName, string> = {
  network: 'This network: two weights',
  bowl: 'Convex bowl',
  valley: 'Ill-conditioned valley (Rosenbrock)',
  localMinima: 'Several local minima',
  saddle: 'Saddle point',
};

/** The balls: one per optimizer (SGD twice, plain and with momentum 0.9). */
export const DESCENT_OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop', 'adagrad', 'adadelta'] as const;
export type DescentOptimizer = (typeof DESCENT_OPTIMIZERS)[number];

export const DESCENT_LABELS: Record<DescentOptimizer, string> = {
  sgd: 'SGD',
  momentum: 'Momentum 0.9',
  adam: 'Adam',
  rmsprop: 'RMSprop',
  adagrad: 'Adagrad',
  adadelta: 'Adadelta',
};

/**
 * Learning rates the balls start with on each surface: rates at which each optimizer's character shows within a
 * few hundred steps (on the local-minima surface momentum rolls on into the deepest well, the others stop in
 * the nearest one; on the valley plain SGD must crawl or it diverges).
 */
export const DESCENT_DEFAULT_LR: Record<SurfaceName, Record<DescentOptimizer, number>> = {
  network: { sgd: 0.3, momentum: 0.03, adam: 0.03, rmsprop: 0.01, adagrad: 0.3, adadelta: 3 },
  bowl: { sgd: 0.03, momentum: 0.003, adam: 0.03, rmsprop: 0.01, adagrad: 0.1, adadelta: 3 },
  valley: { sgd: 0.001, momentum: 0.001, adam: 0.1, rmsprop: 0.01, adagrad: 1, adadelta: 10 },
  localMinima: { sgd: 0.03, momentum: 0.1, adam: 0.1, rmsprop: 0.01, adagrad: 0.3, adadelta: 3 },
  saddle: { sgd: 0.03, momentum: 0.003, adam: 0.03, rmsprop: 0.01, adagrad: 0.1, adadelta: 3 },
};

/** The learning rates the page offers. */
export const DESCENT_LR_CHOICES = [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30];

/** Optimizer steps computed per path (the page reveals them one by one). */
export const DESCENT_STEPS = 300;

/** One scalar parameter of the playground's network: a state-dict key (`2.weight`) and a flat index into it. */
export interface WeightRef {
  param: string;
  index: number;
}

/** What the network slice needs from the trainer: the model, the training split and the training loss. */
export interface SliceSource {
  model: nn.Sequential;
  x: Tensor;
  target: Tensor;
  loss: (logits: Tensor, target: Tensor) => Tensor;
}

/** A scalar's name as PyTorch indexes it: `0.weight[1, 0]`, `2.bias[3]`. */
export function weightLabel(ref: WeightRef, shape: readonly number[]): string {
  if (shape.length === 2) {
    const cols = shape[1]!;
    return `${ref.param}[${Math.floor(ref.index / cols)}, ${ref.index % cols}]`;
  }
  return `${ref.param}[${ref.index}]`;
}

/**
 * The training loss as a function of two scalars of the network, every other parameter held at its value now:
 * L(a, b) = loss(model with θ_A = a and θ_B = b, training set), evaluated in eval mode (no dropout). The weights
 * are copied, so training on does not change the slice. `f` takes 0-d tensors only (see {@link surfaceGrid}).
 * The drawn range is centred on the current values (the start), at least ±5 and twice the larger |value|.
 */
export function networkSlice(source: SliceSource, refs: readonly [WeightRef, WeightRef]): SurfaceFunction {
  const children = [...source.model];
  const params = new Map(source.model.namedParameters());
  const start: [number, number] = [0, 0];
  refs.forEach((ref, k) => {
    const p = params.get(ref.param);
    if (!p || !Number.isInteger(ref.index) || ref.index < 0 || ref.index >= p.numel()) {
      throw new ValueError(
        'networkSlice',
        `no scalar ${ref.param}[${ref.index}] in the network (parameters: ${[...params.keys()].join(', ')})`,
      );
    }
    start[k] = p.dataSync()[ref.index]!;
  });
  if (refs[0].param === refs[1].param && refs[0].index === refs[1].index)
    throw new ValueError(
      'networkSlice',
      `the two weights must differ, got ${refs[0].param}[${refs[0].index}] twice`,
    );

  /** Per parameter key: its frozen value with the chosen entries zeroed, and one-hot tensors for them. */
  const substituted = new Map<string, { base: Tensor; onehots: (Tensor | null)[] }>();
  for (const [name, p] of params) {
    // A copy of the values (later training does not move the slice), the chosen entries zeroed.
    const frozen = Float32Array.from(p.dataSync());
    const onehots = refs.map((ref) => {
      if (ref.param !== name) return null;
      frozen[ref.index] = 0;
      const onehot = new Float32Array(p.numel());
      onehot[ref.index] = 1;
      return new Tensor(onehot, [...p.shape]);
    });
    substituted.set(name, { base: new Tensor(frozen, [...p.shape]), onehots });
  }
  const value = (name: string, a: Tensor, b: Tensor): Tensor => {
    const entry = substituted.get(name)!;
    let out = entry.base;
    const [onehotA, onehotB] = entry.onehots;
    if (onehotA) out = out.add(onehotA.mul(a));
    if (onehotB) out = out.add(onehotB.mul(b));
    return out;
  };

  const half = Math.max(5, 2 * Math.max(Math.abs(start[0]), Math.abs(start[1])));
  const labels = refs.map((ref) => weightLabel(ref, params.get(ref.param)!.shape));
  return {
    name: 'network',
    label: `training loss over ${labels[0]} and ${labels[1]}`,
    f: (a, b) => {
      let h = source.x;
      children.forEach((child, i) => {
        if (child instanceof nn.Linear) {
          const bias = child.bias ? value(`${i}.bias`, a, b) : null;
          h = nn.functional.linear(h, value(`${i}.weight`, a, b), bias);
        } else if (!(child instanceof nn.Dropout)) h = child.forward(h);
      });
      return source.loss(h, source.target);
    },
    xRange: [start[0] - half, start[0] + half],
    yRange: [start[1] - half, start[1] + half],
    start,
    minima: [],
  };
}

/** The centre of cell i of n equal cells covering [min, max] (cell 0 at min). */
export function cellCentre(range: readonly [number, number], n: number, i: number): number {
  return range[0] + ((i + 0.5) / n) * (range[1] - range[0]);
}

/**
 * f on a size × size grid of cell centres, row-major with row 0 at the top (largest y), as float32. Test
 * functions are elementwise and are evaluated in one call on the whole grid; the network slice takes scalars,
 * so it is evaluated point by point (without recording a graph) and the values stacked: either way one read.
 */
export async function surfaceGrid(fn: SurfaceFunction, size: number): Promise<Float32Array> {
  const cells = size * size;
  const xs = new Float32Array(cells);
  const ys = new Float32Array(cells);
  for (let row = 0; row < size; row++) {
    const y = cellCentre(fn.yRange, size, size - 1 - row);
    for (let col = 0; col < size; col++) {
      xs[row * size + col] = cellCentre(fn.xRange, size, col);
      ys[row * size + col] = y;
    }
  }
  const grid = noGrad(() => {
    if (fn.name !== 'network') return fn.f(new Tensor(xs, [cells]), new Tensor(ys, [cells]));
    return stack(Array.from({ length: cells }, (_, i) => fn.f(tensor(xs[i]!), tensor(ys[i]!))));
  });
  const batch = new ReadBatch();
  const values = batch.add(grid);
  await batch.read();
  return Float32Array.from(values());
}

/** One ball's path: (x, y) before the first step and after each, interleaved, and the loss at each point. */
export interface Trajectory {
  optimizer: DescentOptimizer;
  lr: number;
  /** x₀, y₀, x₁, y₁, …: one point more than steps taken. */
  points: Float32Array;
  losses: Float32Array;
  /** The loss or a coordinate became non-finite; the path stops there. */
  diverged: boolean;
}

/**
 * The path of one optimizer on f from `start`, by `viz.runOptimizerOnFunctionAsync` (the real optim.* class,
 * exactly as a training loop: zeroGrad, f(x, y).backward(), step; read once at the end, so it runs on webgpu too).
 * 'momentum' is SGD with momentum 0.9.
 */
export async function descend(
  fn: SurfaceFunction,
  optimizer: DescentOptimizer,
  lr: number,
  start: readonly [number, number],
  steps = DESCENT_STEPS,
): Promise<Trajectory> {
  const name = optimizer === 'momentum' ? 'sgd' : optimizer;
  const path = await viz.runOptimizerOnFunctionAsync(fn, name, {
    steps,
    lr,
    start: [start[0], start[1]],
    momentum: optimizer === 'momentum' ? 0.9 : 0,
  });
  const points = new Float32Array(path.points.length * 2);
  path.points.forEach(([x, y], i) => {
    points[2 * i] = x;
    points[2 * i + 1] = y;
  });
  return { optimizer, lr, points, losses: Float32Array.from(path.losses), diverged: path.diverged };
}

/** What the page asks the worker to draw: a test function, or two weights of the network. */
export type SurfaceRequest =
  { surface: TestSurfaceName } | { surface: 'network'; weights: [WeightRef, WeightRef] };

/** A problem ready to draw and descend: the function and its axis names. */
export interface SurfaceProblem {
  fn: SurfaceFunction;
  axisNames: [string, string];
}

export function buildProblem(request: SurfaceRequest, source: SliceSource): SurfaceProblem {
  if (request.surface !== 'network') return { fn: viz.testFunctions[request.surface], axisNames: ['x', 'y'] };
  const shapes = new Map(source.model.namedParameters().map(([name, p]) => [name, p.shape]));
  const [a, b] = request.weights;
  return {
    fn: networkSlice(source, request.weights),
    axisNames: [weightLabel(a, shapes.get(a.param) ?? []), weightLabel(b, shapes.get(b.param) ?? [])],
  };
}

/** A scalar of the network the page offers for the slice. */
export interface WeightChoice {
  ref: WeightRef;
  label: string;
  /** Where the snapshot's `weights` list holds it: the Linear layer (0 = first) and weight or bias. */
  layer: number;
  kind: 'weight' | 'bias';
}

/** The value of a chosen scalar in a snapshot's weights (null when the network has no such entry). */
export function valueIn(weights: readonly LayerWeights[], choice: WeightChoice): number | null {
  const layer = weights[choice.layer];
  return (choice.kind === 'weight' ? layer?.weight : layer?.bias)?.[choice.ref.index] ?? null;
}

/**
 * Every weight and bias of the playground's network (as `buildModel` lays it out: Linear, activation and
 * optionally Dropout per hidden layer, then the output Linear), named by state-dict key and index.
 */
export function weightChoices(
  featureCount: number,
  hiddenUnits: readonly number[],
  dropout: boolean,
  outputs: number,
): WeightChoice[] {
  const choices: WeightChoice[] = [];
  const widths = [featureCount, ...hiddenUnits, outputs];
  const stride = dropout ? 3 : 2;
  for (let layer = 0; layer + 1 < widths.length; layer++) {
    const inputs = widths[layer]!;
    const units = widths[layer + 1]!;
    const child = layer * stride;
    for (let index = 0; index < units * inputs; index++) {
      const ref = { param: `${child}.weight`, index };
      choices.push({ ref, label: weightLabel(ref, [units, inputs]), layer, kind: 'weight' });
    }
    for (let index = 0; index < units; index++) {
      const ref = { param: `${child}.bias`, index };
      choices.push({ ref, label: weightLabel(ref, [units]), layer, kind: 'bias' });
    }
  }
  return choices;
}

/** What the page keeps of the view in its URL: whether it is shown, the surface, and the network's two weights. */
export interface SurfaceUrlState {
  shown: boolean;
  surface: SurfaceName;
  weights: [WeightRef, WeightRef] | null;
}

/**
 * URL parameters of the view (`view=surface&surface=localMinima`, `sw=0.weight_0~0.weight_1` for the network's
 * weights); empty when the decision boundary is shown, so existing links stay as they were.
 */
export function surfaceToQuery(state: SurfaceUrlState): string {
  if (!state.shown) return '';
  const q = new URLSearchParams({ view: 'surface', surface: state.surface });
  if (state.surface === 'network' && state.weights)
    q.set('sw', state.weights.map((w) => `${w.param}_${w.index}`).join('~'));
  return q.toString();
}

/** The view's state from a query string; anything missing or invalid gives the default (hidden, network). */
export function surfaceFromQuery(query: string): SurfaceUrlState {
  const q = new URLSearchParams(query);
  const name = q.get('surface');
  const surface = (SURFACES as readonly string[]).includes(name ?? '') ? (name as SurfaceName) : 'network';
  const refs = (q.get('sw') ?? '').split('~').map((item): WeightRef | null => {
    const match = /^(\d+\.(?:weight|bias))_(\d+)$/.exec(item);
    return match ? { param: match[1]!, index: Number(match[2]) } : null;
  });
  const [a, b] = refs;
  return {
    shown: q.get('view') === 'surface',
    surface,
    weights: a && b && refs.length === 2 ? [a, b] : null,
  };
}
