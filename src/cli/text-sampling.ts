// @file Picking the next character from a model's logits: temperature, top-k, and a draw from a seeded generator.
import { ValueError } from '../errors.js';
import type { Generator } from '../random/generator.js';

export interface SamplingOptions {
  /** τ ≥ 0: p ∝ exp(logit/τ); τ → 0 is greedy (argmax), τ = 1 the model's own distribution. */
  temperature: number;
  /** Keep only the k most likely characters (ties broken by lower index); undefined keeps all. */
  topK?: number;
}

/** Checks temperature (finite, ≥ 0) and top-k (a positive integer), naming the flag. */
export function checkSamplingOptions(options: SamplingOptions): void {
  const { temperature, topK } = options;
  if (!(Number.isFinite(temperature) && temperature >= 0))
    throw new ValueError('--temperature', `must be a finite number ≥ 0, got ${temperature}`);
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1))
    throw new ValueError('--top-k', `must be a positive integer, got ${topK}`);
}

/** Index of the largest logit (the first one on ties); NaN logits are refused. */
export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 0; i < logits.length; i++) {
    if (Number.isNaN(logits[i]!)) throw new ValueError('generate', `the model's logit ${i} is NaN`);
    if (logits[i]! > logits[best]!) best = i;
  }
  return best;
}

/**
 * The probabilities sampling draws from: the k largest logits (all when topK is undefined or ≥ their number),
 * divided by τ, through a softmax computed in float64 with the maximum subtracted; the rest get 0.
 * τ = 0 puts all mass on the argmax.
 */
export function samplingDistribution(logits: ArrayLike<number>, options: SamplingOptions): Float64Array {
  checkSamplingOptions(options);
  const n = logits.length;
  const probs = new Float64Array(n);
  const best = argmax(logits);
  if (options.temperature === 0 || options.topK === 1) {
    probs[best] = 1;
    return probs;
  }
  let kept = Array.from({ length: n }, (_, i) => i);
  if (options.topK !== undefined && options.topK < n) {
    kept = kept.sort((a, b) => logits[b]! - logits[a]! || a - b).slice(0, options.topK);
  }
  const top = logits[best]!;
  let sum = 0;
  for (const i of kept) {
    const p = Math.exp((logits[i]! - top) / options.temperature);
    probs[i] = p;
    sum += p;
  }
  for (const i of kept) probs[i]! /= sum;
  return probs;
}

/** Draws an index from `probs` (summing to 1) with one uniform number u ∈ [0, 1): the first i with Σ₀..ᵢ p > u. */
export function drawIndex(probs: ArrayLike<number>, generator: Generator): number {
  const u = generator.uniform();
  let cumulative = 0;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i]! <= 0) continue;
    last = i;
    cumulative += probs[i]!;
    if (u < cumulative) return i;
  }
  return last; // rounding left the sum just below u
}

/** The next character's index: the sampling distribution of `logits`, drawn from with `generator`. */
export function sampleNext(
  logits: ArrayLike<number>,
  options: SamplingOptions,
  generator: Generator,
): number {
  return drawIndex(samplingDistribution(logits, options), generator);
}
