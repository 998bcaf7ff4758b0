// @file Building the playground's network and optimizer from the settings, the seed of its initial weights,
// and the text of a hyper-parameter change.
import { nn, optim, type Tensor } from 'neurite';
import type { HyperSettings } from './protocol.js';
import { REGULARIZATION_LABELS, type ActivationName, type Settings } from './settings.js';

export type Layer = nn.Module<[Tensor], Tensor>;

export function activation(name: ActivationName): Layer {
  switch (name) {
    case 'relu':
      return new nn.ReLU();
    case 'tanh':
      return new nn.Tanh();
    case 'sigmoid':
      return new nn.Sigmoid();
    case 'gelu':
      return new nn.GELU();
    case 'linear':
      return new nn.Identity();
  }
}

export function makeOptimizer(settings: Settings, params: nn.Parameter[]): optim.Optimizer {
  const { lr, weightDecay, momentum } = settings;
  return optim.createOptimizer(settings.optimizer, params, { lr, weightDecay, momentum });
}

/**
 * The seed of the initial weights and dropout masks: the data seed, mixed with `initSeed` once Reset has
 * asked for new weights (initSeed 0 keeps the data seed, so old links give the same run).
 */
export function weightSeed(settings: Pick<Settings, 'seed' | 'initSeed'>): number {
  if (settings.initSeed === 0) return settings.seed;
  return (Math.imul(settings.seed ^ 0x5bd1e995, 0x01000193) + settings.initSeed * 0x9e3779b1) >>> 1;
}

/** Short text of a changed hyper-parameter, for the markers on the curves. */
export function describeChanges(before: HyperSettings, after: HyperSettings): string {
  const parts: string[] = [];
  if (before.lr !== after.lr) parts.push(`lr ${after.lr}`);
  if (before.momentum !== after.momentum) parts.push(`momentum ${after.momentum}`);
  if (before.batchSize !== after.batchSize) parts.push(`batch ${after.batchSize}`);
  if (before.weightDecay !== after.weightDecay) parts.push(`wd ${after.weightDecay}`);
  if (before.regularization !== after.regularization || before.regRate !== after.regRate)
    parts.push(
      after.regularization === 'none'
        ? 'no penalty'
        : `${REGULARIZATION_LABELS[after.regularization]} ${after.regRate}`,
    );
  return parts.join(', ');
}

/**
 * The network of the settings: per hidden layer Linear → activation (→ Dropout), then a Linear output with
 * one logit for two classes (p = σ(z)), one logit per class (p = softmax(z)), or one value for regression.
 */
export function buildModel(settings: Settings, classes: number): nn.Sequential {
  const layers: Layer[] = [];
  let width = settings.features.length;
  for (const layer of settings.hidden) {
    layers.push(new nn.Linear(width, layer.units), activation(layer.activation));
    if (settings.dropout > 0) layers.push(new nn.Dropout(settings.dropout));
    width = layer.units;
  }
  layers.push(new nn.Linear(width, classes <= 2 ? 1 : classes));
  return new nn.Sequential(...layers);
}
