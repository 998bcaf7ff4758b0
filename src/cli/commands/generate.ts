// @file `neurite generate RUN --prompt … --length N`: sample text from a saved character language model.
import { Option, type Command } from 'commander';
import { ValueError } from '../../errors.js';
import { nonNegative, nonNegativeInt, positiveInt } from '../flag-parsers.js';
import { loadPredictor } from '../run.js';
import { isTextEncoding } from '../text-data.js';
import { generateText, MAX_GENERATE_LENGTH } from '../text-generate.js';
import type { Print } from './train.js';

export interface GenerateCommandOptions {
  /** Default: a newline, when the vocabulary has one. */
  prompt?: string;
  length: number;
  temperature: number;
  topK?: number;
  seed: number;
}

/**
 * Loads a text run (run.json's vocabulary and model.safetensors only; the text file is not read), feeds it the
 * prompt and prints the prompt followed by `length` sampled characters.
 */
export function generateCommand(dir: string, options: GenerateCommandOptions, print: Print): void {
  const { model, encoding } = loadPredictor(dir);
  if (!isTextEncoding(encoding)) {
    throw new ValueError(
      'generate',
      `${dir} is not a character language model: train one with 'neurite train text:PATH --model lstm:256,2'`,
    );
  }
  let prompt = options.prompt;
  if (prompt === undefined) {
    if (!encoding.vocabulary.includes(0x0a))
      throw new ValueError('--prompt', `the text of ${dir} has no newline to start from: give --prompt`);
    prompt = '\n';
  }
  const text = generateText(model, encoding.vocabulary, encoding.inputShape[0]!, {
    prompt,
    length: options.length,
    temperature: options.temperature,
    seed: options.seed,
    ...(options.topK !== undefined ? { topK: options.topK } : {}),
  });
  print(prompt + text);
}

/** Adds `generate` to the command tree. */
export function addGenerateCommand(program: Command, print: Print): void {
  program
    .command('generate')
    .description('sample text from a character language model trained with neurite train text:PATH')
    .argument('<run-dir>', 'a directory written by neurite train text:PATH')
    .option(
      '--prompt <text>',
      'text to start from (default: a newline); every character must be in the training text',
    )
    .addOption(
      new Option('--length <n>', `characters to generate after the prompt (at most ${MAX_GENERATE_LENGTH})`)
        .argParser(positiveInt('--length'))
        .default(300),
    )
    .option(
      '--temperature <τ>',
      'divide the logits by τ before sampling: 1 samples the model as trained, lower is more conservative, 0 always picks the most likely character',
      nonNegative('--temperature'),
      0.8,
    )
    .option(
      '--top-k <k>',
      'sample only among the k most likely characters (1: greedy)',
      positiveInt('--top-k'),
    )
    .option('--seed <n>', 'random seed of the sampling', nonNegativeInt('--seed'), 0)
    .action(
      (
        dir: string,
        flags: { prompt?: string; length: number; temperature: number; topK?: number; seed: number },
      ) =>
        generateCommand(
          dir,
          {
            length: flags.length,
            temperature: flags.temperature,
            seed: flags.seed,
            ...(flags.prompt !== undefined ? { prompt: flags.prompt } : {}),
            ...(flags.topK !== undefined ? { topK: flags.topK } : {}),
          },
          print,
        ),
    );
}
