// @file Activation layers: ReLU, LeakyReLU, Tanh, Sigmoid, Softmax, LogSoftmax, GELU, SiLU, ELU, Softplus and friends.
import { ValueError } from '../../errors.js';
import {
  elu,
  gelu,
  leakyRelu,
  logSigmoid,
  logSoftmax,
  relu,
  sigmoid,
  silu,
  softmax,
  softplus,
  tanh,
} from '../../ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { hardtanh, mish, relu6, softmin, softsign } from '../functional/activation.js';
import { Module, reprFloat } from '../module.js';

function checkFinite(op: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValueError(op, `${name} must be a finite number, got ${String(value)}`);
  }
}

function checkDim(op: string, dim: number): void {
  if (!Number.isInteger(dim)) throw new ValueError(op, `dim must be an integer, got ${String(dim)}`);
}

/** Python prints an int argument as an int and a float one as a float; JS has only numbers, so whole ones print as ints. */
function reprNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : reprFloat(x);
}

/** max(x, 0) (torch.nn.ReLU). */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** x for x > 0, negativeSlope·x otherwise (torch.nn.LeakyReLU, default slope 0.01). */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  constructor(negativeSlope = 0.01) {
    super();
    checkFinite('LeakyReLU', 'negativeSlope', negativeSlope);
    this.negativeSlope = negativeSlope;
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${reprFloat(this.negativeSlope)}`;
  }
}

/** tanh x (torch.nn.Tanh). */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** σ(x) = 1/(1 + e⁻ˣ) (torch.nn.Sigmoid). */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** log σ(x) (torch.nn.LogSigmoid). */
export class LogSigmoid extends Module {
  forward(x: Tensor): Tensor {
    return logSigmoid(x);
  }
}

/**
 * softmax along `dim`: e^{x_i}/Σ_j e^{x_j} (torch.nn.Softmax). Unlike PyTorch, `dim` is required: the
 * implicit-dim choice is deprecated there.
 */
export class Softmax extends Module {
  readonly dim: number;
  constructor(dim: number) {
    super();
    checkDim('Softmax', dim);
    this.dim = dim;
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** log softmax along `dim`, computed stably (torch.nn.LogSoftmax); `dim` is required. */
export class LogSoftmax extends Module {
  readonly dim: number;
  constructor(dim: number) {
    super();
    checkDim('LogSoftmax', dim);
    this.dim = dim;
  }
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** softmax(−x) along `dim` (torch.nn.Softmin); `dim` is required. */
export class Softmin extends Module {
  readonly dim: number;
  constructor(dim: number) {
    super();
    checkDim('Softmin', dim);
    this.dim = dim;
  }
  forward(x: Tensor): Tensor {
    return softmin(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** x·Φ(x), or its tanh approximation with `approximate = 'tanh'` (torch.nn.GELU; Hendrycks & Gimpel, 2016). */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(approximate: 'none' | 'tanh' = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') {
      throw new ValueError('GELU', `approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
    }
    this.approximate = approximate;
  }
  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** x·σ(x), a.k.a. swish (torch.nn.SiLU). */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/** x·tanh(softplus(x)) (torch.nn.Mish). */
export class Mish extends Module {
  forward(x: Tensor): Tensor {
    return mish(x);
  }
}

/** x for x > 0, α(eˣ − 1) otherwise (torch.nn.ELU, default α = 1). */
export class ELU extends Module {
  readonly alpha: number;
  constructor(alpha = 1) {
    super();
    checkFinite('ELU', 'alpha', alpha);
    this.alpha = alpha;
  }
  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${reprFloat(this.alpha)}`;
  }
}

/**
 * (1/β)·log(1 + e^{βx}), and x itself where βx > threshold (torch.nn.Softplus, defaults β = 1, threshold = 20).
 */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(beta = 1, threshold = 20) {
    super();
    checkFinite('Softplus', 'beta', beta);
    checkFinite('Softplus', 'threshold', threshold);
    if (beta === 0) throw new ValueError('Softplus', 'beta must be non-zero, got 0');
    this.beta = beta;
    this.threshold = threshold;
  }
  forward(x: Tensor): Tensor {
    return softplus(x, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${reprNumber(this.beta)}, threshold=${reprNumber(this.threshold)}`;
  }
}

/** clamp(x, minVal, maxVal) (torch.nn.Hardtanh, defaults −1 and 1). */
export class Hardtanh extends Module {
  readonly minVal: number;
  readonly maxVal: number;
  constructor(minVal = -1, maxVal = 1) {
    super();
    checkFinite('Hardtanh', 'minVal', minVal);
    checkFinite('Hardtanh', 'maxVal', maxVal);
    if (minVal > maxVal) {
      throw new ValueError('Hardtanh', `minVal must not be greater than maxVal, got ${minVal} and ${maxVal}`);
    }
    this.minVal = minVal;
    this.maxVal = maxVal;
  }
  forward(x: Tensor): Tensor {
    return hardtanh(x, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `min_val=${reprFloat(this.minVal)}, max_val=${reprFloat(this.maxVal)}`;
  }
}

/** min(max(x, 0), 6) (torch.nn.ReLU6). */
export class ReLU6 extends Module {
  forward(x: Tensor): Tensor {
    return relu6(x);
  }
}

/** x/(1 + |x|) (torch.nn.Softsign). */
export class Softsign extends Module {
  forward(x: Tensor): Tensor {
    return softsign(x);
  }
}
