// @file compose: chains transforms into one, applied left to right (transforms.Compose).
import { ValueError } from '../../errors.js';
import type { Transform } from './types.js';

/**
 * Chains transforms: `compose([f, g, h])(x) = h(g(f(x)))` (torchvision.transforms.Compose), e.g.
 * `compose([toTensor(), randomCrop(28, { padding: 4 }), normalize([0.286], [0.353])])`. The overloads check
 * that each transform's output fits the next one's input.
 */
export function compose<A, B>(transforms: readonly [Transform<A, B>]): Transform<A, B>;
export function compose<A, B, C>(transforms: readonly [Transform<A, B>, Transform<B, C>]): Transform<A, C>;
export function compose<A, B, C, D>(
  transforms: readonly [Transform<A, B>, Transform<B, C>, Transform<C, D>],
): Transform<A, D>;
export function compose<A, B, C, D, E>(
  transforms: readonly [Transform<A, B>, Transform<B, C>, Transform<C, D>, Transform<D, E>],
): Transform<A, E>;
export function compose<A, B, C, D, E, F>(
  transforms: readonly [Transform<A, B>, Transform<B, C>, Transform<C, D>, Transform<D, E>, Transform<E, F>],
): Transform<A, F>;
export function compose<T>(transforms: readonly Transform<T, T>[]): Transform<T, T>;
export function compose(transforms: readonly Transform<unknown, unknown>[]): Transform<unknown, unknown> {
  if (!Array.isArray(transforms))
    throw new ValueError('compose', `expects an array of transforms, got ${String(transforms)}`);
  transforms.forEach((t, i) => {
    if (typeof t !== 'function')
      throw new ValueError('compose', `transform ${i} is not a function (got ${typeof t})`);
  });
  const chain = [...transforms];
  return (input) => chain.reduce((value, transform) => transform(value), input);
}
