// @file `npm run bench`: neurite's public ops against TensorFlow.js (cpu and wasm backends), timed in one run.
//
// Usage: npm run bench [-- FILTER… --budget=MS]. FILTERs keep the cases whose name contains one of them;
// MS is each library's timing budget per case and round (default 300). Prints a table and writes
// bench/results.json. Each case is warmed up, then timed in 3 interleaved rounds so that a burst of load from
// other processes hits every library; the best batch is reported.
//
// Two phases, because of a process-wide V8 switch: once any ArrayBuffer has been detached (growing
// WebAssembly memory does it, and tfjs-wasm grows its memory), optimised code re-checks typed arrays for
// detachment on access, which slows every typed-array loop in the process by up to ~35%. Phase 1 times neurite
// and tfjs-cpu before that happens; phase 2 starts tfjs-wasm, detaches a buffer for certain, and times
// tfjs-wasm and neurite again ("neurite, detached").
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { add, exp, getBackend, matmul, randn, relu, sigmoid, sum, type Tensor } from '../src/index.js';
import { formatTable, type Row } from './report.js';
import { initTfjs, initWasm, tf, useBackend, type TfBackend, type TfTensor } from './tfjs.js';
import { combine, timeBatches, type Timing } from './timing.js';

/** One library's side of a case: `run` does one op, `finish` forces completion, `dispose` frees inputs. */
interface Workload {
  run(): void;
  finish(): void;
  dispose(): void;
}

export interface Case {
  name: string;
  kind: 'matmul' | 'elementwise';
  /** Floating-point operations (matmul) or bytes read and written (elementwise) per op. */
  work: number;
  neurite(): Workload;
  tfjs(): Workload;
}

export const LIBRARIES = ['neurite', 'tfjs-cpu', 'tfjs-wasm', 'neurite, detached'] as const;
export type Library = (typeof LIBRARIES)[number];
const PHASE_1: readonly Library[] = ['neurite', 'tfjs-cpu'];
const PHASE_2: readonly Library[] = ['tfjs-wasm', 'neurite, detached'];
const ROUNDS = 3;
const WARMUP_MS = 150;

function neuriteWorkload(op: () => Tensor): Workload {
  let last: Tensor | null = null;
  return {
    run: () => {
      last = op();
    },
    finish: () => {
      if (last === null) throw new Error('bench: no result');
    },
    dispose: () => {
      last = null;
    },
  };
}

/** A tfjs op whose result is disposed by the next call; the last one is read back (dataSync) to finish. */
function tfjsWorkload(inputs: TfTensor[], op: () => TfTensor): Workload {
  let last: TfTensor | null = null;
  return {
    run: () => {
      last?.dispose();
      last = op();
    },
    finish: () => {
      last?.dataSync();
    },
    dispose: () => {
      last?.dispose();
      last = null;
      tf.dispose(inputs);
    },
  };
}

function matmulCase(n: number): Case {
  return {
    name: `matmul ${n}×${n}·${n}×${n}`,
    kind: 'matmul',
    work: 2 * n ** 3,
    neurite: () => {
      const a = randn([n, n]);
      const b = randn([n, n]);
      return neuriteWorkload(() => matmul(a, b));
    },
    tfjs: () => {
      const a = tf.randomNormal([n, n]);
      const b = tf.randomNormal([n, n]);
      return tfjsWorkload([a, b], () => tf.matMul(a, b));
    },
  };
}

const SIDE = 1000;
const ELEMENTS = SIDE * SIDE;
const FLOAT_BYTES = 4;

function unaryCase(
  name: string,
  neuriteOp: (x: Tensor) => Tensor,
  tfjsOp: (x: TfTensor) => TfTensor,
  outputElements = ELEMENTS,
): Case {
  return {
    name: `${name} [${SIDE},${SIDE}]`,
    kind: 'elementwise',
    work: (ELEMENTS + outputElements) * FLOAT_BYTES,
    neurite: () => {
      const x = randn([SIDE, SIDE]);
      return neuriteWorkload(() => neuriteOp(x));
    },
    tfjs: () => {
      const x = tf.randomNormal([SIDE, SIDE]);
      return tfjsWorkload([x], () => tfjsOp(x));
    },
  };
}

function addCase(bShape: number[]): Case {
  const bElements = bShape.reduce((p, d) => p * d, 1);
  return {
    name: `add [${SIDE},${SIDE}]+[${bShape.join(',')}]`,
    kind: 'elementwise',
    work: (2 * ELEMENTS + bElements) * FLOAT_BYTES,
    neurite: () => {
      const a = randn([SIDE, SIDE]);
      const b = randn(bShape);
      return neuriteWorkload(() => add(a, b));
    },
    tfjs: () => {
      const a = tf.randomNormal([SIDE, SIDE]);
      const b = tf.randomNormal(bShape);
      return tfjsWorkload([a, b], () => tf.add(a, b));
    },
  };
}

const CASES: Case[] = [
  matmulCase(128),
  matmulCase(256),
  matmulCase(512),
  matmulCase(1024),
  addCase([SIDE, SIDE]),
  addCase([SIDE]),
  unaryCase('relu', relu, (x) => tf.relu(x)),
  unaryCase('exp', exp, (x) => tf.exp(x)),
  unaryCase('sigmoid', sigmoid, (x) => tf.sigmoid(x)),
  unaryCase(
    'sum',
    (x) => sum(x),
    (x) => tf.sum(x),
    1,
  ),
];

