// @file Dropout layer: random zeroing with inverted scaling in training, the identity in eval.
import type { Tensor } from '../../tensor/tensor.js';
import { checkDropoutProbability, dropout, dropout2d } from '../functional/dropout.js';
import { Module, reprFloat } from '../module.js';

/**
 * Inverted dropout (torch.nn.Dropout; Srivastava et al., 2014). In training mode each element is zeroed with
 * probability p and the survivors are scaled by 1/(1 − p), so E[y] = x; in eval mode it is the identity.
 * Masks come from the seeded generator (manualSeed makes them reproducible). In-place dropout is not offered.
 * @throws ValueError when p is outside [0, 1].
 */
export class Dropout extends Module {
  readonly p: number;
  constructor(p = 0.5) {
    super();
    checkDropoutProbability('Dropout', p);
    this.p = p;
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${reprFloat(this.p)}, inplace=False`;
  }
}

/**
 * Channel dropout (torch.nn.Dropout2d): in training, zeroes whole channels of [N, C, H, W] (or [C, H, W])
 * inputs with probability p and scales the kept ones by 1/(1 − p); the identity in eval mode. Suits
 * convolutional feature maps, whose neighbouring pixels are correlated.
 * @throws ValueError when p is outside [0, 1].
 */
export class Dropout2d extends Module {
  readonly p: number;
  constructor(p = 0.5) {
    super();
    checkDropoutProbability('Dropout2d', p);
    this.p = p;
  }
  forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${reprFloat(this.p)}, inplace=False`;
  }
}
