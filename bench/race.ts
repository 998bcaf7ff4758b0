// @file Interleaved timing of several contenders on one workload: warm each up, then time them in turns, round
// after round, so that a burst of load from other processes on a shared machine hits every contender.
import { settleMemory } from './settle.js';
import { combine, timeBatchesYielding, type Timing } from './timing.js';

/** One library's side of a workload, in this process: `run` does one op or step, `finish` forces completion. */
export interface Workload {
  run(): void;
  /** Makes deferred work complete (tfjs's dataSync on the last result); runs once per timed batch. */
  finish(): void;
  dispose(): void;
}

/** Something that can be warmed up and timed: a workload here, or one in another process (PyTorch). */
export interface Contender {
  warmUp(ms: number): Promise<void>;
  time(budgetMs: number): Promise<Timing>;
  dispose(): Promise<void>;
}

/** A contender that could not run the workload (e.g. tfjs-wasm has no kernel for a conv's filter gradient). */
export interface Failure {
  error: string;
}

export type Outcome = Timing | Failure;

export function failed(outcome: Outcome | undefined): outcome is Failure | undefined {
  return outcome === undefined || 'error' in outcome;
}

export interface RaceOptions {
  rounds: number;
  warmupMs: number;
  budgetMs: number;
}

/**
 * A workload run in this process. `activate` runs before every warm-up and timing: it selects the backend
 * (neurite's or tfjs's) that the workload was built for, since rounds interleave backends; then the event loop
 * turns after a collection (settle.ts), so that earlier batches' dead wasm storage is back in the arena; within
 * a batch it turns about every 10 ms, as in fit() (timeBatchesYielding).
 */
export function localContender(activate: () => Promise<void>, workload: Workload): Contender {
  return {
    warmUp: async (ms) => {
      await activate();
      await settleMemory();
      await timeBatchesYielding(workload.run, workload.finish, ms);
    },
    time: async (budgetMs) => {
      await activate();
      await settleMemory();
      return timeBatchesYielding(workload.run, workload.finish, budgetMs);
    },
    dispose: async () => {
      await activate();
      workload.dispose();
    },
  };
}

const message = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 160);

/**
 * Builds and warms up every contender, then times them in `rounds` interleaved rounds; reports each one's best
 * batch (and median). A contender that throws is reported as a Failure and left out of later rounds.
 */
export async function race<L extends string>(
  entries: readonly (readonly [L, () => Promise<Contender>])[],
  { rounds, warmupMs, budgetMs }: RaceOptions,
): Promise<Map<L, Outcome>> {
  const contenders = new Map<L, Contender>();
  const outcomes = new Map<L, Outcome>();
  const timings = new Map<L, Timing[]>();
  for (const [library, make] of entries) {
    try {
      const contender = await make();
      contenders.set(library, contender);
      await contender.warmUp(warmupMs);
      timings.set(library, []);
    } catch (error) {
      outcomes.set(library, { error: message(error) });
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const [library, runs] of timings) {
      if (outcomes.has(library)) continue;
      try {
        runs.push(await contenders.get(library)!.time(budgetMs));
      } catch (error) {
        outcomes.set(library, { error: message(error) });
      }
    }
  }
  for (const [library, contender] of contenders) {
    try {
      await contender.dispose();
    } catch {
      // a failed workload may hold half-built state; nothing more to free
    }
    if (!outcomes.has(library)) outcomes.set(library, combine(timings.get(library)!));
  }
  return new Map(entries.map(([library]) => [library, outcomes.get(library)!]));
}
