// @file The sequence page's settings: task, data and model size, learning rate, seed; mirrored in the URL query.
import { TASK_NAMES, VOCABULARY_NAMES, type TaskName, type VocabularyName } from './tasks.js';

export interface SequenceSettings {
  task: TaskName;
  vocabulary: VocabularyName;
  /** Tokens per sequence. */
  length: number;
  /** Width of the token and position embeddings and of every attention layer (embedDim). */
  dModel: number;
  numHeads: number;
  /** Attention blocks stacked (each: multi-head self-attention, residual, LayerNorm). */
  numLayers: number;
  lr: number;
  batchSize: number;
  seed: number;
}

export const DEFAULT_SETTINGS: SequenceSettings = {
  task: 'reverse',
  vocabulary: 'digits',
  length: 8,
  dModel: 32,
  numHeads: 2,
  numLayers: 1,
  lr: 0.001,
  batchSize: 64,
  seed: 1,
};

/** The values each control offers (dModel is divisible by every head count). */
export const CHOICES = {
  length: [4, 5, 6, 7, 8, 10, 12, 16],
  dModel: [16, 32, 64],
  numHeads: [1, 2, 4],
  numLayers: [1, 2],
  lr: [0.0003, 0.001, 0.003, 0.01, 0.03],
  batchSize: [16, 32, 64, 128],
} as const satisfies Record<string, readonly number[]>;

type NumberSetting = keyof typeof CHOICES;

/** URL query key of each setting. */
const QUERY_KEYS: Record<keyof SequenceSettings, string> = {
  task: 'task',
  vocabulary: 'vocab',
  length: 'len',
  dModel: 'd',
  numHeads: 'heads',
  numLayers: 'layers',
  lr: 'lr',
  batchSize: 'batch',
  seed: 'seed',
};

const NUMBER_SETTINGS = Object.keys(CHOICES) as NumberSetting[];
const MAX_SEED = 2 ** 31 - 1;

/**
 * Settings from a URL query (`?task=sort&len=6`); a missing, unknown or out-of-range value keeps its default, so
 * a hand-edited link never breaks the page.
 */
export function settingsFromQuery(query: string): SequenceSettings {
  const params = new URLSearchParams(query);
  const settings: SequenceSettings = { ...DEFAULT_SETTINGS };
  const task = params.get(QUERY_KEYS.task);
  if (task !== null && (TASK_NAMES as string[]).includes(task)) settings.task = task as TaskName;
  const vocabulary = params.get(QUERY_KEYS.vocabulary);
  if (vocabulary !== null && (VOCABULARY_NAMES as string[]).includes(vocabulary)) {
    settings.vocabulary = vocabulary as VocabularyName;
  }
  const numberOf = (key: keyof SequenceSettings): number => {
    const text = params.get(QUERY_KEYS[key]);
    return text === null || text.trim() === '' ? NaN : Number(text);
  };
  for (const key of NUMBER_SETTINGS) {
    const value = numberOf(key);
    if ((CHOICES[key] as readonly number[]).includes(value)) settings[key] = value;
  }
  const seed = numberOf('seed');
  if (Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED) settings.seed = seed;
  return settings;
}

/** The query string of the settings that differ from the defaults ('' when none do). */
export function settingsToQuery(settings: SequenceSettings): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(QUERY_KEYS) as (keyof SequenceSettings)[]) {
    if (settings[key] !== DEFAULT_SETTINGS[key]) params.set(QUERY_KEYS[key], String(settings[key]));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
