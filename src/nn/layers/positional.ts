// @file Positional encodings added to token embeddings: the fixed sinusoidal table and a learned table.
import { ShapeError, fmtShape } from '../../errors.js';
import { add, narrow, reshape } from '../../ops/index.js';
import { checkOptions, optionKeys } from '../../options.js';
import { tensor, zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkDropoutProbability, dropout } from '../functional/dropout.js';
import { normal_ } from '../init.js';
import { Module, checkInteger, reprBool, reprFloat } from '../module.js';
import { Parameter } from '../parameter.js';

export interface SinusoidalPositionalEncodingOptions {
  /** Longest sequence the table covers (default 5000). */
  maxLen?: number;
  /** Dropout probability applied to the sum in training (default 0.1, as in the paper). */
  dropout?: number;
  /** Inputs are [N, L, dModel] instead of the default [L, N, dModel]. */
  batchFirst?: boolean;
  /** Dtype of the table (default float32). */
  dtype?: 'float32' | 'float64';
}

export interface LearnedPositionalEmbeddingOptions {
  /** Inputs are [N, L, dModel] instead of the default [L, N, dModel]. */
  batchFirst?: boolean;
  dtype?: 'float32' | 'float64';
}

const SINUSOIDAL_KEYS = optionKeys<SinusoidalPositionalEncodingOptions>({
  maxLen: true,
  dropout: true,
  batchFirst: true,
  dtype: true,
});
const LEARNED_KEYS = optionKeys<LearnedPositionalEmbeddingOptions>({ batchFirst: true, dtype: true });

/**
 * The fixed positional encoding of "Attention Is All You Need" (Vaswani et al., 2017, §3.5), not a PyTorch
 * class: forward(x) = dropout(x + PE[:L]) for x [L, N, dModel] ([N, L, dModel] with `batchFirst`, or [L, dModel]),
 * where for position pos and i = 0, 1, …
 *
 *   PE[pos, 2i]     = sin(pos / 10000^(2i/dModel))
 *   PE[pos, 2i + 1] = cos(pos / 10000^(2i/dModel)).
 *
 * The table [maxLen, dModel] is a non-persistent buffer `pe` (recomputed, so not in the state dict); the layer
 * has no parameters.
 * @throws ShapeError when x's last dim is not dModel or it is longer than maxLen.
 */
export class SinusoidalPositionalEncoding extends Module {
  readonly dModel: number;
  readonly maxLen: number;
  readonly p: number;
  readonly batchFirst: boolean;
  pe: Tensor;

  constructor(dModel: number, options: SinusoidalPositionalEncodingOptions = {}) {
    super();
    checkOptions('SinusoidalPositionalEncoding', options, SINUSOIDAL_KEYS);
    const { maxLen = 5000, dropout: p = 0.1, batchFirst = false, dtype = 'float32' } = options;
    checkInteger('SinusoidalPositionalEncoding', 'dModel', dModel);
    checkInteger('SinusoidalPositionalEncoding', 'maxLen', maxLen);
    checkDropoutProbability('SinusoidalPositionalEncoding', p);
    this.dModel = dModel;
    this.maxLen = maxLen;
    this.p = p;
    this.batchFirst = batchFirst;
    this.pe = this.registerBuffer('pe', sinusoidalTable(maxLen, dModel, dtype), false);
  }

  forward(x: Tensor): Tensor {
    const positions = positionRows('SinusoidalPositionalEncoding', x, this.pe, this.batchFirst);
    return dropout(add(x, positions), this.p, this.training);
  }

  override extraRepr(): string {
    return `d_model=${this.dModel}, max_len=${this.maxLen}, p=${reprFloat(this.p)}, batch_first=${reprBool(this.batchFirst)}`;
  }
}

/** PE[pos, 2i] = sin(pos·ω_i), PE[pos, 2i + 1] = cos(pos·ω_i), ω_i = 10000^(−2i/dModel), computed in float64. */
function sinusoidalTable(maxLen: number, dModel: number, dtype: 'float32' | 'float64'): Tensor {
  const data = new Float64Array(maxLen * dModel);
  for (let pair = 0; 2 * pair < dModel; pair++) {
    const frequency = Math.exp((-2 * pair * Math.log(10000)) / dModel);
    for (let pos = 0; pos < maxLen; pos++) {
      data[pos * dModel + 2 * pair] = Math.sin(pos * frequency);
      if (2 * pair + 1 < dModel) data[pos * dModel + 2 * pair + 1] = Math.cos(pos * frequency);
    }
  }
  return tensor(dtype === 'float64' ? data : new Float32Array(data), { shape: [maxLen, dModel], dtype });
}

/**
 * Learned absolute position embeddings (BERT, GPT-2), not a PyTorch class: forward(x) = x + weight[:L] for
 * x [L, N, dModel] ([N, L, dModel] with `batchFirst`, or [L, dModel]). `weight` [maxLen, dModel] starts as
 * N(0, 1) samples, like nn.Embedding's table.
 * @throws ShapeError when x's last dim is not dModel or it is longer than maxLen.
 */
export class LearnedPositionalEmbedding extends Module {
  readonly maxLen: number;
  readonly dModel: number;
  readonly batchFirst: boolean;
  weight: Parameter;

  constructor(maxLen: number, dModel: number, options: LearnedPositionalEmbeddingOptions = {}) {
    super();
    checkOptions('LearnedPositionalEmbedding', options, LEARNED_KEYS);
    checkInteger('LearnedPositionalEmbedding', 'maxLen', maxLen);
    checkInteger('LearnedPositionalEmbedding', 'dModel', dModel);
    const { batchFirst = false, dtype = 'float32' } = options;
    this.maxLen = maxLen;
    this.dModel = dModel;
    this.batchFirst = batchFirst;
    this.weight = new Parameter(zeros([maxLen, dModel], { dtype }));
    this.resetParameters();
  }

  /** Redraws the table from N(0, 1). */
  resetParameters(): void {
    normal_(this.weight);
  }

  forward(x: Tensor): Tensor {
    return add(x, positionRows('LearnedPositionalEmbedding', x, this.weight, this.batchFirst));
  }

  override extraRepr(): string {
    return `${this.maxLen}, ${this.dModel}`;
  }
}

/** The first L rows of `table`, shaped to broadcast against x ([L, 1, d] for sequence-first batched input). */
function positionRows(op: string, x: Tensor, table: Tensor, batchFirst: boolean): Tensor {
  const [maxLen, dModel] = table.shape as [number, number];
  if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== dModel) {
    const layout = batchFirst ? '[N, L, dModel]' : '[L, N, dModel]';
    throw new ShapeError(
      op,
      `expected input ${layout} or [L, dModel] with dModel ${dModel}, got ${fmtShape(x.shape)}`,
    );
  }
  const length = x.shape[x.ndim === 3 && batchFirst ? 1 : 0]!;
  if (length > maxLen) {
    throw new ShapeError(
      op,
      `sequence length ${length} of input ${fmtShape(x.shape)} exceeds maxLen ${maxLen}`,
    );
  }
  const rows = narrow(table, 0, 0, length);
  return x.ndim === 3 && !batchFirst ? reshape(rows, [length, 1, dModel]) : rows;
}
