// @file What the browser bench times: the workloads (as in bench/workloads.ts: a 1024² matmul, a 1000² add, MLP
// and LeNet Adam training steps at batch 64), one library's side of one, and best-of timing after a warm-up with
// the GPU's work forced to completion (a readback) inside every timed batch.

export const WORKLOAD_IDS = ['matmul', 'add', 'mlp', 'lenet'] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

export const WORKLOAD_NAMES: Record<WorkloadId, string> = {
  matmul: 'matmul 1024×1024 float32',
  add: 'add 1000×1000 float32',
  mlp: 'MLP 784-256-128-10, batch 64, Adam step',
  lenet: 'LeNet CNN, batch 64, Adam step',
};

export const CLASSES = 10;

/** The workloads' sizes: bench/workloads.ts's, or small ones for a quick check that every row runs (`?small=1`). */
export const SIZES = { matmulSide: 1024, addSide: 1000, batch: 64 };

/** Shrinks every workload (matmul 256², add 250², batch 8), for smoke tests; the figures are then not comparable. */
export function useSmallSizes(): void {
  Object.assign(SIZES, { matmulSide: 256, addSide: 250, batch: 8 });
}

/** One library's side of a workload: `run` queues one op or step; `finish` waits until all of it is done. */
export interface Workload {
  run(): void;
  /** Reads back the last result (or loss), so every queued GPU command has completed. */
  finish(): Promise<void>;
  dispose(): void;
}

/** The libraries' backends the bench compares. */
export const CONTENDERS = ['neurite-webgpu', 'neurite-wasm', 'tfjs-webgpu', 'jax-webgpu'] as const;
/** The order they run in: neurite's wasm before its webgpu, so a GPU error cannot touch the CPU figures. */
export const RUN_ORDER: readonly ContenderId[] = [
  'neurite-wasm',
  'neurite-webgpu',
  'tfjs-webgpu',
  'jax-webgpu',
];
export type ContenderId = (typeof CONTENDERS)[number];

/** One contender's figures on one workload, or why it has none. */
export type Outcome =
  { ms: number; rounds: number; calls: number } | { error: string } | { unavailable: string };

export interface TimingOptions {
  /** Warm-up calls before timing (each batch of them finished). */
  warmupCalls: number;
  /** Timing budget, in ms. */
  budgetMs: number;
  /** Rounds at least, whatever the budget. */
  minRounds: number;
}

/**
 * Best-of timing: after `warmupCalls` calls, rounds of `batch` calls each end with `finish()` (a readback), and a
 * round's time / batch is one sample; the batch grows until a round takes ≥ 20 ms (so readback latency is
 * spread), and rounds go on until the budget is spent. Returns the fastest sample, in ms per call.
 */
export async function timeWorkload(workload: Workload, options: TimingOptions): Promise<Outcome> {
  for (let i = 0; i < options.warmupCalls; i++) workload.run();
  await workload.finish();
  let batch = 1;
  let best = Infinity;
  let rounds = 0;
  let calls = 0;
  const started = performance.now();
  while (rounds < options.minRounds || performance.now() - started < options.budgetMs) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) workload.run();
    await workload.finish();
    const elapsed = performance.now() - t0;
    best = Math.min(best, elapsed / batch);
    rounds++;
    calls += batch;
    if (elapsed < 20 && batch < 64) batch *= 2;
  }
  return { ms: best, rounds, calls };
}

/** Seconds of work per call in a workload's unit: GFLOP per matmul, samples per training step. */
export function throughput(id: WorkloadId, ms: number): { value: number; unit: string } {
  switch (id) {
    case 'matmul':
      return { value: (2 * SIZES.matmulSide ** 3) / 1e9 / (ms / 1000), unit: 'GFLOPS' };
    case 'add':
      return { value: (SIZES.addSide * SIZES.addSide * 12) / 1e9 / (ms / 1000), unit: 'GB/s' };
    default:
      return { value: SIZES.batch / (ms / 1000), unit: 'samples/s' };
  }
}
