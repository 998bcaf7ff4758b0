// @file A full garbage collection on request (Node only), so that dead tensors' arena blocks come back sooner.
import type * as V8 from 'node:v8';
import type * as Vm from 'node:vm';

/** V8's `gc`: a blocking full collection without options, a concurrent one with `execution: 'async'`. */
type Collect = (options?: { type: 'major'; execution: 'async' }) => void;

let collector: Collect | null | undefined;

/**
 * V8's `gc()` where Node lets a library reach it (process.getBuiltinModule, Node ≥ 20.16): the --expose-gc flag
 * set at run time, then `gc` read from a fresh context. Null in browsers and where it fails. The arena's blocks
 * come back only after a full collection finds their arrays dead, and V8 schedules those by the JavaScript heap,
 * which arena arrays barely grow (a view of linear memory is a few dozen bytes): without a nudge a training loop
 * makes hundreds of MB of dead blocks between two collections.
 */
function findCollector(): Collect | null {
  const process = globalThis.process as (NodeJS.Process & { getBuiltinModule?: unknown }) | undefined;
  if (typeof process?.getBuiltinModule !== 'function') return null;
  try {
    const v8 = process.getBuiltinModule('node:v8') as typeof V8;
    const vm = process.getBuiltinModule('node:vm') as typeof Vm;
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? (gc as Collect) : null;
  } catch {
    return null;
  }
}

/** Blocking collections may take at most this share of the time (a large heap makes each one slower, and rarer). */
const MAX_TIME_SHARE = 0.02;
/**
 * Concurrent ones may be requested as if they took this share: their marking runs mostly on V8's helper threads,
 * so more frequent ones cost the loop little, and return dead blocks before the arena fills (a CNN training step
 * hands out ~40 MB, a 256 MB arena lasts ~6 steps).
 */
const MAX_CONCURRENT_SHARE = 0.1;
/**
 * Every this many collections one blocks, to measure what a collection costs now; the others are started
 * concurrently (`execution: 'async'`: marked on V8's helper threads and in small steps, so the caller does not
 * stop for the 10–30 ms a blocking one takes in a training loop), and are budgeted at the measured cost.
 */
const MEASURE_EVERY = 16;
let lastEnd = -Infinity;
let lastCost = 0;
let requests = 0;

/**
 * Runs a full garbage collection if the engine allows one and, unless `always`, if the time since the last one
 * is at least 50 times what a collection costs for a blocking one (MAX_TIME_SHARE), 10 times for a concurrent one
 * (MAX_CONCURRENT_SHARE); returns whether it ran. `always` blocks until the collection is done; otherwise most
 * collections run concurrently (MEASURE_EVERY).
 */
export function collectGarbage(always = false): boolean {
  if (collector === undefined) collector = findCollector();
  if (collector === null) return false;
  const start = performance.now();
  const blocking = always || requests % MEASURE_EVERY === 0;
  const share = blocking ? MAX_TIME_SHARE : MAX_CONCURRENT_SHARE;
  if (!always && start - lastEnd < lastCost / share) return false;
  if (blocking) {
    collector();
    lastCost = performance.now() - start;
  } else collector({ type: 'major', execution: 'async' });
  requests++;
  lastEnd = performance.now();
  return true;
}
