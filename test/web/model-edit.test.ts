// @file Editing one weight of the playground's network (clicking a link): the value lands in the right place
// of the PyTorch layout, and bad edits are refused with a sentence.
import { describe, expect, it } from 'vitest';
import { nn } from '../../src/index.js';
import { MAX_EDITED_WEIGHT, applyParameterEdit, linearLayers } from '../../web/src/model-edit.js';

function network(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(2, 3), new nn.Tanh(), new nn.Dropout(0.1), new nn.Linear(3, 1));
}

describe('playground weight edits', () => {
  it('sets weight[to][from] and bias[to] of the chosen Linear layer, nothing else', () => {
    const model = network();
    const before = linearLayers(model).map((l) => [
      Float32Array.from(l.weight.storage),
      Float32Array.from(l.bias!.storage),
    ]);
    applyParameterEdit(model, { layer: 0, to: 2, from: 1, value: 3.5 });
    applyParameterEdit(model, { layer: 1, to: 0, from: null, value: -0.25 });
    const [first, second] = linearLayers(model);
    const expectedWeight = Float32Array.from(before[0]![0]!);
    expectedWeight[2 * 2 + 1] = 3.5; // row 2 (output), column 1 (input), row-major [out, in]
    expect(first!.weight.storage).toEqual(expectedWeight);
    expect(first!.bias!.storage).toEqual(before[0]![1]);
    expect(second!.weight.storage).toEqual(before[1]![0]);
    expect(second!.bias!.storage[0]).toBe(-0.25);
  });

  it('refuses layers, neurons and inputs that do not exist, and non-finite or huge values', () => {
    const model = network();
    expect(() => applyParameterEdit(model, { layer: 2, to: 0, from: 0, value: 1 })).toThrow('no layer 3');
    expect(() => applyParameterEdit(model, { layer: 0, to: 3, from: 0, value: 1 })).toThrow('no neuron 4');
    expect(() => applyParameterEdit(model, { layer: 1, to: 0, from: 3, value: 1 })).toThrow('no input 4');
    expect(() => applyParameterEdit(model, { layer: 0, to: 0, from: 0, value: NaN })).toThrow('finite');
    expect(() =>
      applyParameterEdit(model, { layer: 0, to: 0, from: 0, value: MAX_EDITED_WEIGHT * 2 }),
    ).toThrow(String(MAX_EDITED_WEIGHT));
  });
});
