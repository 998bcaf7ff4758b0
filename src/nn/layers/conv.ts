// @file Convolution layers: Conv1d and Conv2d (grouped, strided, dilated; zero, reflect, replicate or circular padding).
import { checkOptions, optionKeys } from '../../options.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import {
  conv1d,
  conv2d,
  convPaddingAmounts,
  expandInts,
  type Conv1dOptions,
  type Conv2dOptions,
} from '../../ops/conv.js';
import { pad } from '../../ops/shape.js';
import { zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from '../init.js';
import { Module, checkInteger, reprTuple } from '../module.js';
import { Parameter } from '../parameter.js';

/** How a convolution layer pads its input: with zeros, or by mirroring, repeating or wrapping the edges. */
export type ConvPaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

const PADDING_MODES: readonly ConvPaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/** Layer-only options shared by Conv1d and Conv2d. */
interface ConvLayerExtras {
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
  /** 'zeros' (default), 'reflect', 'replicate' or 'circular'. */
  paddingMode?: ConvPaddingMode;
  /** Parameter dtype (default float32; float64 for gradient checks). */
  dtype?: 'float32' | 'float64';
}

export type Conv2dLayerOptions = Conv2dOptions & ConvLayerExtras;
export type Conv1dLayerOptions = Conv1dOptions & ConvLayerExtras;

type ConvArgs = {
  stride?: number | readonly number[];
  padding?: number | readonly number[] | 'same' | 'valid';
  dilation?: number | readonly number[];
  groups?: number;
} & ConvLayerExtras;

const CONV_KEYS = optionKeys<ConvArgs>({
  stride: true,
  padding: true,
  dilation: true,
  groups: true,
  bias: true,
  paddingMode: true,
  dtype: true,
});

/** What Conv1d and Conv2d share (PyTorch's _ConvNd): options, parameters, init, input checks and print. */
abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: ConvPaddingMode;
  weight: Parameter;
  bias: Parameter | null;
  /** Padding applied by `pad` before a non-'zeros' convolution, as F.pad's [left, right, top, bottom]. */
  private readonly reversedPadding: number[];

  constructor(
    private readonly layer: 'Conv1d' | 'Conv2d',
    private readonly dims: 1 | 2,
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvArgs,
  ) {
    super();
    checkOptions(layer, options, CONV_KEYS);
    checkInteger(layer, 'inChannels', inChannels);
    checkInteger(layer, 'outChannels', outChannels);
    const groups = options.groups ?? 1;
    checkInteger(layer, 'groups', groups);
    if (inChannels % groups !== 0)
      throw new ValueError(layer, `inChannels (${inChannels}) must be divisible by groups (${groups})`);
    if (outChannels % groups !== 0)
      throw new ValueError(layer, `outChannels (${outChannels}) must be divisible by groups (${groups})`);
    const paddingMode = options.paddingMode ?? 'zeros';
    if (!PADDING_MODES.includes(paddingMode)) {
      throw new ValueError(
        layer,
        `paddingMode must be one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')}, got '${String(paddingMode)}'`,
      );
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = expandInts(layer, 'kernelSize', kernelSize, dims);
    this.stride = expandInts(layer, 'stride', options.stride ?? 1, dims);
    this.dilation = expandInts(layer, 'dilation', options.dilation ?? 1, dims);
    this.groups = groups;
    this.paddingMode = paddingMode;
    const padding = options.padding ?? 0;
    const amounts = convPaddingAmounts(layer, padding, this.kernelSize, this.stride, this.dilation);
    this.padding = padding === 'same' || padding === 'valid' ? padding : amounts.map(([before]) => before);
    this.reversedPadding = [...amounts].reverse().flat();
    const dtype = options.dtype ?? 'float32';
    this.weight = new Parameter(zeros([outChannels, inChannels / groups, ...this.kernelSize], { dtype }));
    this.bias = (options.bias ?? true) ? new Parameter(zeros([outChannels], { dtype })) : null;
    this.resetParameters();
  }

  /**
   * Redraws the parameters as PyTorch does: weight by kaimingUniform_ with a = √5, i.e. U(−1/√fanIn, 1/√fanIn)
   * with fanIn = inChannels/groups·∏kernelSize, and bias from the same range; drawn from the seeded generator.
   */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const { fanIn } = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  /** Checks rank and channels, applies a non-zero padding mode, and returns the input and padding to use. */
  protected prepare(x: Tensor): { input: Tensor; padding: number[] | 'same' | 'valid' } {
    const { layer, dims } = this;
    if (x.ndim !== dims + 1 && x.ndim !== dims + 2) {
      throw new ShapeError(
        layer,
        `expected a ${dims + 1}-D (unbatched) or ${dims + 2}-D (batched) input, got shape ${fmtShape(x.shape)}`,
      );
    }
    if (x.shape[x.ndim - dims - 1] !== this.inChannels) {
      throw new ShapeError(
        layer,
        `expected input with ${this.inChannels} channels, got shape ${fmtShape(x.shape)}`,
      );
    }
    if (this.paddingMode === 'zeros') return { input: x, padding: this.padding };
    return { input: pad(x, this.reversedPadding, this.paddingMode), padding: this.kernelSize.map(() => 0) };
  }

  /** PyTorch's print: `Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))`. */
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${reprTuple(this.kernelSize)}, stride=${reprTuple(this.stride)}`;
    const padding = this.padding;
    if (typeof padding === 'string') s += `, padding=${padding}`;
    else if (padding.some((p) => p !== 0)) s += `, padding=${reprTuple(padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${reprTuple(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/**
 * 2-D convolution layer (torch.nn.Conv2d) over [N, C, H, W] (or unbatched [C, H, W]) inputs.
 *
 * `weight` is [outChannels, inChannels/groups, kH, kW] and `bias` [outChannels]. Output size per spatial dim:
 * ⌊(in + 2·padding − dilation·(kernel − 1) − 1)/stride⌋ + 1; padding 'same' keeps the size (stride 1 only).
 * Init as PyTorch: U(±1/√fanIn) with fanIn = inChannels/groups·kH·kW, from the seeded generator.
 * @example new nn.Conv2d(1, 6, 5, { padding: 2 }) // Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
 * @throws ValueError for channels not divisible by groups or padding 'same' with stride > 1; forward throws
 *   ShapeError `Conv2d: expected input with 3 channels, got shape [8, 1, 28, 28]`.
 */
export class Conv2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly [number, number],
    options: Conv2dLayerOptions = {},
  ) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, options);
  }

  forward(x: Tensor): Tensor {
    const { input, padding } = this.prepare(x);
    return conv2d(input, this.weight, this.bias, {
      stride: this.stride as [number, number],
      padding: typeof padding === 'string' ? padding : (padding as [number, number]),
      dilation: this.dilation as [number, number],
      groups: this.groups,
    });
  }
}

/**
 * 1-D convolution layer (torch.nn.Conv1d) over [N, C, L] (or unbatched [C, L]) inputs; `weight` is
 * [outChannels, inChannels/groups, kernelSize]. Output length: ⌊(L + 2·padding − dilation·(k − 1) − 1)/stride⌋ + 1.
 * Init as Conv2d with fanIn = inChannels/groups·kernelSize.
 */
export class Conv1d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly [number],
    options: Conv1dLayerOptions = {},
  ) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, options);
  }

  forward(x: Tensor): Tensor {
    const { input, padding } = this.prepare(x);
    return conv1d(input, this.weight, this.bias, {
      stride: this.stride as [number],
      padding: typeof padding === 'string' ? padding : (padding as [number]),
      dilation: this.dilation as [number],
      groups: this.groups,
    });
  }
}
