// @file `npx tsx bench/wasm-backend.ts`: neurite's js and wasm backends side by side in one process — matmul
// GFLOPS at 128…1024 with TensorFlow.js's wasm backend as the yardstick, and one MLP training step.
//
// Usage: npx tsx bench/wasm-backend.ts [--budget=MS] (timing budget per workload and round, default 400).
// Workloads are warmed up, then timed in 3 interleaved rounds (best batch reported). tfjs-wasm starts last:
// growing its memory detaches an ArrayBuffer, which slows all typed-array code in the process (see index.ts),
// so neurite's wasm matmul is timed again next to it ("wasm, detached").
import os from 'node:os';
import { manualSeed, matmul, nn, optim, randint, randn, setBackend, type Tensor } from '../src/index.js';
import { initTfjs, initWasm, tf, type TfTensor } from './tfjs.js';
import { combine, timeBatches, type Timing } from './timing.js';

const ROUNDS = 3;
const budgetArg = process.argv.find((a) => a.startsWith('--budget='));
const BUDGET_MS = budgetArg ? Number(budgetArg.slice('--budget='.length)) : 400;
const SIZES = [128, 256, 512, 1024];

interface Workload {
  run(): void;
  finish(): void;
}

/** Times each workload in ROUNDS interleaved rounds (so bursts of load hit all of them); best batch reported. */
function race(workloads: Record<string, Workload>): Record<string, Timing> {
  const names = Object.keys(workloads);
  const rounds: Record<string, Timing[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) timeBatches(workloads[name]!.run, workloads[name]!.finish, 100); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      rounds[name]!.push(timeBatches(workloads[name]!.run, workloads[name]!.finish, BUDGET_MS));
    }
  }
  return Object.fromEntries(names.map((n) => [n, combine(rounds[n]!)]));
}

/** Runs `op` on a neurite backend (selected per call, so that rounds can interleave backends). */
function onBackend(name: 'js' | 'wasm', op: () => unknown): Workload {
  return {
    run: () => {
      setBackend(name);
      op();
    },
    finish: () => {},
  };
}

const gflops = (n: number, t: Timing) => (2 * n ** 3) / t.bestMs / 1e6;
const fmt = (x: number, width = 8) => x.toFixed(1).padStart(width);

console.log(
  `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, node ${process.version}; float32, best of ${ROUNDS} rounds`,
);

// Phase 1: neurite only (no ArrayBuffer detached yet).
const operands = SIZES.map((n) => [randn([n, n]), randn([n, n])] as const);
const matmulTimes = SIZES.map((n, i) => {
  const [a, b] = operands[i]!;
  return race({ js: onBackend('js', () => matmul(a, b)), wasm: onBackend('wasm', () => matmul(a, b)) });
});

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

// A small CNN on MNIST-sized images (conv 3×3 → ReLU → max-pool, twice, then a linear layer), batch 32, Adam.
const cnn = new nn.Sequential(
  new nn.Conv2d(1, 16, 3, { padding: 1 }),
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  new nn.Conv2d(16, 32, 3, { padding: 1 }),
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  new nn.Flatten(),
  new nn.Linear(32 * 7 * 7, 10),
);
const cnnOpt = new optim.Adam(cnn.parameters(), { lr: 1e-3 });
const images = randn([32, 1, 28, 28]);
const labels = randint(0, 10, [32]);
const cnnStep = (): Tensor => {
  cnnOpt.zeroGrad();
  const loss = lossFn.forward(cnn.forward(images), labels);
  loss.backward();
  cnnOpt.step();
  return loss;
};
const cnnSteps = race({ js: onBackend('js', cnnStep), wasm: onBackend('wasm', cnnStep) });

// Phase 2: tfjs-wasm, and neurite's wasm matmul again in the same (detached) state.
await initTfjs();
const wasmInfo = await initWasm();
const tfjsTimes = SIZES.map((n, i) => {
  const [a, b] = operands[i]!;
  const ta = tf.randomNormal([n, n]);
  const tb = tf.randomNormal([n, n]);
  const result: { last: TfTensor | null } = { last: null };
  const times = race({
    tfjs: {
      run: () => {
        result.last?.dispose();
        result.last = tf.matMul(ta, tb);
      },
      finish: () => void result.last?.dataSync(),
    },
    wasm: onBackend('wasm', () => matmul(a, b)),
  });
  result.last?.dispose();
  tf.dispose([ta, tb]);
  return times;
});

console.log(`\nmatmul n×n·n×n, GFLOPS (tfjs-wasm: SIMD ${wasmInfo.simd}, threads ${wasmInfo.threads})`);
console.log('    n        js      wasm   wasm/js | tfjs-wasm  wasm,detached  wasm/tfjs');
SIZES.forEach((n, i) => {
  const js = gflops(n, matmulTimes[i]!.js!);
  const wasm = gflops(n, matmulTimes[i]!.wasm!);
  const tfjs = gflops(n, tfjsTimes[i]!.tfjs!);
  const detached = gflops(n, tfjsTimes[i]!.wasm!);
  console.log(
    `${String(n).padStart(5)}  ${fmt(js)}  ${fmt(wasm)}  ${fmt(wasm / js)}× | ${fmt(tfjs, 9)}  ${fmt(detached, 13)}  ${fmt(detached / tfjs, 8)}×`,
  );
});
const trainings = [
  ['MLP 784-256-128-10, batch 64, Adam', steps],
  ['CNN conv16-pool-conv32-pool-linear on 1×28×28, batch 32, Adam', cnnSteps],
] as const;
for (const [title, times] of trainings) {
  console.log(`\n${title}: one training step`);
  for (const name of ['js', 'wasm'] as const) {
    const { bestMs, medianMs } = times[name]!;
    console.log(`  ${name.padEnd(5)} ${bestMs.toFixed(2)} ms (median ${medianMs.toFixed(2)})`);
  }
  console.log(`  wasm/js speed-up ${(times.js!.bestMs / times.wasm!.bestMs).toFixed(2)}×`);
}
