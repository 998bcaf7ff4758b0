// @file `npm run bench`: neurite (js and wasm backends) against TensorFlow.js (cpu and wasm) and PyTorch (one
// thread, where /usr/bin/python3, or $NEURITE_BENCH_PYTHON, has torch), timed in one run: a 1024² matmul and
// four Adam training steps (MLP, LeNet, a tiny 2-3-1 net, an LSTM character model) first, then a table of single ops. neurite's wasm
// backend runs as its plain-SIMD build on one thread ("wasm"), its fused-multiply-add build on one thread ("wasm
// FMA", relaxed SIMD; see fma.ts) and the plain build on os.availableParallelism() threads ("wasm + threads"; these
// two in the training/matmul table only); every other neurite column and the "÷ X" ratios are single-threaded.
//
// Usage: npm run bench [-- FILTER… --scale=F]. FILTERs keep the workloads and ops whose name contains one of
// them; F scales every timing budget (default 1; 0.3 for a quick look). Prints Markdown tables and writes
// bench/results.json. Each workload is warmed up, then timed in 3 interleaved rounds (every library in turn,
// PyTorch included, so that a burst of load from other processes hits all of them); the best batch is reported.
//
// Two phases, because of a process-wide V8 switch: once any ArrayBuffer has been detached (growing
// WebAssembly memory does it, and tfjs-wasm grows its memory), optimised code re-checks typed arrays for
// detachment on access, which slows every typed-array loop in the process by up to ~35%. Phase 1 times neurite
// (whose wasm backend never detaches: it moves to a new memory instead), tfjs-cpu and PyTorch (another process)
// before that happens; phase 2 starts tfjs-wasm, detaches a buffer for certain, and times tfjs-wasm and
// neurite again ("js, detached", "wasm, detached").
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { getBackend, setBackend, setNumThreads } from '../src/index.js';
import { OP_CASES, type OpCase } from './ops.js';
import { registerWasmBuilds } from './fma.js';
import { formatSimdPeak, measureSimdPeak } from './simd-peak.js';
import { PyTorchProcess } from './pytorch.js';
import { failed, localContender, race, type Contender, type Outcome, type Workload } from './race.js';
import {
  checkOpTargets,
  checkTargets,
  formatBenchmarks,
  formatDetached,
  formatOps,
  formatOpTargets,
  formatTargets,
  opRatio,
  ratio,
  type BenchmarkRow,
  type Library,
  type OpRow,
} from './report.js';
import { initTfjs, initWasm, useBackend, type TfBackend } from './tfjs.js';
import { BENCHMARKS, rate, type Benchmark } from './workloads.js';

const ROUNDS = 3;
const WARMUP_MS = 300;
const OP_BUDGET_MS = 300;
const OP_WARMUP_MS = 150;

/** Threads for the 'wasm + threads' column. */
const THREADS = os.availableParallelism();

const PHASE_1 = [
  'js',
  'wasm',
  'wasm fma',
  'wasm + threads',
  'tfjs-cpu',
  'pytorch',
] as const satisfies readonly Library[];
/** Contenders that only the training/matmul table has. */
const WORKLOADS_ONLY: readonly Library[] = ['wasm fma', 'wasm + threads'];
const PHASE_2 = ['tfjs-wasm', 'js, detached', 'wasm, detached'] as const satisfies readonly Library[];

/** Selects the backend (neurite's or tfjs's) that `library` runs on; PyTorch runs elsewhere. */
async function activate(library: Library): Promise<void> {
  if (library === 'pytorch') return;
  // Every column but 'wasm + threads' is single-threaded (PyTorch runs one thread). Going back to 1 thread
  // stops the helper workers; 'wasm + threads' respawns them on its first large matmul (in its warm-up or the
  // first, calibrating batch of a round, which is never the best batch).
  setNumThreads(library === 'wasm + threads' ? THREADS : 1);
  if (library.startsWith('tfjs-')) await useBackend(library.slice('tfjs-'.length) as TfBackend);
  else if (library === 'wasm fma') setBackend('wasm-fma');
  else setBackend(library.startsWith('wasm') ? 'wasm-simd' : 'js');
}

/** How `library` runs a workload that neurite and tfjs both implement (and PyTorch, under `pytorchId`). */
function contender(
  library: Library,
  make: { neurite(): Workload; tfjs(): Workload },
  pytorch: PyTorchProcess | null,
  pytorchId?: string,
): () => Promise<Contender> {
  return async () => {
    if (library === 'pytorch') {
      if (!pytorch || !pytorchId) throw new Error('PyTorch is not available');
      return pytorch.contender(pytorchId);
    }
    await activate(library);
    const workload = library.startsWith('tfjs-') ? make.tfjs() : make.neurite();
    return localContender(() => activate(library), workload);
  };
}

