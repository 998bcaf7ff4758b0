// @file Linear (y = xWᵀ + b) and Identity layers.
import { checkOptions, optionKeys } from '../../options.js';
import { ShapeError, fmtShape } from '../../errors.js';
import { linear } from '../../ops/matmul.js';
import { zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { kaimingUniform_, uniform_ } from '../init.js';
import { Module, checkInteger, reprBool } from '../module.js';
import { Parameter } from '../parameter.js';

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32; float64 for gradient checks). */
  dtype?: 'float32' | 'float64';
}

/**
 * Fully connected layer (torch.nn.Linear): y = x·Wᵀ + b for inputs [..., inFeatures].
 *
 * `weight` is [outFeatures, inFeatures] and `bias` [outFeatures]. Both start as U(−1/√inFeatures, 1/√inFeatures)
 * drawn from the seeded generator (PyTorch's kaimingUniform_ with a = √5 for the weight), so manualSeed makes
 * them reproducible.
 */
const LINEAR_KEYS = optionKeys<LinearOptions>({ bias: true, dtype: true });

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    checkOptions('Linear', options, LINEAR_KEYS);
    checkInteger('Linear', 'inFeatures', inFeatures, 0);
    checkInteger('Linear', 'outFeatures', outFeatures, 0);
    const dtype = options.dtype ?? 'float32';
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(zeros([outFeatures, inFeatures], { dtype }));
    this.bias = (options.bias ?? true) ? new Parameter(zeros([outFeatures], { dtype })) : null;
    this.resetParameters();
  }

  /** Redraws weight and bias as in the constructor (torch.nn.Linear.reset_parameters). */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  /** @throws ShapeError `Linear: expected input with last dim 784, got shape [64, 100]`. */
  forward(x: Tensor): Tensor {
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new ShapeError(
        'Linear',
        `expected input with last dim ${this.inFeatures}, got shape ${fmtShape(x.shape)}`,
      );
    }
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${reprBool(this.bias !== null)}`;
  }
}

/** Returns its input unchanged (torch.nn.Identity): a placeholder layer, e.g. to switch a block off. */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
