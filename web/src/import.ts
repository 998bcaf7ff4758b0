// @file Rebuilding playground settings for a safetensors file that carries no playground metadata.
import type { nn } from 'neurite';
import { FEATURES, LIMITS, numClasses, type Settings } from './settings.js';

/**
 * Settings whose network has the shapes of `tensors`, a Sequential state dict of Linear layers
 * (`0.weight`, `2.weight`, … or `0.weight`, `3.weight`, … when dropout sat between them). Hidden sizes come
 * from the weights, activations from the current settings (tanh for new layers), inputs from the first
 * layer's width. Throws an Error when the file cannot be a playground network for the current data.
 */
export function inferSettingsFromWeights(current: Settings, tensors: nn.StateDict): Settings {
  const layers = Object.entries(tensors)
    .map(([key, tensor]) => ({ match: /^(\d+)\.weight$/.exec(key), tensor }))
    .filter((entry) => entry.match !== null && entry.tensor.ndim === 2)
    .map((entry) => ({ index: Number(entry.match![1]), shape: entry.tensor.shape as [number, number] }))
    .sort((a, b) => a.index - b.index);
  if (layers.length === 0) throw new Error('the file has no Linear weights named like "0.weight"');
  if (layers.length - 1 > LIMITS.maxLayers) throw new Error(`more than ${LIMITS.maxLayers} hidden layers`);
  const inputs = layers[0]!.shape[1];
  const features =
    inputs === current.features.length
      ? current.features
      : inputs <= FEATURES.length
        ? FEATURES.slice(0, inputs)
        : null;
  if (!features)
    throw new Error(`the first layer takes ${inputs} inputs; the playground has ${FEATURES.length} features`);
  const outputs = layers[layers.length - 1]!.shape[0];
  const classes = numClasses(current);
  if (outputs !== (classes === 2 ? 1 : classes)) {
    throw new Error(`the network has ${outputs} outputs, the data set needs ${classes === 2 ? 1 : classes}`);
  }
  const hidden = layers.slice(0, -1).map((layer, l) => {
    if (layer.shape[0] > LIMITS.maxUnits)
      throw new Error(`layer ${l + 1} has more than ${LIMITS.maxUnits} neurons`);
    return { units: layer.shape[0], activation: current.hidden[l]?.activation ?? ('tanh' as const) };
  });
  const stride = layers.length > 1 ? layers[1]!.index - layers[0]!.index : 2;
  return { ...current, features: [...features], hidden, dropout: stride === 3 ? current.dropout || 0.1 : 0 };
}
