// @file Model specs of the command line: parsing, the layers they build, and clear errors.
import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/index.js';
import { CNN_SPEC, buildModel, hiddenSizes, isConvolutional, parseModelSpec } from '../../src/cli/models.js';

describe('model specs', () => {
  it('parses perceptron, mlp and layer lists', () => {
    expect(hiddenSizes('perceptron')).toEqual([]);
    expect(hiddenSizes('mlp:256,128')).toEqual([256, 128]);
    expect(parseModelSpec('conv:32x3,bn,pool:2,avgpool:2,dense:64,dropout:0.5')).toEqual([
      { kind: 'conv', channels: 32, kernel: 3 },
      { kind: 'bn' },
      { kind: 'pool', size: 2 },
      { kind: 'avgpool', size: 2 },
      { kind: 'dense', units: 64 },
      { kind: 'dropout', p: 0.5 },
    ]);
    expect(parseModelSpec('cnn')).toEqual(parseModelSpec(CNN_SPEC));
    expect(isConvolutional('cnn')).toBe(true);
    expect(isConvolutional('mlp:8')).toBe(false);
  });

  it('builds the layers with the right shapes', () => {
    const model = buildModel({
      spec: 'cnn',
      activation: 'relu',
      dropout: 0,
      inputShape: [1, 28, 28],
      outputs: 10,
    });
    expect(model.toString()).toContain('BatchNorm2d');
    const names = model.namedParameters().map(([name, p]) => `${name}:${p.shape.join('x')}`);
    expect(names[0]).toMatch(/^0\.weight:\d+x1x\d+x\d+$/);
    expect(names[names.length - 2]).toMatch(/weight:10x\d+$/);
    const mlp = buildModel({ spec: 'mlp:4', activation: 'tanh', dropout: 0.1, inputShape: [2], outputs: 1 });
    expect(mlp.children().map((m) => m.constructor.name)).toEqual(['Linear', 'Tanh', 'Dropout', 'Linear']);
  });

  it('names the problem in bad specs', () => {
    expect(() => parseModelSpec('conv:32')).toThrow(/conv:CHANNELSxKERNEL/);
    expect(() => parseModelSpec('dense:0')).toThrow(ValueError);
    expect(() => parseModelSpec('transformer')).toThrow(/unknown model 'transformer'/);
    expect(() =>
      buildModel({ spec: 'conv:4x3', activation: 'relu', dropout: 0, inputShape: [2], outputs: 1 }),
    ).toThrow(/conv layers need image inputs/);
    expect(() =>
      buildModel({ spec: 'bn,dense:4', activation: 'relu', dropout: 0, inputShape: [2], outputs: 1 }),
    ).toThrow(/bn must follow a conv or dense layer/);
    expect(() =>
      buildModel({ spec: 'pool:64', activation: 'relu', dropout: 0, inputShape: [1, 28, 28], outputs: 1 }),
    ).toThrow(/larger than the 28×28 feature map/);
  });
});
