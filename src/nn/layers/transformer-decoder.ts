// @file TransformerDecoderLayer (self-attention, cross-attention over memory, feed-forward) and the TransformerDecoder stack.
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

export interface TransformerDecoderLayerForwardOptions {
  /** Self-attention mask [T, T] or [N·nhead, T, T], in MultiheadAttention's convention (bool true = blocked). */
  tgtMask?: Tensor | null;
  /** Cross-attention mask [T, S] or [N·nhead, T, S]. */
  memoryMask?: Tensor | null;
  /** [N, T]: true marks target padding positions. */
  tgtKeyPaddingMask?: Tensor | null;
  /** [N, S]: true marks memory padding positions. */
  memoryKeyPaddingMask?: Tensor | null;
  /** Without `tgtMask`, applies the causal mask to the self-attention; with one, that mask is used. */
  tgtIsCausal?: boolean;
  /** Without `memoryMask`, applies the (top-left) causal mask to the cross-attention. */
  memoryIsCausal?: boolean;
}

const DECODER_FORWARD_KEYS = optionKeys<TransformerDecoderLayerForwardOptions>({
  tgtMask: true,
  memoryMask: true,
  tgtKeyPaddingMask: true,
  memoryKeyPaddingMask: true,
  tgtIsCausal: true,
  memoryIsCausal: true,
});

/**
 * One Transformer decoder layer (torch.nn.TransformerDecoderLayer; Vaswani et al., 2017), for target x and
 * encoder output m:
 *
 *   post-norm (default): x ← LN₁(x + SA(x)),   x ← LN₂(x + CA(x, m)),   x ← LN₃(x + FF(x))
 *   pre-norm (normFirst): x ← x + SA(LN₁(x)),   x ← x + CA(LN₂(x), m),   x ← x + FF(LN₃(x))
 *
 * with SA the masked self-attention, CA the attention of x's queries over m's keys and values, each followed by
 * dropout, and FF(x) = dropout₃(W₂·dropout(act(W₁x + b₁)) + b₂). tgt is [T, N, dModel] and memory
 * [S, N, dModel] ([N, T, dModel], … with `batchFirst`; [T, dModel], … unbatched); the output has tgt's shape.
 * State-dict keys follow PyTorch: `self_attn.*`, `multihead_attn.*`, `linear1.*`, `norm1.*` … `norm3.*`.
 */
export class TransformerDecoderLayer extends Module<
  [Tensor, Tensor, TransformerDecoderLayerForwardOptions?],
  Tensor
