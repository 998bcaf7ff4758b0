// @file loadStateDict reads PyTorch's snake_case keys into camelCase fields when the mapping is unambiguous.
import { describe, expect, it } from 'vitest';
import { nn, tensor, type Tensor } from '../../src/index.js';
import { snakeCaseKey } from '../../src/nn/module.js';

/** The PyTorch Quickstart model; PyTorch names its field `linear_relu_stack`. */
class NeuralNetwork extends nn.Module {
  flatten = new nn.Flatten();
  linearReluStack = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
  convBlock = new nn.Sequential(new nn.BatchNorm1d(2));
  forward(x: Tensor): Tensor {
    return this.convBlock.forward(this.linearReluStack.forward(this.flatten.forward(x)));
  }
}

/** The keys `NeuralNetwork().state_dict()` lists in PyTorch 1.13, with values of the right shapes. */
function pytorchStateDict(): Record<string, Tensor> {
  const fill = (shape: number[], start: number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(Array.from({ length: n }, (_, i) => start + i / 10)).reshape(shape);
  };
  return {
    'linear_relu_stack.0.weight': fill([3, 4], 1),
    'linear_relu_stack.0.bias': fill([3], 2),
    'linear_relu_stack.2.weight': fill([2, 3], 3),
    'linear_relu_stack.2.bias': fill([2], 4),
    'conv_block.0.weight': fill([2], 5),
    'conv_block.0.bias': fill([2], 6),
    'conv_block.0.running_mean': fill([2], 7),
    'conv_block.0.running_var': fill([2], 8),
    'conv_block.0.num_batches_tracked': tensor(3, { dtype: 'int32' }),
  };
}

describe('loadStateDict with PyTorch key names', () => {
  it('spells camelCase keys as PyTorch does', () => {
    expect(snakeCaseKey('linearReluStack.0.weight')).toBe('linear_relu_stack.0.weight');
    expect(snakeCaseKey('fc1.bias')).toBe('fc1.bias');
    expect(snakeCaseKey('block2Conv.running_mean')).toBe('block2_conv.running_mean');
  });

  it('loads a PyTorch state dict of the same architecture without renaming', () => {
    const model = new NeuralNetwork();
    const source = pytorchStateDict();
    const result = model.loadStateDict(source);
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const loaded = model.stateDict();
    expect(loaded['linearReluStack.0.weight']!.toArray()).toEqual(
      source['linear_relu_stack.0.weight']!.toArray(),
    );
    expect(loaded['linearReluStack.2.bias']!.toArray()).toEqual(
      source['linear_relu_stack.2.bias']!.toArray(),
    );
    expect(loaded['convBlock.0.running_var']!.toArray()).toEqual(
      source['conv_block.0.running_var']!.toArray(),
    );
    expect(loaded['convBlock.0.num_batches_tracked']!.item()).toBe(3);
  });

  it('prefers an exact key and leaves a doubly given key unexpected', () => {
    const model = new NeuralNetwork();
    const source = { ...pytorchStateDict(), 'linearReluStack.0.bias': tensor([9, 9, 9]) };
    expect(() => model.loadStateDict(source)).toThrow(
      /Unexpected key\(s\) in state_dict: "linear_relu_stack.0.bias"/,
    );
    const result = model.loadStateDict(source, { strict: false });
    expect(result.unexpectedKeys).toEqual(['linear_relu_stack.0.bias']);
    expect(model.linearReluStack.stateDict()['0.bias']!.toArray()).toEqual([9, 9, 9]);
  });

  it('does not guess when two fields share a snake_case spelling', () => {
    class Twins extends nn.Module {
      fooBar = new nn.Linear(1, 1);
      foo_bar = new nn.Linear(1, 1);
      forward(x: Tensor): Tensor {
        return this.fooBar.forward(this.foo_bar.forward(x));
      }
    }
    const model = new Twins();
    const result = model.loadStateDict(
      { 'foo_bar.weight': tensor([[2]]), 'foo_bar.bias': tensor([3]), 'foo_bar.extra': tensor([1]) },
      { strict: false },
    );
    expect(result.missingKeys).toEqual(['fooBar.weight', 'fooBar.bias']);
    expect(result.unexpectedKeys).toEqual(['foo_bar.extra']);
    expect(model.foo_bar.weight.item()).toBe(2);
  });
});
