// @file TransformerEncoderLayer (self-attention + feed-forward, post- or pre-norm) and the TransformerEncoder stack.
import { ValueError } from '../../errors.js';
import { checkOptions, optionKeys } from '../../options.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module, checkInteger } from '../module.js';
import { MultiheadAttention } from './attention.js';
import type { TensorModule } from './container.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { LayerNorm } from './normalization.js';
import { transformerLayerConfig, type TransformerLayerOptions } from './transformer-options.js';

export interface TransformerEncoderLayerForwardOptions {
  /** Attention mask [L, L] or [N·nhead, L, L], in MultiheadAttention's convention (bool true = blocked). */
  srcMask?: Tensor | null;
  /** [N, L]: true marks padding positions that no query attends to. */
  srcKeyPaddingMask?: Tensor | null;
  /** Without `srcMask`, applies the causal mask; with one, that mask is used. */
  isCausal?: boolean;
}

const ENCODER_FORWARD_KEYS = optionKeys<TransformerEncoderLayerForwardOptions>({
  srcMask: true,
  srcKeyPaddingMask: true,
  isCausal: true,
});

/**
 * One Transformer encoder layer (torch.nn.TransformerEncoderLayer; Vaswani et al., 2017):
 *
 *   post-norm (default): x ← LN₁(x + SA(x)),      x ← LN₂(x + FF(x))
 *   pre-norm (normFirst): x ← x + SA(LN₁(x)),      x ← x + FF(LN₂(x))
 *
 * with SA = dropout₁(self-attention) and FF(x) = dropout₂(W₂·dropout(act(W₁x + b₁)) + b₂). Inputs are
 * [L, N, dModel] ([N, L, dModel] with `batchFirst`, or [L, dModel]); the output has the input's shape.
 * State-dict keys follow PyTorch: `self_attn.in_proj_weight`, `linear1.weight`, `norm1.weight`, ….
 */
export class TransformerEncoderLayer extends Module<
  [Tensor, TransformerEncoderLayerForwardOptions?],
  Tensor
> {
  readonly dModel: number;
  readonly nhead: number;
  readonly normFirst: boolean;
  /** The options this layer was built with (TransformerEncoder copies layers from them). */
  readonly options: Readonly<TransformerLayerOptions>;
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  private readonly activation: (x: Tensor) => Tensor;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super();
    const config = transformerLayerConfig('TransformerEncoderLayer', dModel, nhead, options);
    const { dimFeedforward, dropout, layerNormEps: eps, batchFirst, dtype } = config;
    this.dModel = dModel;
    this.nhead = nhead;
    this.normFirst = config.normFirst;
    this.options = Object.freeze({ ...options });
    this.activation = config.activation;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst, dtype });
    this.linear1 = new Linear(dModel, dimFeedforward, { dtype });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, { dtype });
    this.norm1 = new LayerNorm(dModel, { eps, dtype });
    this.norm2 = new LayerNorm(dModel, { eps, dtype });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
  }

  get selfAttn(): MultiheadAttention {
    return this.self_attn;
  }

  /** An independent copy with the same options, parameter values and mode (PyTorch's copy.deepcopy). */
  clone(): TransformerEncoderLayer {
    const copy = new TransformerEncoderLayer(this.dModel, this.nhead, this.options);
    copy.loadStateDict(this.stateDict());
    return copy.train(this.training);
  }

  forward(src: Tensor, options: TransformerEncoderLayerForwardOptions = {}): Tensor {
    checkOptions('TransformerEncoderLayer.forward', options, ENCODER_FORWARD_KEYS);
    let x = src;
    if (this.normFirst) {
      x = x.add(this.selfAttentionBlock(this.norm1.forward(x), options));
      return x.add(this.feedForwardBlock(this.norm2.forward(x)));
    }
    x = this.norm1.forward(x.add(this.selfAttentionBlock(x, options)));
    return this.norm2.forward(x.add(this.feedForwardBlock(x)));
  }

  private selfAttentionBlock(x: Tensor, options: TransformerEncoderLayerForwardOptions): Tensor {
    const [attended] = this.self_attn.forward(x, x, x, {
      attnMask: options.srcMask ?? null,
      keyPaddingMask: options.srcKeyPaddingMask ?? null,
      isCausal: options.isCausal ?? false,
      needWeights: false,
    });
    return this.dropout1.forward(attended);
  }

  private feedForwardBlock(x: Tensor): Tensor {
    const hidden = this.dropout.forward(this.activation(this.linear1.forward(x)));
    return this.dropout2.forward(this.linear2.forward(hidden));
  }
}

export interface TransformerEncoderOptions {
  /** A final layer applied to the stack's output (e.g. LayerNorm(dModel), usual with normFirst layers). */
  norm?: TensorModule | null;
}

export interface TransformerEncoderForwardOptions {
  /** Attention mask for every layer (see TransformerEncoderLayer's srcMask). */
  mask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  isCausal?: boolean;
}

const ENCODER_KEYS = optionKeys<TransformerEncoderOptions>({ norm: true });
const STACK_FORWARD_KEYS = optionKeys<TransformerEncoderForwardOptions>({
  mask: true,
  srcKeyPaddingMask: true,
  isCausal: true,
});

/**
 * A stack of `numLayers` copies of `encoderLayer` (torch.nn.TransformerEncoder): every copy starts with the
 * given layer's parameter values (PyTorch deep-copies it), then trains independently; `norm`, if given, is
 * applied last. State-dict keys: `layers.0.self_attn.in_proj_weight`, …, `norm.weight`.
 */
export class TransformerEncoder extends Module<[Tensor, TransformerEncoderForwardOptions?], Tensor> {
  readonly numLayers: number;
  layers: TransformerEncoderLayer[];
  norm: TensorModule | null;

  constructor(
    encoderLayer: TransformerEncoderLayer,
    numLayers: number,
    options: TransformerEncoderOptions = {},
  ) {
    super();
    checkOptions('TransformerEncoder', options, ENCODER_KEYS);
    if (!(encoderLayer instanceof TransformerEncoderLayer)) {
      throw new ValueError('TransformerEncoder', 'encoderLayer must be a TransformerEncoderLayer');
    }
    checkInteger('TransformerEncoder', 'numLayers', numLayers);
    this.numLayers = numLayers;
    this.layers = Array.from({ length: numLayers }, () => encoderLayer.clone());
    this.norm = options.norm ?? null;
  }

  forward(src: Tensor, options: TransformerEncoderForwardOptions = {}): Tensor {
    checkOptions('TransformerEncoder.forward', options, STACK_FORWARD_KEYS);
    const layerOptions = {
      srcMask: options.mask ?? null,
      srcKeyPaddingMask: options.srcKeyPaddingMask ?? null,
      isCausal: options.isCausal ?? false,
    };
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, layerOptions);
    return this.norm ? this.norm.forward(x) : x;
  }
}
