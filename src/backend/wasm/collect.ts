// @file A full garbage collection on request (Node only), so that dead tensors' arena blocks come back sooner.
import type * as V8 from 'node:v8';
import type * as Vm from 'node:vm';

type Collect = () => void;

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

/** Collections may take at most this share of the time (a large heap makes each one slower, and rarer). */
const MAX_TIME_SHARE = 0.02;
let lastEnd = -Infinity;
let lastCost = 0;

/**
 * Runs a full garbage collection if the engine allows one and, unless `always`, if the time since the last one
 * is at least 50 times what that one took; returns whether it ran.
 */
export function collectGarbage(always = false): boolean {
  if (collector === undefined) collector = findCollector();
  if (collector === null) return false;
  const start = performance.now();
  if (!always && start - lastEnd < lastCost / MAX_TIME_SHARE) return false;
  collector();
  lastEnd = performance.now();
  lastCost = lastEnd - start;
  return true;
}
