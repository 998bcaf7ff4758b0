// @file Loads the nn fixture (test/fixtures/nn.json, from scripts/fixtures/nn.py); the layer registry lives in runners/nn.ts.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../../src/index.js';
import { decode, type Encoded } from '../helpers/golden.js';
import type { LayerEntry, ModelEntry, ModuleCase } from './runners/nn.js';

export {
  LAYERS,
  type FloatDType,
  type LayerEntry,
  type LayerSpec,
  type ModelEntry,
  type ModuleCase,
  type Step,
} from './runners/nn.js';

export interface NnFixture {
  torch: string;
  layers: LayerEntry[];
  cases: ModuleCase[];
  models: ModelEntry[];
  init: {
    gains: { nonlinearity: string; param: number | null; gain: number }[];
    fans: { shape: number[]; fanIn: number; fanOut: number }[];
  };
}

const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'nn.json');

export function loadNnFixture(): NnFixture {
  return JSON.parse(readFileSync(path, 'utf8')) as NnFixture;
}

/** Decodes a fixture state dict into tensors. */
export function decodeState(state: Record<string, Encoded>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, decode(v)]));
}
