// @file Gradients that a VJP allocated for one input alone: the engine may store them as a leaf's `.grad` uncopied.

/** Tensors returned by a VJP into fresh storage that nothing else references. */
const exclusive = new WeakSet<object>();

/**
 * Marks a gradient that a VJP has just computed into storage of its own (not a view of its upstream gradient,
 * a saved tensor or another input's gradient), and returns it. The engine then makes it the leaf's `.grad`
 * as it is instead of copying it (PyTorch steals such gradients too). Marking a shared tensor would let two
 * `.grad`s alias each other, so only mark what a kernel just allocated.
 */
export function exclusiveGrad<T extends object | null>(gradient: T): T {
  if (gradient !== null) exclusive.add(gradient);
  return gradient;
}

/** Whether `gradient` was marked exclusive; the mark is used up (a second taker must copy). */
export function takeExclusive(gradient: object): boolean {
  return exclusive.delete(gradient);
}
