// @file `npx tsx bench/tiny-step.ts`: per-op overhead on tiny networks — training steps per second of the
// lecture's 2-3-1 net (Linear-ReLU-Linear, BCEWithLogitsLoss, Adam, batch 64), and one step of an MLP
// 784-256-128-10 (cross-entropy, Adam, batch 64) as a check that large steps do not regress.
//
// Usage: npx tsx bench/tiny-step.ts [--budget=MS] [--only=js|wasm] [--profile=SECONDS]
// Workloads are warmed up, then timed in 3 interleaved rounds (js, wasm, js, wasm, …) so that a burst of load
// from other processes hits both backends; the best batch is reported (the machine is shared).
// --profile runs only the tiny step on the backend of --only (default: the active one) for SECONDS, for
// `node --import tsx --cpu-prof bench/tiny-step.ts --profile=5`.
import os from 'node:os';
import {
  getBackend,
  manualSeed,
  nn,
  optim,
  rand,
  randint,
  randn,
  setBackend,
  type Tensor,
} from '../src/index.js';
import { combine, timeBatches, type Timing } from './timing.js';

const ROUNDS = 3;
const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const BUDGET_MS = Number(arg('budget') ?? 400);
const only = arg('only');
const backends = (only ? [only] : ['js', 'wasm']) as ('js' | 'wasm')[];

/** A full training step (zeroGrad, forward, loss, backward, step) of a fresh model, inputs fixed. */
function trainingStep(
  model: nn.Module<[Tensor], Tensor>,
  lossFn: nn.Module<[Tensor, Tensor], Tensor>,
  x: Tensor,
  y: Tensor,
): () => Tensor {
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  return () => {
    opt.zeroGrad();
    const loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss;
  };
}

function tinyStep(): () => Tensor {
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
  const x = randn([64, 2]);
  const y = rand([64, 1]).gt(0.5).float();
  return trainingStep(model, new nn.BCEWithLogitsLoss(), x, y);
}

function mlpStep(): () => Tensor {
  manualSeed(0);
  const model = new nn.Sequential(
    new nn.Linear(784, 256),
    new nn.ReLU(),
    new nn.Linear(256, 128),
    new nn.ReLU(),
    new nn.Linear(128, 10),
  );
  return trainingStep(model, new nn.CrossEntropyLoss(), randn([64, 784]), randint(0, 10, [64]));
}

/** Times one step function per backend in interleaved rounds; each backend gets its own model and optimizer. */
function race(make: () => () => Tensor): Record<string, Timing> {
  const steps = Object.fromEntries(
    backends.map((name) => {
      const step = make();
      return [name, () => (setBackend(name), void step())] as const;
    }),
  );
  const rounds: Record<string, Timing[]> = Object.fromEntries(backends.map((n) => [n, []]));
  for (const name of backends) timeBatches(steps[name]!, () => {}, 200); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of backends) rounds[name]!.push(timeBatches(steps[name]!, () => {}, BUDGET_MS));
  }
  return Object.fromEntries(backends.map((n) => [n, combine(rounds[n]!)]));
}

const profileSeconds = arg('profile');
if (profileSeconds !== undefined) {
  if (only) setBackend(only);
  const step = tinyStep();
  const end = performance.now() + Number(profileSeconds) * 1000;
  let count = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) step();
    count += 1000;
  }
  console.log(`profiled ${count} tiny steps on ${getBackend()}`);
} else {
  console.log(
    `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, node ${process.version}; best of ${ROUNDS} rounds, ${BUDGET_MS} ms each`,
  );
  const tiny = race(tinyStep);
  console.log('\n2-3-1 net, BCEWithLogitsLoss, Adam, batch 64: full training step');
  for (const name of backends) {
    const { bestMs, medianMs } = tiny[name]!;
    console.log(
      `  ${name.padEnd(5)} ${Math.round(1000 / bestMs)
        .toString()
        .padStart(7)} steps/s  (${(bestMs * 1000).toFixed(1)} µs; median ${(medianMs * 1000).toFixed(1)} µs)`,
    );
  }
  const mlp = race(mlpStep);
  console.log('\nMLP 784-256-128-10, cross-entropy, Adam, batch 64: full training step');
  for (const name of backends) {
    const { bestMs, medianMs } = mlp[name]!;
    console.log(`  ${name.padEnd(5)} ${bestMs.toFixed(2)} ms (median ${medianMs.toFixed(2)})`);
  }
}
