// @file The optimizer fixture's MLP, optimizer registry and replay (test/fixtures/optim.json): shared by the Node suites and the WebGPU page.
import { linear, nn, optim, type Tensor } from '../../../src/index.js';
import type { Encoded } from '../../helpers/golden.js';

export interface OptimizerRun {
  name: string;
  optimizer: keyof typeof optimizers;
  options: Record<string, unknown>;
  groups: Record<string, unknown>[] | null;
  losses: number[];
  params: Encoded[];
  state: Record<string, Encoded | number>[];
}

/** The fixture's model: initial weights and the batch it fits. */
export interface OptimModel {
  init: Record<'w1' | 'b1' | 'w2' | 'b2', Encoded>;
  x: Encoded;
  y: Encoded;
}

export type DecodeEncoded = (e: Encoded) => Tensor;

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

  constructor(model: OptimModel, decode: DecodeEncoded) {
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

/** How a replay decodes and compares (the Node suites assert with vitest; the WebGPU page reads with await). */
export interface OptimChecks {
  decode: DecodeEncoded;
  close(
    actual: Tensor,
    expected: Encoded,
    what: string,
    tol: { rtol: number; atol: number },
  ): void | Promise<void>;
  read(t: Tensor): ArrayLike<number> | Promise<ArrayLike<number>>;
  fail(message: string): void;
}

const TOLERANCE = { rtol: 1e-4, atol: 1e-5 };

function paramsInput(mlp: Mlp, run: OptimizerRun) {
  if (!run.groups) return mlp.params;
  const [g1, g2] = run.groups as [Record<string, unknown>, Record<string, unknown>];
  return [
    { params: mlp.params.slice(0, 2), ...g1 },
    { params: mlp.params.slice(2, 4), ...g2 },
  ];
}

/**
 * Replays one fixture run on the active backend: `steps` optimizer steps on the MLP, then compares the losses
 * (kept as tensors and read once at the end, so nothing is read synchronously per step), the final parameters
 * and the optimizer state (numbers exactly, tensors within tolerance and float32) with torch.optim's.
 */
export async function replayOptimizerRun(
  model: OptimModel,
  steps: number,
  run: OptimizerRun,
  checks: OptimChecks,
): Promise<void> {
  const mlp = new Mlp(model, checks.decode);
  const opt = makeOptimizer(run.optimizer, paramsInput(mlp, run), run.options);
  const losses: Tensor[] = [];
  for (let step = 0; step < steps; step++) {
    opt.zeroGrad();
    const loss = mlp.loss();
    loss.backward();
    losses.push(loss.detach());
    opt.step();
  }
  for (const [i, loss] of losses.entries()) {
    const l = (await checks.read(loss))[0]!;
    const e = run.losses[i]!;
    if (!(Math.abs(l - e) <= TOLERANCE.atol + TOLERANCE.rtol * Math.abs(e))) {
      checks.fail(`loss at step ${i}: ${l} vs ${e}`);
    }
  }
  for (const [i, p] of mlp.params.entries()) await checks.close(p, run.params[i]!, `param ${i}`, TOLERANCE);
  for (const [i, p] of mlp.params.entries()) {
    const expected = run.state[i]!;
    const actual = opt.state.get(p) ?? {};
    const keys = Object.keys(actual).sort().join();
    if (keys !== Object.keys(expected).sort().join()) {
      checks.fail(`state keys of param ${i}: ${keys}, expected ${Object.keys(expected).sort().join()}`);
    }
    for (const [key, value] of Object.entries(expected)) {
      const t = actual[key];
      if (typeof value === 'number') {
        if (t !== value) checks.fail(`${key} of param ${i}: ${String(t)}, expected ${value}`);
      } else if (t === undefined || typeof t === 'number') checks.fail(`${key} of param ${i}: not a tensor`);
      else {
        await checks.close(t as Tensor, value, `${key} of param ${i}`, TOLERANCE);
        if ((t as Tensor).dtype !== 'float32')
          checks.fail(`${key} of param ${i}: dtype ${(t as Tensor).dtype}`);
      }
    }
  }
}
