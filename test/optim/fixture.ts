// @file Loads test/fixtures/optim.json (written by scripts/fixtures/optim.py) and rebuilds its MLP in neurite.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { linear, nn, optim, type Tensor } from '../../src/index.js';
import { decode, type Encoded } from '../helpers/golden.js';

export interface OptimizerRun {
  name: string;
  optimizer: keyof typeof optimizers;
  options: Record<string, unknown>;
  groups: Record<string, unknown>[] | null;
  losses: number[];
  params: Encoded[];
  state: Record<string, Encoded | number>[];
}

export type SchedulerSpec =
  | { type: 'SequentialLR'; schedulers: SchedulerSpec[]; milestones: number[] }
  | { type: string; options: Record<string, unknown> };

export interface SchedulerRun {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'RMSprop';
  scheduler: SchedulerSpec;
  lrs: number[][];
  momenta: (number | null)[][];
  metrics?: number[];
}

export interface ClipCase {
  kind: 'norm' | 'value';
  maxNorm?: number;
  normType?: number | string;
  clipValue?: number;
  grads: Encoded[];
  totalNorm?: number;
  clipped: Encoded[];
}

export interface OptimFixture {
  torch: string;
  steps: number;
  model: { init: Record<'w1' | 'b1' | 'w2' | 'b2', Encoded>; x: Encoded; y: Encoded };
  optimizers: OptimizerRun[];
  schedulers: SchedulerRun[];
  clip: ClipCase[];
}

const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'optim.json');

export function loadOptimFixture(): OptimFixture {
  return JSON.parse(readFileSync(path, 'utf8')) as OptimFixture;
}

/** Every optimizer class, by name: the contract tests loop over this. */
export const optimizers = {
  SGD: optim.SGD,
  Adam: optim.Adam,
  AdamW: optim.AdamW,
  Adagrad: optim.Adagrad,
  Adadelta: optim.Adadelta,
  RMSprop: optim.RMSprop,
};

type AnyParamsInput = optim.ParamsInput<{ lr: number }>;
type AnyOptimizerClass = new (params: AnyParamsInput, options?: Record<string, unknown>) => optim.Optimizer;

/** Constructs optimizer `name` (the options are passed through untyped, as they come from JSON). */
export function makeOptimizer(
  name: keyof typeof optimizers,
  params: AnyParamsInput,
  options: Record<string, unknown> = {},
) {
  const cls = optimizers[name] as unknown as AnyOptimizerClass;
  return new cls(params, options);
}

/** The fixture's MLP: Linear(3,4)-Tanh-Linear(4,2), MSE loss, built from plain ops on Parameters. */
export class Mlp {
  readonly params: nn.Parameter[];
  private readonly x: Tensor;
  private readonly y: Tensor;

  constructor(model: OptimFixture['model']) {
    this.params = (['w1', 'b1', 'w2', 'b2'] as const).map((k) => new nn.Parameter(decode(model.init[k])));
    this.x = decode(model.x);
    this.y = decode(model.y);
  }

  loss(): Tensor {
    const [w1, b1, w2, b2] = this.params as [Tensor, Tensor, Tensor, Tensor];
    const h = linear(this.x, w1, b1).tanh();
    return linear(h, w2, b2).sub(this.y).square().mean();
  }
}
