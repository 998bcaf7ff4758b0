// @file Loads test/fixtures/optim.json (written by scripts/fixtures/optim.py) and rebuilds its MLP in neurite.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, type Encoded } from '../helpers/golden.js';
import { Mlp as MlpOn, type OptimModel, type OptimizerRun } from './runners/optim.js';

export { makeOptimizer, optimizers, type OptimizerRun } from './runners/optim.js';

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
  model: OptimModel;
  optimizers: OptimizerRun[];
  schedulers: SchedulerRun[];
  clip: ClipCase[];
}

const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'optim.json');

export function loadOptimFixture(): OptimFixture {
  return JSON.parse(readFileSync(path, 'utf8')) as OptimFixture;
}

/** The fixture's MLP with tensors decoded for the Node suites. */
export class Mlp extends MlpOn {
  constructor(model: OptimModel) {
    super(model, decode);
  }
}