/** Makes `library` current (the tfjs backend it names) and builds its workload for `c`. */
async function prepare(library: Library, c: Case): Promise<Workload> {
  if (!library.startsWith('tfjs-')) return c.neurite();
  await useBackend(library.slice('tfjs-'.length) as TfBackend);
  return c.tfjs();
}

async function activate(library: Library): Promise<void> {
  if (library.startsWith('tfjs-')) await useBackend(library.slice('tfjs-'.length) as TfBackend);
}

/** Warms up, then times `libraries` on `c` in interleaved rounds. */
async function measure(
  c: Case,
  libraries: readonly Library[],
  budgetMs: number,
): Promise<Map<Library, Timing>> {
  const workloads = new Map<Library, Workload>();
  for (const library of libraries) {
    const w = await prepare(library, c);
    timeBatches(w.run, w.finish, WARMUP_MS);
    workloads.set(library, w);
  }
  const rounds = new Map<Library, Timing[]>(libraries.map((l) => [l, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const library of libraries) {
      await activate(library);
      const w = workloads.get(library)!;
      rounds.get(library)!.push(timeBatches(w.run, w.finish, budgetMs));
    }
  }
  for (const library of libraries) {
    await activate(library);
    workloads.get(library)!.dispose();
  }
  return new Map(libraries.map((l) => [l, combine(rounds.get(l)!)]));
}

/**
 * Detaches a throwaway ArrayBuffer, as WebAssembly memory growth does; V8 then stops assuming that typed
 * arrays keep their length, for the rest of the process.
 */
function detachArrayBuffer(): void {
  const buffer = new ArrayBuffer(8);
  structuredClone(buffer, { transfer: [buffer] });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const budgetArg = args.find((a) => a.startsWith('--budget='));
  const budgetMs = budgetArg ? Number(budgetArg.slice('--budget='.length)) : 300;
  const filters = args.filter((a) => !a.startsWith('--'));
  const cases = CASES.filter((c) => filters.length === 0 || filters.some((f) => c.name.includes(f)));

  const tfjsVersion = await initTfjs();
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    os: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    date: new Date().toISOString(),
  };
  console.log(
    `neurite bench: ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${machine.date}`,
  );
  console.log(`neurite backend '${getBackend()}'; TensorFlow.js ${tfjsVersion}; float32`);
  console.log(`best of ${ROUNDS} interleaved rounds of ~${budgetMs} ms per library and case\n`);

  const started = performance.now();
  const timings = new Map<Case, Map<Library, Timing>>(cases.map((c) => [c, new Map()]));
  const phases: [string, readonly Library[]][] = [
    ['phase 1 (no detached ArrayBuffer yet)', PHASE_1],
    ['phase 2 (tfjs-wasm started, an ArrayBuffer detached)', PHASE_2],
  ];
  let wasm = { simd: false, threads: false };
  for (const [title, libraries] of phases) {
    if (libraries === PHASE_2) {
      wasm = await initWasm();
      detachArrayBuffer();
    }
    console.log(`${title}: ${libraries.join(', ')}`);
    for (const c of cases) {
      for (const [library, timing] of await measure(c, libraries, budgetMs))
        timings.get(c)!.set(library, timing);
      console.log(`  measured ${c.name}`);
    }
  }
  const rows: Row[] = cases.map((c) => ({
    name: c.name,
    kind: c.kind,
    work: c.work,
    timings: Object.fromEntries(timings.get(c)!) as Record<Library, Timing>,
  }));
  console.log(`\n${formatTable(rows)}`);
  console.log(`tfjs-wasm ran with SIMD ${wasm.simd ? 'on' : 'off'}, threads ${wasm.threads ? 'on' : 'off'}.`);
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);

  const results = {
    machine,
    neuriteBackend: getBackend(),
    tfjs: { version: tfjsVersion, wasm },
    method: {
      rounds: ROUNDS,
      budgetMsPerRound: budgetMs,
      warmupMs: WARMUP_MS,
      reported: 'best batch (ms per op); medians alongside',
      phases: { 1: PHASE_1, 2: PHASE_2 },
    },
    results: rows.map((r) => ({
      case: r.name,
      kind: r.kind,
      ...Object.fromEntries(
        LIBRARIES.map((l) => [
          l,
          {
            bestMs: r.timings[l].bestMs,
            medianMs: r.timings[l].medianMs,
            calls: r.timings[l].calls,
            [r.kind === 'matmul' ? 'gflops' : 'gbPerS']: r.work / r.timings[l].bestMs / 1e6,
          },
        ]),
      ),
      speedupVsTfjsCpu: r.timings['tfjs-cpu'].bestMs / r.timings.neurite.bestMs,
      speedupVsTfjsWasm: r.timings['tfjs-wasm'].bestMs / r.timings.neurite.bestMs,
      detachedSpeedupVsTfjsWasm: r.timings['tfjs-wasm'].bestMs / r.timings['neurite, detached'].bestMs,
    })),
  };
  const path = fileURLToPath(new URL('results.json', import.meta.url));
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${path}`);
}

await main();
