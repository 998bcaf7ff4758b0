// @file The benchmark's tables (Markdown, so that they paste into the README) and the issue's speed targets.
import type { OpCase } from './ops.js';
import { failed, type Outcome } from './race.js';
import { rate, type Benchmark, type WorkloadId } from './workloads.js';

/**
 * Every contender: neurite's backends (wasm on one thread and on several; again after an ArrayBuffer detach: see
 * index.ts), tfjs, PyTorch.
 */
export type Library =
  | 'js'
  | 'wasm'
  | 'wasm fma'
  | 'wasm + threads'
  | 'tfjs-cpu'
  | 'pytorch'
  | 'tfjs-wasm'
  | 'js, detached'
  | 'wasm, detached';

/** neurite's single-thread backends (builds): the candidates for the "÷ X" ratios. */
const SINGLE_THREAD = ['js', 'wasm', 'wasm fma'] as const;
type SingleThread = (typeof SINGLE_THREAD)[number];

export type Outcomes = Partial<Record<Library, Outcome>>;

export interface BenchmarkRow {
  benchmark: Benchmark;
  outcomes: Outcomes;
}

export interface OpRow {
  op: OpCase;
  outcomes: Outcomes;
}

/** The fastest of `backends` on this row, or null if none ran. */
function fastest<B extends Library>(
  outcomes: Outcomes,
  backends: readonly B[],
): { backend: B; ms: number } | null {
  const candidates = backends.flatMap((backend) => {
    const outcome = outcomes[backend];
    return failed(outcome) ? [] : [{ backend, ms: outcome.bestMs }];
  });
  return candidates.sort((a, b) => a.ms - b.ms)[0] ?? null;
}

/** neurite's fastest single-thread backend on this row (phase 1), or null if none ran. */
export function bestNeurite(outcomes: Outcomes): { backend: SingleThread; ms: number } | null {
  return fastest(outcomes, SINGLE_THREAD);
}

/**
 * neurite's throughput over `other`'s (above 1: neurite is faster), or null if either did not run: its best
 * single-thread backend's, or `mine`'s where given (e.g. 'wasm + threads').
 */
export function ratio(outcomes: Outcomes, other: Library, mine?: Library): number | null {
  let ms: number | null;
  if (mine === undefined) ms = bestNeurite(outcomes)?.ms ?? null;
  else {
    const outcome = outcomes[mine];
    ms = failed(outcome) ? null : outcome.bestMs;
  }
  const theirs = outcomes[other];
  return ms === null || failed(theirs) ? null : theirs.bestMs / ms;
}

function number(x: number): string {
  if (x >= 1000) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2);
}

/** Breaks a paragraph into lines of at most `width` characters. */
export function wrap(text: string, width = 112): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line].join('\n');
}

const times = (r: number | null) => (r === null ? 'n/a' : `${r.toFixed(2)}×`);

/** neurite's single-thread backends again in phase 2, measured in interleaved rounds with tfjs-wasm. */
const AFTER_DETACH = ['js, detached', 'wasm, detached'] as const;

/**
 * A single op's ratio over `other` from numbers taken side by side: against tfjs-wasm (phase 2) neurite's best
 * phase-2 backend, against tfjs-cpu its best phase-1 one. Ops of a fraction of a millisecond drift by up to 30%
 * between minutes on a shared machine (memory bandwidth), so a ratio across phases would measure the drift.
 */
export function opRatio(outcomes: Outcomes, other: Library): number | null {
  if (other !== 'tfjs-wasm') return ratio(outcomes, other);
  const mine = fastest(outcomes, AFTER_DETACH);
  return mine === null ? null : ratio(outcomes, other, mine.backend);
}

