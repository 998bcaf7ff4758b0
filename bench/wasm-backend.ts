// @file `npx tsx bench/wasm-backend.ts`: the js and wasm backends side by side in one process (matmul GFLOPS at
// 128…1024 with TensorFlow.js's wasm backend as the yardstick, and one MLP training step), interleaved rounds.
//
// Usage: npx tsx bench/wasm-backend.ts [--budget=MS] (each backend's timing budget per case and round, default 400).
import os from 'node:os';
import { manualSeed, matmul, nn, optim, randint, randn, setBackend, type Tensor } from '../src/index.js';
import { initTfjs, tf, useBackend } from './tfjs.js';
import { combine, timeBatches, type Timing } from './timing.js';

const ROUNDS = 3;
const budgetArg = process.argv.find((a) => a.startsWith('--budget='));
const BUDGET_MS = budgetArg ? Number(budgetArg.slice('--budget='.length)) : 400;
const BACKENDS = ['js', 'wasm'] as const;

/** Times each named workload in ROUNDS interleaved rounds (so bursts of load hit all), best batch reported. */
function race(workloads: Record<string, { run: () => void; finish: () => void }>): Record<string, Timing> {
  const names = Object.keys(workloads);
  const rounds: Record<string, Timing[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) timeBatches(workloads[name]!.run, workloads[name]!.finish, 50); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) rounds[name]!.push(timeBatches(workloads[name]!.run, workloads[name]!.finish, BUDGET_MS));
  }
  return Object.fromEntries(names.map((n) => [n, combine(rounds[n]!)]));
}

/** Runs `op` on the given neurite backend (the backend is switched per call, so rounds can interleave). */
function onBackend(name: (typeof BACKENDS)[number], op: () => unknown) {
  return {
    run: () => {
      setBackend(name);
      op();
    },
    finish: () => {},
  };
}

await initTfjs();
await useBackend('wasm');
console.log(`${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, node ${process.version}; float32, best of ${ROUNDS} rounds`);
console.log('\nmatmul n×n·n×n (GFLOPS)      js      wasm    tfjs-wasm   wasm/js  wasm/tfjs');
for (const n of [128, 256, 512, 1024]) {
  const a = randn([n, n]);
  const b = randn([n, n]);
  const ta = tf.randomNormal([n, n]);
  const tb = tf.randomNormal([n, n]);
  let last: tf.Tensor | null = null;
  const timings = race({
    js: onBackend('js', () => matmul(a, b)),
    wasm: onBackend('wasm', () => matmul(a, b)),
    tfjs: {
      run: () => {
        last?.dispose();
        last = tf.matMul(ta, tb);
      },
      finish: () => void last?.dataSync(),
    },
  });
  const gflops = (t: Timing) => (2 * n ** 3) / t.bestMs / 1e6;
  const [js, wasm, tfjs] = [gflops(timings.js!), gflops(timings.wasm!), gflops(timings.tfjs!)];
  console.log(
    `${String(n).padStart(5)}                     ${js.toFixed(1).padStart(6)}  ${wasm.toFixed(1).padStart(8)}  ${tfjs.toFixed(1).padStart(9)}  ${(wasm / js).toFixed(2).padStart(8)}  ${(wasm / tfjs).toFixed(2).padStart(9)}`,
  );
  last?.dispose();
  tf.dispose([ta, tb]);
}

// One training step of an MLP 784-256-128-10 on a batch of 64 with Adam: forward, cross-entropy, backward, step.
manualSeed(0);
const model = new nn.Sequential(
  new nn.Linear(784, 256),
  new nn.ReLU(),
  new nn.Linear(256, 128),
  new nn.ReLU(),
  new nn.Linear(128, 10),
);
const lossFn = new nn.CrossEntropyLoss();
const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
const x = randn([64, 784]);
const y = randint(0, 10, [64]);
const step = (): Tensor => {
  opt.zeroGrad();
  const loss = lossFn.forward(model.forward(x), y);
  loss.backward();
  opt.step();
  return loss;
};
const steps = race({ js: onBackend('js', step), wasm: onBackend('wasm', step) });
console.log('\nMLP 784-256-128-10, batch 64, Adam: one training step (ms)');
for (const name of BACKENDS) console.log(`  ${name.padEnd(5)} ${steps[name]!.bestMs.toFixed(3)} ms (median ${steps[name]!.medianMs.toFixed(3)})`);
console.log(`  wasm/js speed-up ${(steps.js!.bestMs / steps.wasm!.bestMs).toFixed(2)}×`);
