// @file Sampling text from a character model: a stateful LSTM carries (h, c); a Transformer slides a window.
import { noGrad } from '../autograd/grad-mode.js';
import { ValueError } from '../errors.js';
import { decodeCharacters, encodeCharacters } from '../data/datasets/text.js';
import type { Sequential } from '../nn/layers/container.js';
import { Generator } from '../random/generator.js';
import { Tensor } from '../tensor/tensor.js';
import { LSTMOutputs } from './text-models.js';
import { checkSamplingOptions, sampleNext, type SamplingOptions } from './text-sampling.js';

export interface GenerateOptions extends SamplingOptions {
  /** Text the model reads first; every character must be in the vocabulary. */
  prompt: string;
  /** Characters to generate after the prompt. */
  length: number;
  /** Seed of the sampling generator (the same seed gives the same text). */
  seed: number;
}

/** Most characters one call generates. */
export const MAX_GENERATE_LENGTH = 1_000_000;

/** The last position's logits [V] of logits [1, L, V]. */
function lastLogits(logits: Tensor): Tensor {
  const v = logits.shape[logits.ndim - 1]!;
  const values = logits.dataSync();
  return new Tensor(values.slice(values.length - v), [v], logits.dtype);
}

const window = (ids: number[]): Tensor => new Tensor(Int32Array.from(ids), [1, ids.length], 'int32');

/**
 * Continues `prompt` by `length` characters sampled from a text run's model (see buildTextModel), in eval mode
 * without gradients. An LSTM reads the prompt once and then one character per step, carrying its (h, c) state;
 * a Transformer reads the last `seqLen` characters (its training window) at every step. Returns only the
 * generated characters.
 */
export function generateText(
  model: Sequential,
  vocabulary: readonly number[],
  seqLen: number,
  options: GenerateOptions,
): string {
  checkSamplingOptions(options);
  if (!(Number.isInteger(options.length) && options.length >= 0 && options.length <= MAX_GENERATE_LENGTH))
    throw new ValueError(
      '--length',
      `must be an integer from 0 to ${MAX_GENERATE_LENGTH}, got ${options.length}`,
    );
  if (options.prompt === '') throw new ValueError('--prompt', 'must hold at least one character');
  const prompt = Array.from(encodeCharacters(options.prompt, vocabulary, '--prompt'));
  const generator = new Generator(options.seed);
  const out: number[] = [];
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => {
      const recurrent = model.at(1);
      if (recurrent instanceof LSTMOutputs) {
        const [embedding, head] = [model.at(0), model.at(2)];
        let [outputs, state] = recurrent.step(embedding.forward(window(prompt)), null);
        for (let i = 0; i < options.length; i++) {
          const next = sampleNext(lastLogits(head.forward(outputs)), options, generator);
          out.push(next);
          if (i + 1 < options.length)
            [outputs, state] = recurrent.step(embedding.forward(window([next])), state);
        }
      } else {
        const context = [...prompt];
        for (let i = 0; i < options.length; i++) {
          const next = sampleNext(
            lastLogits(model.forward(window(context.slice(-seqLen)))),
            options,
            generator,
          );
          out.push(next);
          context.push(next);
        }
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return decodeCharacters(out, vocabulary);
}
