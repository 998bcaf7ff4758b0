// @file The Fashion-MNIST page's run limits from its URL: `?train=5000&test=2000&live=500&seed=2` (defaults: the
// whole data set, 1000 live test images, seed 1); a value outside its range keeps the default.
import type { RunLimits } from './protocol.js';

export const DEFAULT_LIMITS: RunLimits = { train: 60_000, test: 10_000, live: 1000, seed: 1 };

/** Each limit's range. */
const RANGES: Record<keyof RunLimits, [number, number]> = {
  train: [1, 60_000],
  test: [1, 10_000],
  live: [1, 10_000],
  seed: [0, 2 ** 31 - 1],
};

/** The limits a query string sets; absent, non-integer or out-of-range values keep their defaults. */
export function limitsFromQuery(query: URLSearchParams): RunLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(RANGES) as (keyof RunLimits)[]) {
    const text = query.get(key);
    if (text === null) continue;
    const value = Number(text);
    const [low, high] = RANGES[key];
    if (Number.isInteger(value) && value >= low && value <= high) limits[key] = value;
  }
  return limits;
}
