// @file nn.Transformer: the encoder–decoder model of "Attention Is All You Need", built from the layer stacks.
import { ShapeError, fmtShape } from '../../errors.js';
import { checkOptions, optionKeys } from '../../options.js';
import type { Tensor } from '../../tensor/tensor.js';
import { generateSquareSubsequentMask } from '../functional/attention.js';
import { xavierUniform_ } from '../init.js';
import { Module, checkInteger } from '../module.js';
import { LayerNorm } from './normalization.js';
import { TransformerDecoder, TransformerDecoderLayer } from './transformer-decoder.js';
import { TransformerEncoder, TransformerEncoderLayer } from './transformer-encoder.js';
import type { TransformerLayerOptions } from './transformer-options.js';

export interface TransformerOptions extends TransformerLayerOptions {
  /** Model width (default 512). */
  dModel?: number;
  /** Attention heads per layer (default 8). */
  nhead?: number;
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
}

const TRANSFORMER_KEYS = optionKeys<TransformerOptions>({
  dModel: true,
  nhead: true,
  numEncoderLayers: true,
  numDecoderLayers: true,
  dimFeedforward: true,
  dropout: true,
  activation: true,
  layerNormEps: true,
  batchFirst: true,
  normFirst: true,
  dtype: true,
});

export interface TransformerForwardOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

const FORWARD_KEYS = optionKeys<TransformerForwardOptions>({
  srcMask: true,
  tgtMask: true,
  memoryMask: true,
  srcKeyPaddingMask: true,
  tgtKeyPaddingMask: true,
  memoryKeyPaddingMask: true,
  srcIsCausal: true,
  tgtIsCausal: true,
  memoryIsCausal: true,
});

/**
 * The encoder–decoder Transformer (torch.nn.Transformer; Vaswani et al., 2017):
 *
 *   memory = encoder(src),  out = decoder(tgt, memory)
 *
 * with `numEncoderLayers` TransformerEncoderLayers and `numDecoderLayers` TransformerDecoderLayers, each stack
 * ending in a LayerNorm (`encoder.norm`, `decoder.norm`). Every parameter with more than one dim is redrawn
 * Xavier-uniform, as PyTorch's _reset_parameters does. src is [S, N, dModel] and tgt [T, N, dModel]
 * ([N, S, dModel], … with `batchFirst`); the output has tgt's shape. No token embedding or positional encoding
 * is included (add SinusoidalPositionalEncoding or LearnedPositionalEmbedding in front).
 */
export class Transformer extends Module<[Tensor, Tensor, TransformerForwardOptions?], Tensor> {
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;
  encoder: TransformerEncoder;
  decoder: TransformerDecoder;

  constructor(options: TransformerOptions = {}) {
    super();
    checkOptions('Transformer', options, TRANSFORMER_KEYS);
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, ...layerOptions } = options;
    checkInteger('Transformer', 'numEncoderLayers', numEncoderLayers);
    checkInteger('Transformer', 'numDecoderLayers', numDecoderLayers);
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = layerOptions.batchFirst ?? false;
    const normOptions = { eps: layerOptions.layerNormEps ?? 1e-5, dtype: layerOptions.dtype ?? 'float32' };
    this.encoder = new TransformerEncoder(
      new TransformerEncoderLayer(dModel, nhead, layerOptions),
      numEncoderLayers,
      {
        norm: new LayerNorm(dModel, normOptions),
      },
    );
    this.decoder = new TransformerDecoder(
      new TransformerDecoderLayer(dModel, nhead, layerOptions),
      numDecoderLayers,
      {
        norm: new LayerNorm(dModel, normOptions),
      },
    );
    this.resetParameters();
  }

  /** Xavier-uniform for every parameter with more than one dim (torch.nn.Transformer._reset_parameters). */
  resetParameters(): void {
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform_(p);
  }

  /**
   * The [n, n] additive causal mask: 0 on and below the diagonal, −∞ above
   * (torch.nn.Transformer.generate_square_subsequent_mask).
   */
  static generateSquareSubsequentMask(n: number, dtype: 'float32' | 'float64' = 'float32'): Tensor {
    return generateSquareSubsequentMask(n, dtype);
  }

  /** @throws ShapeError when src and tgt differ in batch size or feature size. */
  forward(src: Tensor, tgt: Tensor, options: TransformerForwardOptions = {}): Tensor {
    checkOptions('Transformer.forward', options, FORWARD_KEYS);
    const batchDim = this.batchFirst ? 0 : 1;
    const batchesDiffer = src.ndim === 3 && tgt.ndim === 3 && src.shape[batchDim] !== tgt.shape[batchDim];
    const featuresDiffer = src.shape[src.ndim - 1] !== this.dModel || tgt.shape[tgt.ndim - 1] !== this.dModel;
    if (batchesDiffer || featuresDiffer || src.ndim !== tgt.ndim) {
      throw new ShapeError(
        'Transformer',
        `src ${fmtShape(src.shape)} and tgt ${fmtShape(tgt.shape)} must have the same rank, batch size and dModel ${this.dModel}`,
      );
    }
    const memory = this.encoder.forward(src, {
      mask: options.srcMask ?? null,
      srcKeyPaddingMask: options.srcKeyPaddingMask ?? null,
      isCausal: options.srcIsCausal ?? false,
    });
    return this.decoder.forward(tgt, memory, {
      tgtMask: options.tgtMask ?? null,
      memoryMask: options.memoryMask ?? null,
      tgtKeyPaddingMask: options.tgtKeyPaddingMask ?? null,
      memoryKeyPaddingMask: options.memoryKeyPaddingMask ?? null,
      tgtIsCausal: options.tgtIsCausal ?? false,
      memoryIsCausal: options.memoryIsCausal ?? false,
    });
  }
}
