// @file `npm run bench:memory`: memory over long PyTorch-style training loops that never call dispose(): wasm
// arena blocks and bytes, fallbacks to plain arrays, blocks returned, JS heap and RSS, printed at intervals.
//
// Usage: npx tsx bench/memory.ts [--tiny-steps=100000] [--cnn-steps=940] [--loops=sync,yield] [--every=N]
// Two runs: the lecture's 2-3-1 net (Linear-ReLU-Linear, BCEWithLogitsLoss, Adam, batch 64) for --tiny-steps
// steps, and the command line's Fashion-MNIST CNN (`--model cnn`, Adam, batch 64, real data from
// /usr/share/datasets/fashion-mnist) for --cnn-steps steps (938 steps are one epoch), each as a loop that never
// yields ('sync': the FinalizationRegistry cannot run, so the arena fills and later storage is plain arrays)
// and as a loop that lets the event loop turn after every step ('yield', as an async data pipeline does).
import { buildModel } from '../src/cli/models.js';
import { residentStorageStats } from '../src/backend/index.js';
import { fashionMnist } from '../src/data/datasets/fashion-mnist.js';
import { data, getBackend, manualSeed, nn, optim, rand, randn, type Tensor } from '../src/node/index.js';

const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const TINY_STEPS = Number(arg('tiny-steps') ?? 100_000);
const CNN_STEPS = Number(arg('cnn-steps') ?? 940);
const LOOPS = (arg('loops') ?? 'sync,yield').split(',') as ('sync' | 'yield')[];
const BATCH = 64;
const MiB = 2 ** 20;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function header(): void {
  console.log(
    '| step | arena live blocks | arena MiB in use | arena MiB touched | fallbacks | returned (gc) | gc requests | JS heap MiB | RSS MiB | ms/step |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
}

let lastTime = 0;
let lastStep = 0;

function report(step: number): void {
  const s = residentStorageStats();
  const mem = process.memoryUsage();
  const now = performance.now();
  const perStep = step > lastStep ? (now - lastTime) / (step - lastStep) : 0;
  lastTime = now;
  lastStep = step;
  const cells = [
    step,
    s?.liveBlocks ?? '-',
    s ? (s.bytesInUse / MiB).toFixed(1) : '-',
    s ? (s.bytesCarved / MiB).toFixed(1) : '-',
    s?.fallbacks ?? '-',
    s?.finalized ?? '-',
    s?.collections ?? '-',
    (mem.heapUsed / MiB).toFixed(1),
    (mem.rss / MiB).toFixed(0),
    perStep.toFixed(3),
  ];
  console.log(`| ${cells.join(' | ')} |`);
}

/** Runs `steps` of `step`, reporting every `every` steps; 'yield' lets the event loop turn after each step. */
async function run(steps: number, every: number, loop: 'sync' | 'yield', step: () => void): Promise<void> {
  header();
  lastTime = performance.now();
  lastStep = 0;
  report(0);
  for (let i = 1; i <= steps; i++) {
    step();
    if (loop === 'yield') await turn();
    if (i % every === 0 || i === steps) report(i);
  }
  await turn(); // let finalizers of the last steps run before the next run
}

function tinyStep(): () => void {
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-2 });
  const lossFn = new nn.BCEWithLogitsLoss();
  const x = randn([BATCH, 2]);
  const y = rand([BATCH, 1]).gt(0.5).float();
  return () => {
    optimizer.zeroGrad();
    lossFn.forward(model.forward(x), y).backward();
    optimizer.step();
  };
}

function cnnStep(train: data.TensorDataset<[Tensor, Tensor]>): () => void {
  manualSeed(0);
  const model = buildModel({
    spec: 'cnn',
    activation: 'relu',
    dropout: 0,
    inputShape: [1, 28, 28],
    outputs: 10,
  });
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const loader = new data.DataLoader(train, { batchSize: BATCH, shuffle: true });
  let batches = loader[Symbol.iterator]();
  return () => {
    let next = batches.next();
    if (next.done) {
      batches = loader[Symbol.iterator]();
      next = batches.next();
    }
    const [x, y] = next.value as [Tensor, Tensor];
    optimizer.zeroGrad();
    lossFn.forward(model.forward(x), y).backward();
    optimizer.step();
  };
}

async function main(): Promise<void> {
  console.log(`neurite memory bench: backend ${getBackend()}, Node ${process.version}, batch ${BATCH}`);
  for (const loop of LOOPS) {
    console.log(`\n## tiny 2-3-1, Adam, ${TINY_STEPS} steps, ${loop} loop\n`);
    await run(TINY_STEPS, Number(arg('every') ?? TINY_STEPS / 10), loop, tinyStep());
  }
  const train = fashionMnist({ split: 'train', layout: 'image' });
  for (const loop of LOOPS) {
    console.log(`\n## Fashion-MNIST CNN (cnn), Adam, ${CNN_STEPS} steps, ${loop} loop\n`);
    await run(
      CNN_STEPS,
      Number(arg('every') ?? Math.max(1, Math.round(CNN_STEPS / 10))),
      loop,
      cnnStep(train),
    );
  }
}

await main();