> {
  readonly dModel: number;
  readonly nhead: number;
  readonly normFirst: boolean;
  /** The options this layer was built with (TransformerDecoder copies layers from them). */
  readonly options: Readonly<TransformerLayerOptions>;
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  private readonly activation: (x: Tensor) => Tensor;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super();
    const config = transformerLayerConfig('TransformerDecoderLayer', dModel, nhead, options);
    const { dimFeedforward, dropout, layerNormEps: eps, batchFirst, dtype } = config;
    this.dModel = dModel;
    this.nhead = nhead;
    this.normFirst = config.normFirst;
    this.options = Object.freeze({ ...options });
    this.activation = config.activation;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst, dtype });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst, dtype });
    this.linear1 = new Linear(dModel, dimFeedforward, { dtype });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, { dtype });
    this.norm1 = new LayerNorm(dModel, { eps, dtype });
    this.norm2 = new LayerNorm(dModel, { eps, dtype });
    this.norm3 = new LayerNorm(dModel, { eps, dtype });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
    this.dropout3 = new Dropout(dropout);
  }

  get selfAttn(): MultiheadAttention {
    return this.self_attn;
  }
  get multiheadAttn(): MultiheadAttention {
    return this.multihead_attn;
  }

  /** An independent copy with the same options, parameter values and mode (PyTorch's copy.deepcopy). */
  clone(): TransformerDecoderLayer {
    const copy = new TransformerDecoderLayer(this.dModel, this.nhead, this.options);
    copy.loadStateDict(this.stateDict());
    return copy.train(this.training);
  }

  forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderLayerForwardOptions = {}): Tensor {
    checkOptions('TransformerDecoderLayer.forward', options, DECODER_FORWARD_KEYS);
    let x = tgt;
    if (this.normFirst) {
      x = x.add(this.selfAttentionBlock(this.norm1.forward(x), options));
      x = x.add(this.crossAttentionBlock(this.norm2.forward(x), memory, options));
      return x.add(this.feedForwardBlock(this.norm3.forward(x)));
    }
    x = this.norm1.forward(x.add(this.selfAttentionBlock(x, options)));
    x = this.norm2.forward(x.add(this.crossAttentionBlock(x, memory, options)));
    return this.norm3.forward(x.add(this.feedForwardBlock(x)));
  }

  private selfAttentionBlock(x: Tensor, options: TransformerDecoderLayerForwardOptions): Tensor {
    const [attended] = this.self_attn.forward(x, x, x, {
      attnMask: options.tgtMask ?? null,
      keyPaddingMask: options.tgtKeyPaddingMask ?? null,
      isCausal: options.tgtIsCausal ?? false,
      needWeights: false,
    });
    return this.dropout1.forward(attended);
  }

  private crossAttentionBlock(
    x: Tensor,
    memory: Tensor,
    options: TransformerDecoderLayerForwardOptions,
  ): Tensor {
    const [attended] = this.multihead_attn.forward(x, memory, memory, {
      attnMask: options.memoryMask ?? null,
      keyPaddingMask: options.memoryKeyPaddingMask ?? null,
      isCausal: options.memoryIsCausal ?? false,
      needWeights: false,
    });
    return this.dropout2.forward(attended);
  }

  private feedForwardBlock(x: Tensor): Tensor {
    const hidden = this.dropout.forward(this.activation(this.linear1.forward(x)));
    return this.dropout3.forward(this.linear2.forward(hidden));
  }
}

export interface TransformerDecoderOptions {
  /** A final layer applied to the stack's output (e.g. LayerNorm(dModel)). */
  norm?: TensorModule | null;
}

const DECODER_KEYS = optionKeys<TransformerDecoderOptions>({ norm: true });

/**
 * A stack of `numLayers` copies of `decoderLayer` (torch.nn.TransformerDecoder): every copy starts with the given
 * layer's parameter values (PyTorch deep-copies it); each attends to the same `memory`; `norm`, if given, is
 * applied last. forward takes the decoder layer's options. State-dict keys: `layers.0.self_attn.in_proj_weight`, ….
 */
export class TransformerDecoder extends Module<
  [Tensor, Tensor, TransformerDecoderLayerForwardOptions?],
  Tensor
> {
  readonly numLayers: number;
  layers: TransformerDecoderLayer[];
  norm: TensorModule | null;

  constructor(
    decoderLayer: TransformerDecoderLayer,
    numLayers: number,
    options: TransformerDecoderOptions = {},
  ) {
    super();
    checkOptions('TransformerDecoder', options, DECODER_KEYS);
    if (!(decoderLayer instanceof TransformerDecoderLayer)) {
      throw new ValueError('TransformerDecoder', 'decoderLayer must be a TransformerDecoderLayer');
    }
    checkInteger('TransformerDecoder', 'numLayers', numLayers);
    this.numLayers = numLayers;
    this.layers = Array.from({ length: numLayers }, () => decoderLayer.clone());
    this.norm = options.norm ?? null;
  }

  forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderLayerForwardOptions = {}): Tensor {
    checkOptions('TransformerDecoder.forward', options, DECODER_FORWARD_KEYS);
    let x = tgt;
    for (const layer of this.layers) x = layer.forward(x, memory, options);
    return this.norm ? this.norm.forward(x) : x;
  }
}
