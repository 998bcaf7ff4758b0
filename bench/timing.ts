// @file Timing helpers for the benchmarks: calibrated batches under a time budget, best and median per op.

/** Milliseconds per call of one workload: the best batch (least disturbed by other processes) and the median. */
export interface Timing {
  bestMs: number;
  medianMs: number;
  /** Calls timed in total, warm-up excluded. */
  calls: number;
}

/**
 * Times `run` in batches long enough (≥ `minBatchMs`) for the clock's resolution, until `budgetMs` is spent
 * (at least `minBatches` batches; the calibrating batches count, so a call slower than the budget runs once). `finish` runs once at the end of each batch, inside the timing: it is how
 * a library that may defer work is made to complete it (e.g. tfjs's dataSync on the batch's last result).
 */
export function timeBatches(
  run: () => void,
  finish: () => void,
  budgetMs: number,
  minBatches = 1,
  minBatchMs = 20,
): Timing {
  const once = () => {
    const start = performance.now();
    run();
    finish();
    return performance.now() - start;
  };
  const deadline = performance.now() + budgetMs;
  // Calibrate: double the batch size until one batch lasts minBatchMs.
  let reps = 1;
  let elapsed = once();
  while (elapsed < minBatchMs) {
    reps *= 2;
    const start = performance.now();
    for (let r = 0; r < reps; r++) run();
    finish();
    elapsed = performance.now() - start;
  }
  const perCall: number[] = [elapsed / reps];
  let calls = reps;
  while (perCall.length < minBatches || performance.now() < deadline) {
    const start = performance.now();
    for (let r = 0; r < reps; r++) run();
    finish();
    perCall.push((performance.now() - start) / reps);
    calls += reps;
  }
  perCall.sort((x, y) => x - y);
  return { bestMs: perCall[0]!, medianMs: perCall[perCall.length >> 1]!, calls };
}

/** Lets the event loop turn (Node's setImmediate). */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * timeBatches, but between calls the event loop turns about every `yieldMs` (inside the timing), as in fit()
 * (src/train/event-loop.ts) or any training loop that awaits now and then: finalizers then return dead tensors'
 * wasm storage to the arena during a batch, as they do in such a loop. Used for every contender alike.
 */
export async function timeBatchesYielding(
  run: () => void,
  finish: () => void,
  budgetMs: number,
  yieldMs = 10,
  minBatchMs = 20,
): Promise<Timing> {
  let lastTurn = performance.now();
  const batch = async (reps: number): Promise<number> => {
    const start = performance.now();
    for (let r = 0; r < reps; r++) {
      run();
      if (performance.now() - lastTurn >= yieldMs) {
        await turn();
        lastTurn = performance.now();
      }
    }
    finish();
    return performance.now() - start;
  };
  const deadline = performance.now() + budgetMs;
  let reps = 1;
  let elapsed = await batch(1);
  while (elapsed < minBatchMs) {
    reps *= 2;
    elapsed = await batch(reps);
  }
  const perCall: number[] = [elapsed / reps];
  let calls = reps;
  while (performance.now() < deadline) {
    perCall.push((await batch(reps)) / reps);
    calls += reps;
  }
  perCall.sort((x, y) => x - y);
  return { bestMs: perCall[0]!, medianMs: perCall[perCall.length >> 1]!, calls };
}

/** Combines timings of the same workload from several rounds: best of bests, median of medians. */
export function combine(timings: readonly Timing[]): Timing {
  const medians = timings.map((t) => t.medianMs).sort((x, y) => x - y);
  return {
    bestMs: Math.min(...timings.map((t) => t.bestMs)),
    medianMs: medians[medians.length >> 1]!,
    calls: timings.reduce((s, t) => s + t.calls, 0),
  };
}