/** A Markdown table with padded columns; the first column is left-aligned, the others right-aligned. */
function markdown(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, 3, ...body.map((line) => line[i]!.length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** Footnotes collect what failed, once per message. */
class Notes {
  private readonly lines: string[] = [];

  mark(what: string, outcome: Outcome | undefined): string {
    if (outcome === undefined || !failed(outcome)) return '';
    const note = `${what}: ${outcome.error}`;
    if (!this.lines.includes(note)) this.lines.push(note);
    return ` [${this.lines.indexOf(note) + 1}]`;
  }

  get empty(): boolean {
    return this.lines.length === 0;
  }

  toString(): string {
    return this.lines.map((l, i) => `[${i + 1}] ${l}`).join('\n');
  }
}

function benchmarkCell(row: BenchmarkRow, library: Library, notes: Notes, best: string | null): string {
  const outcome = row.outcomes[library];
  if (outcome === undefined) return 'n/a';
  if (failed(outcome)) {
    const training = row.benchmark.metric !== 'GFLOPS';
    return `${training ? 'cannot train' : 'failed'}${notes.mark(`${library}, ${row.benchmark.id}`, outcome)}`;
  }
  return `${number(rate(row.benchmark, outcome.bestMs))}${library === best ? '*' : ''}`;
}

/** The headline table: the four workloads in every library, with neurite's ratios. */
export function formatBenchmarks(
  rows: readonly BenchmarkRow[],
  pytorchNote: string,
  threads: number,
  buildsNote: string,
): string {
  const notes = new Notes();
  const header = [
    'workload',
    'metric',
    'neurite js',
    'neurite wasm',
    'wasm FMA',
    'wasm + threads',
    'tfjs cpu',
    'tfjs wasm',
    'PyTorch 1 thread',
    '÷ tfjs cpu',
    '÷ tfjs wasm',
    '÷ PyTorch',
  ];
  const body = rows.map((row) => {
    const best = bestNeurite(row.outcomes)?.backend ?? null;
    return [
      row.benchmark.name,
      row.benchmark.metric,
      benchmarkCell(row, 'js', notes, best),
      benchmarkCell(row, 'wasm', notes, best),
      benchmarkCell(row, 'wasm fma', notes, best),
      benchmarkCell(row, 'wasm + threads', notes, best),
      benchmarkCell(row, 'tfjs-cpu', notes, best),
      benchmarkCell(row, 'tfjs-wasm', notes, best),
      benchmarkCell(row, 'pytorch', notes, best),
      times(ratio(row.outcomes, 'tfjs-cpu')),
      times(ratio(row.outcomes, 'tfjs-wasm')),
      times(ratio(row.outcomes, 'pytorch')),
    ];
  });
  return [
    markdown(header, body),
    '',
    wrap(
      'Higher is better. * neurite\'s faster single-thread backend on the row; "÷ X" is its throughput over X\'s, ' +
        "measured in the same run (above 1: neurite is faster; neurite's numbers from phase 1, as in a process " +
        `without tfjs-wasm). ${buildsNote} wasm + threads: the plain wasm build with setNumThreads(${threads}) ` +
        '(large matmuls and convolutions split across worker threads); every other column runs one thread. ' +
        'Training rows time full steps (zeroGrad, forward, ' +
        'loss, backward, Adam lr 1e-3) on one fixed batch of random Fashion-MNIST-shaped data: MLP ' +
        '784-256-128-10 with ReLU and cross-entropy; LeNet: conv 6×5×5 "same", maxpool 2, conv 16×5×5, maxpool ' +
        '2, linear 120, 84, 10, ReLU, cross-entropy; tiny: Linear(2,3), ReLU, Linear(3,1), BCE with logits. ' +
        'tfjs runs the same models written with tfjs-core ops (fused matMul and conv2d, as tfjs-layers uses; ' +
        'NHWC) and tf.train.adam with minimize.',
    ),
    wrap(pytorchNote),
    ...(notes.empty ? [] : [notes.toString()]),
  ].join('\n');
}

/** neurite's throughput before and after an ArrayBuffer detach (phase 1 vs phase 2). */
export function formatDetached(rows: readonly BenchmarkRow[]): string {
  const cell = (row: BenchmarkRow, library: Library) => {
    const outcome = row.outcomes[library];
    return failed(outcome) ? 'n/a' : number(rate(row.benchmark, outcome.bestMs));
  };
  const body = rows.map((row) => [
    row.benchmark.name,
    row.benchmark.metric,
    cell(row, 'js'),
    cell(row, 'js, detached'),
    cell(row, 'wasm'),
    cell(row, 'wasm, detached'),
  ]);
  return markdown(['workload', 'metric', 'js', 'js, detached', 'wasm', 'wasm, detached'], body);
}

/** "12.34 GFLOPS" for a matmul; "1.234 ms 9.7 GB/s" for an elementwise op (bytes read and written / time). */
function opCell(row: OpRow, library: Library): string {
  const outcome = row.outcomes[library];
  if (failed(outcome)) return 'n/a';
  const ms = outcome.bestMs;
  const speed = row.op.work / ms / 1e6;
  if (row.op.kind === 'matmul') return `${speed.toFixed(2)} GFLOPS`;
  return `${ms.toFixed(3)} ms ${speed.toFixed(1)} GB/s`;
}

/** The single-op table: neurite's two backends against tfjs's, and neurite again after a detach. */
export function formatOps(rows: readonly OpRow[]): string {
  const header = ['op', 'js', 'wasm', 'tfjs cpu', 'tfjs wasm', '÷ cpu', '÷ wasm', 'js†', 'wasm†'];
  const body = rows.map((r) => [
    r.op.name,
    opCell(r, 'js'),
    opCell(r, 'wasm'),
    opCell(r, 'tfjs-cpu'),
    opCell(r, 'tfjs-wasm'),
    times(opRatio(r.outcomes, 'tfjs-cpu')),
    times(opRatio(r.outcomes, 'tfjs-wasm')),
    opCell(r, 'js, detached'),
    opCell(r, 'wasm, detached'),
  ]);
  return [
    markdown(header, body),
    '',
    wrap(
      "÷ cpu: neurite's faster backend over tfjs cpu, both from phase 1; ÷ wasm: neurite's faster backend in " +
        'phase 2 (†) over tfjs wasm, timed in interleaved rounds with it (single ops drift by up to 30% between ' +
        'minutes on a shared machine, so each ratio compares numbers taken side by side). † neurite again in ' +
        'phase 2, after an ArrayBuffer has been detached in the process (as growing WebAssembly memory does): V8 ' +
        'then re-checks typed arrays on access, which slows typed-array loops everywhere in the process.',
    ),
  ].join('\n');
}

/**
 * One of the issue's speed targets: neurite's throughput ≥ `factor` × `other`'s on `workload`; neurite's best
 * single-thread backend's, or `mine`'s where given.
 */
export interface Target {
  workload: WorkloadId;
  other: Library;
  factor: number;
  mine?: Library;
}

/**
 * The open issues' targets (issue 11, storage: tiny ≥ 5×, MLP and LeNet ≥ 0.6× PyTorch; issue 16, sequence models:
 * LSTM ≥ 0.5×), and those of version 0.1 that still hold (MLP ≥ 5× tfjs-wasm, matmul ≥ 1× and 1.7× with threads).
 */
export const TARGETS: readonly Target[] = [
  { workload: 'tiny', other: 'pytorch', factor: 5 },
  { workload: 'mlp', other: 'tfjs-wasm', factor: 5 },
  { workload: 'mlp', other: 'pytorch', factor: 0.6 },
  { workload: 'lenet', other: 'pytorch', factor: 0.6 },
  { workload: 'lstm', other: 'pytorch', factor: 0.5 },
  { workload: 'matmul', other: 'tfjs-wasm', factor: 1 },
  { workload: 'matmul', other: 'tfjs-wasm', factor: 1.7, mine: 'wasm + threads' },
];

export interface TargetResult extends Target {
  ratio: number | null;
  met: boolean | null;
  /** neurite's backend behind `ratio` when `mine` is not given. */
  best: SingleThread | null;
  /** The plain-SIMD wasm build's ratio, for comparison when the FMA build was the faster. */
  plainRatio: number | null;
}

export function checkTargets(rows: readonly BenchmarkRow[]): TargetResult[] {
  return TARGETS.flatMap((target) => {
    const row = rows.find((r) => r.benchmark.id === target.workload);
    if (!row) return [];
    const r = ratio(row.outcomes, target.other, target.mine);
    const best = bestNeurite(row.outcomes)?.backend ?? null;
    const plainRatio = ratio(row.outcomes, target.other, 'wasm');
    return [{ ...target, ratio: r, met: r === null ? null : r >= target.factor, best, plainRatio }];
  });
}

export function formatTargets(results: readonly TargetResult[], threads: number): string {
  return results
    .map((t) => {
      const verdict = t.met === null ? 'not measured' : t.met ? 'met' : 'NOT met';
      const mine = t.mine === 'wasm + threads' ? `wasm with ${threads} threads` : (t.mine ?? 'neurite');
      const by = t.mine === undefined && t.best ? ` (${t.best})` : '';
      const plain =
        t.mine === undefined && t.best === 'wasm fma' && t.plainRatio !== null
          ? `; plain-SIMD wasm: ${times(t.plainRatio)}`
          : '';
      return `- ${t.workload}: ${mine} ≥ ${t.factor}× ${t.other}: ${times(t.ratio)}${by} → ${verdict}${plain}`;
    })
    .join('\n');
}

/** Issue 11's single-op targets: neurite's time on these 1000×1000 ops ≤ 1.2× TensorFlow.js wasm's. */
export const OP_TARGETS: readonly { op: string; maxTimeRatio: number }[] = [
  { op: 'add [1000,1000]+[1000,1000]', maxTimeRatio: 1.2 },
  { op: 'relu [1000,1000]', maxTimeRatio: 1.2 },
  { op: 'sigmoid [1000,1000]', maxTimeRatio: 1.2 },
];

export interface OpTargetResult {
  op: string;
  maxTimeRatio: number;
  /** neurite's time over tfjs-wasm's (side by side, see opRatio): below 1, neurite is faster. */
  timeRatio: number | null;
  met: boolean | null;
}

export function checkOpTargets(rows: readonly OpRow[]): OpTargetResult[] {
  return OP_TARGETS.flatMap(({ op, maxTimeRatio }) => {
    const row = rows.find((r) => r.op.name === op);
    if (!row) return [];
    const over = opRatio(row.outcomes, 'tfjs-wasm');
    const timeRatio = over === null ? null : 1 / over;
    return [{ op, maxTimeRatio, timeRatio, met: timeRatio === null ? null : timeRatio <= maxTimeRatio }];
  });
}

export function formatOpTargets(results: readonly OpTargetResult[]): string {
  return results
    .map((t) => {
      const verdict = t.met === null ? 'not measured' : t.met ? 'met' : 'NOT met';
      return `- ${t.op}: neurite's time ≤ ${t.maxTimeRatio}× tfjs-wasm's: ${times(t.timeRatio)} → ${verdict}`;
    })
    .join('\n');
}
