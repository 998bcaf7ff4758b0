// @file createOptimizer: an optimizer by name, for command lines, playgrounds and configs.
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

export const OPTIMIZER_NAMES = ['sgd', 'adam', 'adamw', 'adagrad', 'adadelta', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** The options every named optimizer understands; `momentum` and `nesterov` apply to SGD only. */
export interface NamedOptimizerOptions {
  lr: number;
  weightDecay?: number;
  momentum?: number;
  nesterov?: boolean;
}

/**
 * Builds the optimizer called `name` over `params` with PyTorch's defaults for every option not given:
 * `createOptimizer('adam', model.parameters(), { lr: 1e-3 })` is `new optim.Adam(model.parameters(), { lr: 1e-3 })`.
 */
export function createOptimizer(
  name: OptimizerName,
  params: Iterable<Tensor>,
  options: NamedOptimizerOptions,
): Optimizer {
  const list = [...params];
  const { lr, weightDecay = 0 } = options;
  switch (name) {
    case 'sgd':
      return new SGD(list, {
        lr,
        weightDecay,
        momentum: options.momentum ?? 0,
        nesterov: options.nesterov ?? false,
      });
    case 'adam':
      return new Adam(list, { lr, weightDecay });
    case 'adamw':
      return new AdamW(list, { lr, weightDecay });
    case 'adagrad':
      return new Adagrad(list, { lr, weightDecay });
    case 'adadelta':
      return new Adadelta(list, { lr, weightDecay });
    case 'rmsprop':
      return new RMSprop(list, { lr, weightDecay });
    default:
      throw new ValueError(
        'createOptimizer',
        `unknown optimizer '${String(name)}' (expected ${OPTIMIZER_NAMES.join(', ')})`,
      );
  }
}
