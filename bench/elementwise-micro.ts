// @file `npx tsx bench/elementwise-micro.ts [FILTER…]`: where a 1000×1000 elementwise op's time goes on neurite's
// wasm backend (plain-SIMD build): the whole op (arena block, staging, kernel) next to the kernel alone on fixed
// addresses of a runtime of its own, and TensorFlow.js's wasm backend, timed in interleaved rounds in one process
// (best batch). ROUNDS and BUDGET (ms per round) in the environment override 5 and 200.
import { add, randn, relu, setBackend, sigmoid, type Tensor } from '../src/index.js';
import { BINARY_CODES, UNARY_CODES } from '../src/backend/wasm/opcodes.generated.js';
import { loadRuntime } from '../src/backend/wasm/runtime.js';
import { registerWasmBuilds } from './fma.js';
import { initTfjs, initWasm, tf, type TfTensor } from './tfjs.js';
import { combine, timeBatches, type Timing } from './timing.js';

const ROUNDS = Number(process.env['ROUNDS'] ?? 5);
const BUDGET_MS = Number(process.env['BUDGET'] ?? 200);
const SIDE = 1000;
const N = SIDE * SIDE;

interface Workload {
  run(): void;
  finish(): void;
}

/** A neurite op whose previous result is disposed first, so that its arena block is reused (as tfjs reuses). */
function neuriteOp(op: () => Tensor): Workload {
  let last: Tensor | null = null;
  return {
    run: () => {
      last?.dispose();
      last = op();
    },
    finish: () => {},
  };
}

function tfjsOp(op: () => TfTensor): Workload {
  let last: TfTensor | null = null;
  return {
    run: () => {
      last?.dispose();
      last = op();
    },
    finish: () => void last?.dataSync(),
  };
}

registerWasmBuilds();
setBackend('wasm-simd');
await initTfjs();
await initWasm();

const a = randn([SIDE, SIDE]);
const b = randn([SIDE, SIDE]);
const row = randn([SIDE]);
const ta = tf.randomNormal([SIDE, SIDE]);
const tb = tf.randomNormal([SIDE, SIDE]);
const trow = tf.randomNormal([SIDE]);

const runtime = loadRuntime({ simd: true, relaxedSimd: false })!;
const [pa, pb, po] = runtime.layout(N * 4, N * 4, N * 4);
runtime.f32.fill(0.5, pa / 4, pa / 4 + N);
runtime.f32.fill(-0.25, pb / 4, pb / 4 + N);
const k = runtime.kernels;
const kernel = (run: () => void): Workload => ({ run, finish: () => {} });
const ADD = BINARY_CODES.add!;

const workloads: Record<string, Workload> = {
  'add kernel': kernel(() => k.binary(ADD, pa, pb, po, 1, 1, 1, N, 0, 0, 0, 1, 0, 0, 0, 1)),
  'add neurite': neuriteOp(() => add(a, b)),
  'add tfjs': tfjsOp(() => tf.add(ta, tb)),
  'addrow kernel': kernel(() => k.binary(ADD, pa, pb, po, 1, 1, SIDE, SIDE, 0, 0, SIDE, 1, 0, 0, 0, 1)),
  'addrow neurite': neuriteOp(() => add(a, row)),
  'addrow tfjs': tfjsOp(() => tf.add(ta, trow)),
  'relu kernel': kernel(() => k.unary(UNARY_CODES.relu!, pa, po, N, 0, 0)),
  'relu neurite': neuriteOp(() => relu(a)),
  'relu tfjs': tfjsOp(() => tf.relu(ta)),
  'sigmoid kernel': kernel(() => k.unary(UNARY_CODES.sigmoid!, pa, po, N, 0, 0)),
  'sigmoid neurite': neuriteOp(() => sigmoid(a)),
  'sigmoid tfjs': tfjsOp(() => tf.sigmoid(ta)),
};

const filters = process.argv.slice(2);
const names = Object.keys(workloads).filter(
  (n) => filters.length === 0 || filters.some((f) => n.includes(f)),
);
const rounds: Record<string, Timing[]> = Object.fromEntries(names.map((n) => [n, []]));
for (const n of names) timeBatches(workloads[n]!.run, workloads[n]!.finish, 100);
for (let r = 0; r < ROUNDS; r++) {
  for (const n of names) rounds[n]!.push(timeBatches(workloads[n]!.run, workloads[n]!.finish, BUDGET_MS));
}
const best = Object.fromEntries(names.map((n) => [n, combine(rounds[n]!)]));
for (const n of names) {
  const t = best[n]!;
  const op = n.split(' ')[0]!;
  const tfjs = best[`${op} tfjs`];
  const vs = n.endsWith('neurite') && tfjs ? `  ${(t.bestMs / tfjs.bestMs).toFixed(2)}× tfjs-wasm` : '';
  console.log(`${n.padEnd(16)} best ${t.bestMs.toFixed(3)} ms  median ${t.medianMs.toFixed(3)} ms${vs}`);
}
