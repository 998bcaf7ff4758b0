// @file randomHorizontalFlip: mirrors an image left–right with probability p (transforms.RandomHorizontalFlip).
import { ValueError } from '../../errors.js';
import { Generator, defaultGenerator } from '../../random/generator.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkGenerator, checkImageTensor, checkOptions } from './checks.js';
import type { Transform } from './types.js';

export interface RandomHorizontalFlipOptions {
  /** Probability of a flip; default 0.5. */
  p?: number;
  /** Where the coin flips come from; default the global generator (seeded by manualSeed). */
  generator?: Generator;
}

/**
 * Reverses the last dim (width) of a tensor [..., H, W] when `generator.uniform() < p`, else returns the input
 * (torchvision.transforms.RandomHorizontalFlip). One draw per call, so a seed fixes the flips.
 */
export function randomHorizontalFlip(options: RandomHorizontalFlipOptions = {}): Transform<Tensor, Tensor> {
  checkOptions('randomHorizontalFlip', options, ['p', 'generator']);
  const { p = 0.5, generator = defaultGenerator } = options;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1))
    throw new ValueError('randomHorizontalFlip', `p must be a probability in [0, 1], got ${String(p)}`);
  checkGenerator('randomHorizontalFlip', generator);
  return (input) => {
    const x = checkImageTensor('randomHorizontalFlip', input, 2, '[..., H, W]');
    return generator.uniform() < p ? x.flip(-1) : x;
  };
}
