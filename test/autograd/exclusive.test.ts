// @file Leaf gradients stored without a copy (exclusiveGrad) never alias another gradient, a user's tensor or a saved one.
import { describe, expect, it } from 'vitest';
import { exclusiveGrad } from '../../src/autograd/exclusive.js';
import { record } from '../../src/autograd/node.js';
import { linear, manualSeed, nn, ones, randn, tensor, type Tensor } from '../../src/index.js';

const values = (t: Tensor) => Array.from(t.storage as Float32Array);

describe('exclusive leaf gradients', () => {
  it("a linear layer's weight and bias gradients are the VJP's own tensors, and accumulate correctly", () => {
    manualSeed(1);
    const layer = new nn.Linear(4, 3);
    const x = randn([5, 4]);
    layer.forward(x).sum().backward();
    const first = [values(layer.weight.grad!), values(layer.bias!.grad!)];
    layer.forward(x).sum().backward();
    expect(values(layer.weight.grad!)).toEqual(first[0]!.map((v) => Math.fround(v + v)));
    expect(values(layer.bias!.grad!)).toEqual(first[1]!.map((v) => Math.fround(v + v)));
  });

  it("a user's gradient is never stored as a .grad (batch of one, where the bias gradient is a plain sum)", () => {
    manualSeed(2);
    const weight = randn([3, 4]).requiresGrad_();
    const bias = randn([3]).requiresGrad_();
    const upstream = tensor([[1, 2, 3]]);
    linear(randn([1, 4]), weight, bias).backward(upstream);
    bias.grad!.mul_(0);
    weight.grad!.mul_(0);
    expect(values(upstream)).toEqual([1, 2, 3]);
  });

  it('two leaves that receive one gradient tensor get separate copies', () => {
    const a = ones([3]).requiresGrad_();
    const b = ones([3]).requiresGrad_();
    a.add(b).backward(tensor([1, 2, 3])); // add's VJP hands the same g to both inputs
    a.grad!.mul_(10);
    expect(values(b.grad!)).toEqual([1, 2, 3]);
  });

  it('a tensor marked exclusive but returned for two inputs is taken once, then copied', () => {
    const a = ones([2]).requiresGrad_();
    const b = ones([2]).requiresGrad_();
    const out = record(tensor([0, 0]), 'twin', [a, b], () => {
      const shared = exclusiveGrad(tensor([5, 7]));
      return [shared, shared];
    });
    out.backward(tensor([1, 1]));
    expect(a.grad!.storage).not.toBe(b.grad!.storage);
    a.grad!.mul_(0);
    expect(values(b.grad!)).toEqual([5, 7]);
  });
});
