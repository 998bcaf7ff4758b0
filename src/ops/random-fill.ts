// @file Random in-place fills beyond uniform_/normal_: bernoulli_ (dropout masks).
import { ValueError } from '../errors.js';
import { defaultGenerator, type Generator } from '../random/generator.js';
import { hostWrite } from '../tensor/host-gate.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkWritable, writeElements } from './inplace.js';

/**
 * x ← samples of Bernoulli(p): each element is 1 with probability p, else 0, one uniform draw u < p per element
 * in row-major order from the seeded generator (torch.Tensor.bernoulli_ with a scalar p).
 * @throws ValueError when p is outside [0, 1].
 */
export function bernoulli_<T extends Tensor>(x: T, p = 0.5, generator: Generator = defaultGenerator): T {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1))
    throw new ValueError('bernoulli_', `p must be in [0, 1], got ${String(p)}`);
  checkWritable('bernoulli_', x);
  writeElements('bernoulli_', [x], ([data]) => {
    hostWrite(data!, 'bernoulli_');
    for (let i = 0; i < data!.length; i++) data![i] = generator.bernoulli(p) ? 1 : 0;
  });
  return x;
}
