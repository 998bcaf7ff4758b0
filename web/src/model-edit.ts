// @file Editing one weight or bias of the playground's network in place (clicking a link in the network view).
import { Tensor, nn, noGrad } from 'neurite';
import type { ParameterEdit } from './protocol.js';

/** Largest |value| a typed-in weight may have; beyond it a tanh or sigmoid unit only saturates. */
export const MAX_EDITED_WEIGHT = 1000;

/**
 * Why `edit` cannot be applied to a network whose Linear layers have these [out, in] shapes, or null when it can:
 * the layer and indices must exist and the value be finite with |value| ≤ MAX_EDITED_WEIGHT.
 */
export function checkParameterEdit(
  shapes: readonly (readonly [number, number])[],
  edit: ParameterEdit,
): string | null {
  const shape = shapes[edit.layer];
  if (!Number.isInteger(edit.layer) || !shape) return `the network has no layer ${edit.layer + 1}`;
  const [outputs, inputs] = shape;
  if (!Number.isInteger(edit.to) || edit.to < 0 || edit.to >= outputs) {
    return `layer ${edit.layer + 1} has no neuron ${edit.to + 1}`;
  }
  if (edit.from !== null && (!Number.isInteger(edit.from) || edit.from < 0 || edit.from >= inputs)) {
    return `layer ${edit.layer + 1} has no input ${edit.from + 1}`;
  }
  if (!Number.isFinite(edit.value)) return 'a weight must be a finite number';
  if (Math.abs(edit.value) > MAX_EDITED_WEIGHT) {
    return `a weight must lie in [−${MAX_EDITED_WEIGHT}, ${MAX_EDITED_WEIGHT}]`;
  }
  return null;
}

/** The Linear layers of a model, in order. */
export function linearLayers(model: nn.Module): nn.Linear[] {
  return [...model.modules()].filter((m): m is nn.Linear => m instanceof nn.Linear);
}

/**
 * Sets weight[to][from] (or bias[to] when `from` is null) of the model's Linear layer `layer` to `value`, like
 * `with torch.no_grad(): model[i].weight[to, from] = value`. Throws an Error saying what is wrong otherwise.
 */
export function applyParameterEdit(model: nn.Module, edit: ParameterEdit): void {
  const layers = linearLayers(model);
  const problem = checkParameterEdit(
    layers.map((l) => [l.outFeatures, l.inFeatures] as const),
    edit,
  );
  if (problem) throw new Error(`Cannot set the weight: ${problem}.`);
  const linear = layers[edit.layer]!;
  const target = edit.from === null ? linear.bias : linear.weight;
  if (!target) throw new Error(`Cannot set the bias: layer ${edit.layer + 1} has none.`);
  const values = target.dataSync();
  values[edit.from === null ? edit.to : edit.to * linear.inFeatures + edit.from] = edit.value;
  noGrad(() => target.copy_(new Tensor(values, target.shape, target.dtype)));
}
