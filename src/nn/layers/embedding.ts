// @file Embedding: a learned lookup table from int indices to vectors.
import { checkOptions, optionKeys } from '../../options.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { ShapeError, fmtShape } from '../../errors.js';
import { eq, maskedFill_ } from '../../ops/index.js';
import { arange, zeros } from '../../tensor/create.js';
import { shapesEqual } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkEmbeddingIndices, embedding, normalizePaddingIdx } from '../functional/embedding.js';
import { normal_ } from '../init.js';
import { Module, checkInteger } from '../module.js';
import { Parameter } from '../parameter.js';

export interface EmbeddingOptions {
  /**
   * A row that stays fixed: initialised to zeros and never updated by gradients (e.g. the index of a padding
   * token). Negative values count from the end.
   */
  paddingIdx?: number | null;
  /**
   * Initial values [numEmbeddings, embeddingDim], copied instead of the random init (PyTorch's `_weight`;
   * the padding row is kept as given).
   */
  weight?: Tensor;
  dtype?: 'float32' | 'float64';
}

const EMBEDDING_KEYS = optionKeys<EmbeddingOptions>({ paddingIdx: true, weight: true, dtype: true });

/**
 * A lookup table (torch.nn.Embedding): int32 indices of any shape → vectors, out = weight[indices] with
 * shape [...indices.shape, embeddingDim]. `weight` [numEmbeddings, embeddingDim] starts as N(0, 1) samples
 * from the seeded generator, with the padding row (if any) zeroed. `maxNorm`, `scaleGradByFreq` and sparse
 * gradients are not supported.
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** The fixed row, normalised to [0, numEmbeddings), or null. */
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    checkOptions('Embedding', options, EMBEDDING_KEYS);
    checkInteger('Embedding', 'numEmbeddings', numEmbeddings, 0);
    checkInteger('Embedding', 'embeddingDim', embeddingDim, 0);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx =
      options.paddingIdx == null ? null : normalizePaddingIdx('Embedding', options.paddingIdx, numEmbeddings);
    const initial = options.weight;
    if (initial && !shapesEqual(initial.shape, [numEmbeddings, embeddingDim])) {
      throw new ShapeError(
        'Embedding',
        `weight of shape ${fmtShape(initial.shape)} does not match [numEmbeddings, embeddingDim] = [${numEmbeddings}, ${embeddingDim}]`,
      );
    }
    const dtype = options.dtype ?? (initial?.dtype === 'float64' ? 'float64' : 'float32');
    this.weight = new Parameter(zeros([numEmbeddings, embeddingDim], { dtype }));
    if (initial) noGrad(() => this.weight.copy_(initial));
    else this.resetParameters();
  }

  /**
   * An Embedding holding a copy of `embeddings` [numEmbeddings, embeddingDim] (torch.nn.Embedding.from_pretrained).
   * With `freeze` (default true) the weight does not require grad.
   */
  static fromPretrained(
    embeddings: Tensor,
    options: { freeze?: boolean; paddingIdx?: number | null } = {},
  ): Embedding {
    if (embeddings.ndim !== 2) {
      throw new ShapeError(
        'Embedding.fromPretrained',
        `embeddings must be 2-D [numEmbeddings, embeddingDim], got shape ${fmtShape(embeddings.shape)}`,
      );
    }
    const [rows, cols] = embeddings.shape as [number, number];
    const layer = new Embedding(rows, cols, { paddingIdx: options.paddingIdx ?? null, weight: embeddings });
    layer.weight.requiresGrad_(!(options.freeze ?? true));
    return layer;
  }

  /** Redraws the weight from N(0, 1) and zeroes the padding row. */
  resetParameters(): void {
    normal_(this.weight);
    const padding = this.paddingIdx;
    if (padding !== null) {
      const rows = arange(0, this.numEmbeddings, 1, { dtype: 'int32' }).reshape([this.numEmbeddings, 1]);
      noGrad(() => maskedFill_(this.weight, eq(rows, padding), 0));
    }
  }

  /** @throws DTypeError for non-int32 indices; ValueError naming an index outside [0, numEmbeddings). */
  forward(indices: Tensor): Tensor {
    checkEmbeddingIndices('Embedding', indices, this.numEmbeddings);
    return embedding(indices, this.weight, this.paddingIdx);
  }

  override extraRepr(): string {
    const padding = this.paddingIdx === null ? '' : `, padding_idx=${this.paddingIdx}`;
    return `${this.numEmbeddings}, ${this.embeddingDim}${padding}`;
  }
}
