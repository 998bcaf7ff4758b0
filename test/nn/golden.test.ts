// @file nn layers and models against PyTorch: prints, state-dict keys, forward values, gradients, running stats.
import { describe, expect, it } from 'vitest';
import { nn, type Tensor } from '../../src/index.js';
import { decode, expectClose } from '../helpers/golden.js';
import { LAYERS, decodeState, loadNnFixture, type ModelEntry } from './nn-fixture.js';

const fixture = loadNnFixture();

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
    it(c.name, () => {
      const layer = LAYERS[c.descriptor]!.make('float32');
      layer.loadStateDict(decodeState(c.state));
      const params = new Map(layer.namedParameters());
      c.steps.forEach((step, s) => {
        layer.train(step.training);
        const x = decode(step.input, step.input.dtype !== 'int32');
        const out = layer.forward(x);
        expectClose(out, step.output, `step ${s} output`);
        layer.zeroGrad();
        out.backward(decode(step.gradOutput));
        if (step.gradInput) expectClose(x.grad!, step.gradInput, `step ${s} grad of input`);
        for (const [name, expected] of Object.entries(step.grads)) {
          const grad = params.get(name)!.grad;
          if (expected === null) expect(grad, `step ${s} grad of ${name}`).toBeNull();
          else expectClose(grad!, expected, `step ${s} grad of ${name}`);
        }
        const state = layer.stateDict();
        expect(Object.keys(state)).toEqual(Object.keys(step.state));
        for (const [key, expected] of Object.entries(step.state)) {
          expectClose(state[key]!, expected, `step ${s} state ${key}`);
        }
      });
    });
  }
});

/** The custom model of the fixture, field for field (PyTorch finds children in the same declaration order). */
class Net extends nn.Module {
  embed = new nn.Embedding(10, 4, { paddingIdx: 0 });
  blocks = new nn.ModuleList<nn.TensorModule>([new nn.Linear(4, 4), new nn.LayerNorm(4), new nn.GELU()]);
  heads = new nn.ModuleDict<nn.TensorModule>({ cls: new nn.Linear(4, 3), reg: new nn.Linear(4, 1) });
  drop = new nn.Dropout(0.1);

  forward(indices: Tensor): Tensor {
    let h = this.embed.forward(indices).mean(1);
    for (const block of this.blocks) h = block.forward(h);
    h = this.drop.forward(h);
    return this.heads.get('cls').forward(h).mul(this.heads.get('reg').forward(h));
  }
}

const MODELS: Record<string, () => nn.TensorModule> = {
  mlp: () => new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1)),
  nested: () =>
    new nn.Sequential(
      new nn.Flatten(),
      new nn.Sequential(new nn.Linear(6, 8), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Dropout(0.2)),
      new nn.Sequential(new nn.Linear(8, 3), new nn.LogSoftmax(1)),
    ),
  net: () => new Net(),
};

describe('models match PyTorch: print, state-dict keys, loaded weights, eval forward and backward', () => {
  it('has a builder for every fixture model', () => {
    expect(Object.keys(MODELS).sort()).toEqual(fixture.models.map((m) => m.name).sort());
  });
  for (const entry of fixture.models as ModelEntry[]) {
    it(entry.name, () => {
      const model = MODELS[entry.name]!();
      expect(model.toString()).toBe(entry.repr);
      expect(Object.keys(model.stateDict())).toEqual(Object.keys(entry.stateDict));
      model.loadStateDict(decodeState(entry.stateDict));
      model.eval();
      const x = decode(entry.input, entry.input.dtype !== 'int32');
      const out = model.forward(x);
      expectClose(out, entry.output, 'output');
      out.backward(decode(entry.gradOutput));
      if (entry.gradInput) expectClose(x.grad!, entry.gradInput, 'grad of input');
      const params = new Map(model.namedParameters());
      expect([...params.keys()]).toEqual(Object.keys(entry.grads));
      for (const [name, expected] of Object.entries(entry.grads)) {
        if (expected) expectClose(params.get(name)!.grad!, expected, `grad of ${name}`);
      }
    });
  }
});
