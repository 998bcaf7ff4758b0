// @file Flatten and Unflatten: merge a range of dims into one, or split one dim into several.
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { flatten, reshape } from '../../ops/index.js';
import { normalizeDim } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module, reprTuple } from '../module.js';

/** Merges dims startDim…endDim into one (torch.nn.Flatten; defaults 1 and −1 keep the batch dim). */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;
  constructor(startDim = 1, endDim = -1) {
    super();
    for (const [name, value] of [
      ['startDim', startDim],
      ['endDim', endDim],
    ] as const) {
      if (!Number.isInteger(value))
        throw new ValueError('Flatten', `${name} must be an integer, got ${value}`);
    }
    this.startDim = startDim;
    this.endDim = endDim;
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/**
 * Splits dim `dim` into `unflattenedSize` (torch.nn.Unflatten), e.g. [N, 12] → [N, 3, 4] with dim 1 and
 * sizes [3, 4]. One size may be −1 (inferred).
 * @throws ShapeError when the sizes do not multiply to the size of that dim.
 */
export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: readonly number[];
  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    if (!Number.isInteger(dim)) throw new ValueError('Unflatten', `dim must be an integer, got ${dim}`);
    if (unflattenedSize.length === 0) throw new ValueError('Unflatten', 'unflattenedSize must not be empty');
    if (!unflattenedSize.every((s) => Number.isInteger(s) && (s >= 0 || s === -1))) {
      throw new ValueError(
        'Unflatten',
        `unflattenedSize must hold non-negative integers (or one -1), got ${fmtShape(unflattenedSize)}`,
      );
    }
    if (unflattenedSize.filter((s) => s === -1).length > 1) {
      throw new ValueError('Unflatten', `only one size may be -1, got ${fmtShape(unflattenedSize)}`);
    }
    this.dim = dim;
    this.unflattenedSize = Object.freeze([...unflattenedSize]);
  }
  forward(x: Tensor): Tensor {
    const d = normalizeDim('Unflatten', this.dim, x.ndim);
    const size = x.shape[d]!;
    const known = this.unflattenedSize.reduce((p, s) => (s === -1 ? p : p * s), 1);
    const inferred = this.unflattenedSize.includes(-1);
    if (inferred ? known === 0 || size % known !== 0 : known !== size) {
      throw new ShapeError(
        'Unflatten',
        `sizes ${fmtShape(this.unflattenedSize)} do not fit dim ${this.dim} of size ${size} (input shape ${fmtShape(x.shape)})`,
      );
    }
    const sizes = this.unflattenedSize.map((s) => (s === -1 ? size / known : s));
    return reshape(x, [...x.shape.slice(0, d), ...sizes, ...x.shape.slice(d + 1)]);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${reprTuple(this.unflattenedSize)}`;
  }
}
