// @file nn layers and models against PyTorch: prints, state-dict keys, forward values, gradients, running stats.
import { describe, expect, it } from 'vitest';
import { decode, expectClose } from '../helpers/golden.js';
import { loadNnFixture } from './nn-fixture.js';
import { LAYERS, MODELS, replayModel, replayModuleCase, type GoldenChecks } from './runners/nn.js';

const fixture = loadNnFixture();
const NODE_CHECKS: GoldenChecks = { decode, close: expectClose, fail: (message) => expect.fail(message) };

describe('every fixture layer has a TS constructor, and the other way round', () => {
  it('descriptors match', () => {
    expect(Object.keys(LAYERS).sort()).toEqual(fixture.layers.map((l) => l.descriptor).sort());
  });
});

describe('layer prints and state-dict keys match PyTorch', () => {
  for (const entry of fixture.layers) {
    it(entry.descriptor, () => {
      const layer = LAYERS[entry.descriptor]!.make('float32');
      expect(layer.toString()).toBe(entry.repr);
      const state = layer.stateDict();
      expect(Object.keys(state)).toEqual(entry.stateDict.map((s) => s.key));
      for (const { key, shape, dtype } of entry.stateDict) {
        expect(state[key]!.shape, key).toEqual(shape);
        expect(state[key]!.dtype, key).toBe(dtype);
      }
      expect(layer.namedParameters().map(([name]) => name)).toEqual(entry.parameters);
    });
  }
});

describe('layer forward, gradients and running statistics match PyTorch', () => {
  for (const c of fixture.cases) {
    it(c.name, () => replayModuleCase(c, NODE_CHECKS));
  }
});

describe('models match PyTorch: print, state-dict keys, loaded weights, eval forward and backward', () => {
  it('has a builder for every fixture model', () => {
    expect(Object.keys(MODELS).sort()).toEqual(fixture.models.map((m) => m.name).sort());
  });
  for (const entry of fixture.models) {
    it(entry.name, async () => {
      const model = MODELS[entry.name]!();
      expect(model.toString()).toBe(entry.repr);
      expect(Object.keys(model.stateDict())).toEqual(Object.keys(entry.stateDict));
      await replayModel(entry, NODE_CHECKS);
    });
  }
});
