// @file Picking the next character from a model's logits: temperature, top-k (topk), softmax and a seeded multinomial draw.
import { ValueError } from '../errors.js';
import { multinomial } from '../ops/multinomial.js';
import { softmax } from '../ops/softmax.js';
import { topk } from '../ops/sort.js';
import type { Generator } from '../random/generator.js';
import type { Tensor } from '../tensor/tensor.js';

export interface SamplingOptions {
  /** τ ≥ 0: p ∝ exp(logit/τ); τ = 0 is greedy (argmax), τ = 1 the model's own distribution. */
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
export function argmaxIndex(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 0; i < logits.length; i++) {
    if (Number.isNaN(logits[i]!)) throw new ValueError('generate', `the model's logit ${i} is NaN`);
    if (logits[i]! > logits[best]!) best = i;
  }
  return best;
}

/**
 * The next character's index from one row of logits [V], as a PyTorch sampling loop does it:
 *
 *   τ = 0 or k = 1:  argmax(logits)
 *   otherwise:       z = logits / τ; keep topk(z, k) (all V without k); p = softmax(z); i ~ multinomial(p)
 *
 * so character c is drawn with probability exp(z_c) / Σ_{kept} exp(z_j) (0 for the others), one draw from
 * `generator` per call.
 */
export function sampleNext(logits: Tensor, options: SamplingOptions, generator: Generator): number {
  checkSamplingOptions(options);
  const values = logits.dataSync();
  const best = argmaxIndex(values);
  if (options.temperature === 0 || options.topK === 1) return best;
  // A τ so small that logit/τ overflows leaves only the argmax with any probability.
  if (!Number.isFinite(Math.abs(values[best]!) / options.temperature)) return best;
  const scaled = logits.div(options.temperature);
  if (options.topK !== undefined && options.topK < scaled.numel()) {
    const top = topk(scaled, options.topK);
    const pick = multinomial(softmax(top.values, 0), 1, { generator }).item();
    return top.indices.dataSync()[pick]!;
  }
  return multinomial(softmax(scaled, 0), 1, { generator }).item();
}