/**
 * Detaches a throwaway ArrayBuffer, as WebAssembly memory growth does; V8 then stops assuming that typed
 * arrays keep their length, for the rest of the process.
 */
function detachArrayBuffer(): void {
  const buffer = new ArrayBuffer(8);
  structuredClone(buffer, { transfer: [buffer] });
}

function serialise(outcome: Outcome | undefined, toRate: (ms: number) => number, unit: string) {
  if (outcome === undefined) return null;
  if ('error' in outcome) return outcome;
  return { ...outcome, [unit]: toRate(outcome.bestMs) };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const scaleArg = args.find((a) => a.startsWith('--scale='));
  const scale = scaleArg ? Number(scaleArg.slice('--scale='.length)) : 1;
  const filters = args.filter((a) => !a.startsWith('--'));
  const keep = (name: string) => filters.length === 0 || filters.some((f) => name.includes(f));
  const benchmarks = BENCHMARKS.filter((b) => keep(b.name));
  const ops = OP_CASES.filter((c) => keep(c.name));

  const defaultBackend = getBackend();
  const builds = registerWasmBuilds();
  const buildsNote =
    'wasm: the plain-SIMD build (a multiply, then an add: the same bits on every engine)' +
    (builds.defaultBuild === 'simd' ? ', the default in this Node. ' : '. ') +
    (builds.fma
      ? 'wasm FMA: the relaxed-SIMD build (fused multiply-add), the default on engines with relaxed SIMD ' +
        '(Node ≥ 22, Chrome ≥ 114)' +
        (builds.flagged ? '; Node 20 has it behind --experimental-wasm-relaxed-simd, set for this run.' : '.')
      : 'wasm FMA: not available in this engine.');
  const simdPeak = await measureSimdPeak(builds.fma);
  const tfjsVersion = await initTfjs();
  const started = performance.now();
  const pytorchStart = await PyTorchProcess.start();
  const pytorch = pytorchStart instanceof PyTorchProcess ? pytorchStart : null;
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
  console.log(`neurite default backend '${defaultBackend}'; TensorFlow.js ${tfjsVersion}; float32`);
  let pytorchNote: string;
  if (pytorch) {
    const { torch, threads, blas_info: blasInfo, blas_libraries: blas, openblas_core: core } = pytorch.info;
    const reference = blas.some((path) => /\/blas\/libblas\.so/.test(path));
    pytorchNote =
      `PyTorch ${torch}, ${threads} thread (built with BLAS_INFO=${blasInfo}); BLAS loaded: ` +
      `${blas.join(', ') || 'none found'}` +
      (core ? ` (OpenBLAS core ${core}; OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for it)` : '') +
      (reference
        ? '. WARNING: that is the reference (netlib) BLAS, ~15× slower at matmul than OpenBLAS or the MKL of ' +
          "pip wheels, so PyTorch's matmul, MLP and CNN numbers understate it. For a representative PyTorch: " +
          "apt-get install libopenblas0-pthread, or run with LD_LIBRARY_PATH=<a directory with OpenBLAS's " +
          'libblas.so.3>, or NEURITE_BENCH_PYTHON=<a python with a pip torch>.'
        : '.');
  } else {
    pytorchNote = `PyTorch: n/a (${'unavailable' in pytorchStart ? pytorchStart.unavailable : ''}).`;
  }
  console.log(pytorchNote);
  console.log(`best of ${ROUNDS} interleaved rounds per library and workload (budgets × ${scale})\n`);

  const benchmarkRows: BenchmarkRow[] = benchmarks.map((benchmark) => ({ benchmark, outcomes: {} }));
  const opRows: OpRow[] = ops.map((op) => ({ op, outcomes: {} }));
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
    const present = libraries.filter((l) => (l !== 'pytorch' || pytorch) && (l !== 'wasm fma' || builds.fma));
    const names = present.map((l) => (l === 'wasm + threads' ? `wasm + ${THREADS} threads` : l));
    console.log(`${title}: ${names.join(', ')}`);
    for (const row of benchmarkRows) {
      const b: Benchmark = row.benchmark;
      const entries = present.map((l) => [l, contender(l, b, pytorch, b.id)] as const);
      const options = { rounds: ROUNDS, warmupMs: WARMUP_MS * scale, budgetMs: b.budgetMs * scale };
      for (const [library, outcome] of await race(entries, options)) row.outcomes[library] = outcome;
      console.log(`  measured ${b.name} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
    for (const row of opRows) {
      const entries = libraries
        .filter((l) => l !== 'pytorch' && !WORKLOADS_ONLY.includes(l))
        .map((l) => [l, contender(l, row.op, null)] as const);
      const options = { rounds: ROUNDS, warmupMs: OP_WARMUP_MS * scale, budgetMs: OP_BUDGET_MS * scale };
      for (const [library, outcome] of await race(entries, options)) row.outcomes[library] = outcome;
    }
    if (opRows.length > 0) console.log(`  measured ${opRows.length} single ops`);
  }
  pytorch?.close();

  const targets = checkTargets(benchmarkRows);
  if (benchmarkRows.length > 0) {
    console.log(
      `\n## Training and matmul\n\n${formatBenchmarks(benchmarkRows, pytorchNote, THREADS, buildsNote)}`,
    );
    console.log(`\nThe issue's targets:\n${formatTargets(targets, THREADS)}`);
    const matmul = benchmarkRows.find((r) => r.benchmark.id === 'matmul')?.outcomes;
    const best = (l: Library) => {
      const o = matmul?.[l];
      return o && !failed(o) ? o.bestMs : null;
    };
    console.log(`\n${formatSimdPeak(simdPeak, { wasm: best('wasm'), fma: best('wasm fma') })}`);
    console.log(`\n## neurite before and after an ArrayBuffer detach\n\n${formatDetached(benchmarkRows)}`);
  }
  const opTargets = checkOpTargets(opRows);
  if (opRows.length > 0) {
    console.log(`\n## Single ops\n\n${formatOps(opRows)}`);
    if (opTargets.length > 0) console.log(`\nThe issue's single-op targets:\n${formatOpTargets(opTargets)}`);
  }
  console.log(
    `\ntfjs-wasm ran with SIMD ${wasm.simd ? 'on' : 'off'}, threads ${wasm.threads ? 'on' : 'off'}.`,
  );
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);

  const results = {
    machine,
    neurite: { defaultBackend, wasmThreads: THREADS, wasmBuilds: builds, simdPeakGflops: simdPeak },
    tfjs: { version: tfjsVersion, wasm },
    pytorch: pytorch
      ? pytorch.info
      : { unavailable: 'unavailable' in pytorchStart ? pytorchStart.unavailable : '' },
    method: {
      rounds: ROUNDS,
      warmupMs: WARMUP_MS * scale,
      budgetMsPerRound: Object.fromEntries(benchmarks.map((b) => [b.id, b.budgetMs * scale])),
      opBudgetMsPerRound: OP_BUDGET_MS * scale,
      reported: 'best batch (ms per call) and its throughput; median of the rounds’ medians alongside',
      data: 'random, Fashion-MNIST-shaped: float32 [64, 784] / [64, 1, 28, 28] (tfjs: [64, 28, 28, 1]), labels 0..9',
      phases: { 1: PHASE_1, 2: PHASE_2 },
    },
    benchmarks: benchmarkRows.map(({ benchmark: b, outcomes }) => ({
      id: b.id,
      workload: b.name,
      metric: b.metric,
      results: Object.fromEntries(
        Object.entries(outcomes).map(([l, o]) => [l, serialise(o, (ms) => rate(b, ms), b.metric)]),
      ),
      neuriteOver: {
        'tfjs-cpu': ratio(outcomes, 'tfjs-cpu'),
        'tfjs-wasm': ratio(outcomes, 'tfjs-wasm'),
        pytorch: ratio(outcomes, 'pytorch'),
      },
      threadsOver: {
        'tfjs-cpu': ratio(outcomes, 'tfjs-cpu', 'wasm + threads'),
        'tfjs-wasm': ratio(outcomes, 'tfjs-wasm', 'wasm + threads'),
        pytorch: ratio(outcomes, 'pytorch', 'wasm + threads'),
      },
    })),
    targets,
    ops: opRows.map(({ op, outcomes }: { op: OpCase; outcomes: OpRow['outcomes'] }) => ({
      case: op.name,
      kind: op.kind,
      results: Object.fromEntries(
        Object.entries(outcomes).map(([l, o]) => [
          l,
          serialise(o, (ms) => op.work / ms / 1e6, op.kind === 'matmul' ? 'gflops' : 'gbPerS'),
        ]),
      ),
      neuriteOver: { 'tfjs-cpu': opRatio(outcomes, 'tfjs-cpu'), 'tfjs-wasm': opRatio(outcomes, 'tfjs-wasm') },
    })),
    opTargets,
  };
  const path = fileURLToPath(new URL('results.json', import.meta.url));
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${path}`);
}

await main();
