// @file Draws from one categorical distribution given by non-negative weights, with or without replacement.
import type { Generator } from './generator.js';

/**
 * Writes `count` draws of category indices, each i with probability wᵢ/Σw, into `out` from `outOffset` on.
 * The weights are `weights[offset … offset + size)`, non-negative and finite with a positive sum (the caller
 * checks). Inverse-CDF sampling: u ~ U[0, 1), the first i with c_i > u·c_last where c is the running sum, found by
 * bisection; a zero weight never satisfies it, so zero-probability categories are never drawn.
 */
export function sampleWithReplacement(
  generator: Generator,
  weights: ArrayLike<number>,
  offset: number,
  size: number,
  count: number,
  out: Int32Array,
  outOffset: number,
): void {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let i = 0; i < size; i++) {
    total += weights[offset + i]!;
    cumulative[i] = total;
  }
  for (let s = 0; s < count; s++) {
    const target = generator.uniform() * total;
    let low = 0;
    let high = size - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (cumulative[mid]! > target) high = mid;
      else low = mid + 1;
    }
    out[outOffset + s] = low;
  }
}

/**
 * Writes `count` distinct category indices (count ≤ size), drawn one after another without replacement: each
 * draw picks among the categories left with probability proportional to their weights. Computed in one pass
 * by exponential keys (Efraimidis & Spirakis, 2006): kᵢ = wᵢ/Eᵢ with Eᵢ ~ Exp(1); the categories with the
 * `count` largest keys, largest first, have exactly that distribution. Zero weights have key 0, so they come only
 * after every positive-weight category is drawn (then in index order), as in PyTorch.
 */
export function sampleWithoutReplacement(
  generator: Generator,
  weights: ArrayLike<number>,
  offset: number,
  size: number,
  count: number,
  out: Int32Array,
  outOffset: number,
): void {
  const keys = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const w = weights[offset + i]!;
    const exponential = -Math.log(1 - generator.uniform()); // 1 − u ∈ (0, 1]: finite
    keys[i] = w === 0 ? 0 : exponential === 0 ? Infinity : w / exponential;
  }
  if (count <= FEW) {
    // A few samples: pick the largest remaining key count times (ties to the lower index), O(count·size).
    for (let s = 0; s < count; s++) {
      let best = 0;
      for (let i = 1; i < size; i++) if (keys[i]! > keys[best]!) best = i;
      out[outOffset + s] = best;
      keys[best] = -1; // below every key (keys are ≥ 0), so it is not picked again
    }
    return;
  }
  const order = Array.from({ length: size }, (_, i) => i);
  order.sort((a, b) => keys[b]! - keys[a]! || a - b);
  for (let s = 0; s < count; s++) out[outOffset + s] = order[s]!;
}

/** Up to this many samples, repeated scans beat sorting all the keys. */
const FEW = 16;
