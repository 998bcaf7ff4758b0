// @file Pooling layers: MaxPool2d, AvgPool2d and AdaptiveAvgPool2d.
import { checkOptions, optionKeys } from '../../options.js';
import type { IntOrPair } from '../../ops/conv.js';
import {
  AVG_POOL_KEYS,
  adaptiveAvgPool2d,
  avgPool2d,
  maxPool2d,
  type AdaptiveSize,
  type AvgPool2dOptions,
  type MaxPool2dOptions,
} from '../../ops/pool.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module, reprBool } from '../module.js';

/** An int or a pair as PyTorch prints a pooling option: `2` or `(3, 2)`. */
function reprSize(value: IntOrPair | readonly (number | null)[]): string {
  if (typeof value === 'number') return String(value);
  return `(${value.map((v) => (v === null ? 'None' : String(v))).join(', ')})`;
}

const MAX_POOL_LAYER_KEYS = optionKeys<Omit<MaxPool2dOptions, 'returnIndices'>>({
  stride: true,
  padding: true,
  dilation: true,
  ceilMode: true,
});

/**
 * 2-D max pooling layer (torch.nn.MaxPool2d): the maximum of each window of [N, C, H, W] or [C, H, W].
 * Output size per dim: ⌊(in + 2·padding − dilation·(kernel − 1) − 1)/stride⌋ + 1 (rounded up with ceilMode);
 * stride defaults to the kernel size, padding (−∞) must be at most half the kernel. The winners' indices are
 * kept for the backward pass; `forwardWithIndices` returns them too (PyTorch's return_indices=True).
 * @example new nn.MaxPool2d(2) // MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
 */
export class MaxPool2d extends Module {
  readonly kernelSize: IntOrPair;
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly dilation: IntOrPair;
  readonly ceilMode: boolean;

  constructor(kernelSize: IntOrPair, options: Omit<MaxPool2dOptions, 'returnIndices'> = {}) {
    super();
    checkOptions('MaxPool2d', options, MAX_POOL_LAYER_KEYS);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
  }

  private options(): Omit<MaxPool2dOptions, 'returnIndices'> {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode };
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options());
  }

  /** The pooled output and the int32 flat in-plane indices of the maxima. */
  forwardWithIndices(x: Tensor): [Tensor, Tensor] {
    return maxPool2d(x, this.kernelSize, { ...this.options(), returnIndices: true });
  }

  override extraRepr(): string {
    return (
      `kernel_size=${reprSize(this.kernelSize)}, stride=${reprSize(this.stride)}, padding=${reprSize(this.padding)}, ` +
      `dilation=${reprSize(this.dilation)}, ceil_mode=${reprBool(this.ceilMode)}`
    );
  }
}

/**
 * 2-D average pooling layer (torch.nn.AvgPool2d): the mean of each window, counting zero padding in the
 * divisor when countIncludePad (default true), or dividing by divisorOverride. Output size per dim:
 * ⌊(in + 2·padding − kernel)/stride⌋ + 1 (rounded up with ceilMode); stride defaults to the kernel size.
 * @example new nn.AvgPool2d(2) // AvgPool2d(kernel_size=2, stride=2, padding=0)
 */
export class AvgPool2d extends Module {
  readonly kernelSize: IntOrPair;
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: IntOrPair, options: AvgPool2dOptions = {}) {
    super();
    checkOptions('AvgPool2d', options, AVG_POOL_KEYS);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride ?? null;
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${reprSize(this.kernelSize)}, stride=${reprSize(this.stride)}, padding=${reprSize(this.padding)}`;
  }
}

/**
 * 2-D adaptive average pooling layer (torch.nn.AdaptiveAvgPool2d): pools any [N, C, H, W] or [C, H, W] input
 * to `outputSize` (an int, or [h, w] with null keeping that input dim); output (i, j) averages rows
 * [⌊i·H/oH⌋, ⌈(i + 1)·H/oH⌉) and the matching columns.
 * @example new nn.AdaptiveAvgPool2d([1, 1]) // global average pooling
 */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: AdaptiveSize;

  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = outputSize;
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    const size = this.outputSize;
    return `output_size=${typeof size === 'number' ? String(size) : reprSize(size)}`;
  }
}
