// @file Argument checks shared by the image transforms: tensors of images and the generator option.
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { Generator } from '../../random/generator.js';
import { Tensor } from '../../tensor/tensor.js';
import { checkOptionKeys } from '../dataset.js';

/** Checks that a transform got a tensor with at least `minDims` dims ([…, H, W] images). */
export function checkImageTensor(op: string, x: unknown, minDims: number, layout: string): Tensor {
  if (!(x instanceof Tensor)) {
    throw new ValueError(op, `expects a tensor ${layout}, got ${typeof x}; apply toTensor() to images first`);
  }
  if (x.ndim < minDims) {
    throw new ShapeError(
      op,
      `expects a tensor ${layout} with at least ${minDims} dims, got shape ${fmtShape(x.shape)}`,
    );
  }
  return x;
}

/** Checks a `generator` option: a Generator instance (default: the global one that manualSeed seeds). */
export function checkGenerator(op: string, generator: unknown): void {
  if (!(generator instanceof Generator))
    throw new ValueError(op, `generator must be a Generator, got ${String(generator)}`);
}

/** Checks that `options` is an object holding only the `known` keys (a misspelt key is an error, not a no-op). */
export function checkOptions(op: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object')
    throw new ValueError(op, `options must be an object, got ${String(options)}`);
  checkOptionKeys(op, options, known);
}
