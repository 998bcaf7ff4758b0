// @file MultiheadAttention: learned projections around scaled dot-product attention, split over heads.
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import {
  chunk,
  linear,
  logicalAnd,
  logicalNot,
  maskedFill,
  mean,
  narrow,
  permute,
  reshape,
  squeeze,
  unsqueeze,
} from '../../ops/index.js';
import { checkOptions, optionKeys } from '../../options.js';
import { zeros } from '../../tensor/create.js';
import { shapesEqual } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { attention, causalMask } from '../functional/attention.js';
import { checkDropoutProbability } from '../functional/dropout.js';
import { xavierUniform_, zeros_ } from '../init.js';
import { Module, checkInteger } from '../module.js';
import { Parameter } from '../parameter.js';
import { Linear } from './linear.js';

export interface MultiheadAttentionOptions {
  /** Dropout probability on the attention weights in training (default 0). */
  dropout?: number;
  /** Learn input and output projection biases (default true). */
  bias?: boolean;
  /** Size of the key features (default embedDim). */
  kdim?: number | null;
  /** Size of the value features (default embedDim). */
  vdim?: number | null;
  /** Inputs and output are [N, L, E] instead of the default [L, N, E]. */
  batchFirst?: boolean;
  /** Parameter dtype (default float32; float64 for gradient checks). */
  dtype?: 'float32' | 'float64';
}

export interface MultiheadAttentionForwardOptions {
  /**
   * [N, S] (or [S] unbatched): keys to ignore. Bool: true = ignore this key (padding); float: added to the
   * scores of that key.
   */
  keyPaddingMask?: Tensor | null;
  /** Also return the attention weights (default true); false returns null in their place. */
  needWeights?: boolean;
  /**
   * [L, S] or [N·numHeads, L, S]: pairs to block. Bool: true = query i may NOT attend to key j (the opposite of
   * scaledDotProductAttention's bool mask, as in PyTorch); float: added to the scores.
   */
  attnMask?: Tensor | null;
  /** Return the weights averaged over heads [N, L, S] (default true) rather than per head [N, H, L, S]. */
  averageAttnWeights?: boolean;
  /** Without `attnMask`, applies the causal mask (query i attends to keys j ≤ i); with one, uses that mask. */
  isCausal?: boolean;
}

const MHA_KEYS = optionKeys<MultiheadAttentionOptions>({
  dropout: true,
  bias: true,
  kdim: true,
  vdim: true,
  batchFirst: true,
  dtype: true,
});

const FORWARD_KEYS = optionKeys<MultiheadAttentionForwardOptions>({
  keyPaddingMask: true,
  needWeights: true,
  attnMask: true,
  averageAttnWeights: true,
  isCausal: true,
});

/**
 * Multi-head attention (torch.nn.MultiheadAttention; Vaswani et al., 2017):
 *
 *   MultiHead(Q, K, V) = Concat(head₁, …, head_h)·W_Oᵀ + b_O,
 *   head_i = softmax((Q·W_Qᵢᵀ + b_Qᵢ)(K·W_Kᵢᵀ + b_Kᵢ)ᵀ / √d + mask)·(V·W_Vᵢᵀ + b_Vᵢ),  d = embedDim / numHeads.
 *
 * `forward(query, key, value, options)` takes query [L, N, E], key [S, N, kdim] and value [S, N, vdim]
 * ([N, L, E], … with `batchFirst`; [L, E], … unbatched) and returns `[output, weights]`: output like query,
 * weights [N, L, S] averaged over heads (or [N, H, L, S]), or null when `needWeights` is false.
 *
 * Parameters carry PyTorch's state-dict names: `in_proj_weight` [3E, E] (or `q_proj_weight` [E, E],
 * `k_proj_weight` [E, kdim] and `v_proj_weight` [E, vdim] when kdim or vdim differ from E), `in_proj_bias` [3E],
 * `out_proj.weight` [E, E] and `out_proj.bias` [E]. The input projections start Xavier-uniform and every bias
 * at zero; `out_proj.weight` keeps Linear's init, as in PyTorch. `addBiasKv` and `addZeroAttn` are not offered.
 * A query whose keys are all masked gets zero weights (not NaN).
 */
export class MultiheadAttention extends Module<
  [Tensor, Tensor, Tensor, MultiheadAttentionForwardOptions?],
  [Tensor, Tensor | null]
> {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  in_proj_weight: Parameter | null;
  q_proj_weight: Parameter | null;
  k_proj_weight: Parameter | null;
  v_proj_weight: Parameter | null;
  in_proj_bias: Parameter | null;
  out_proj: Linear;

  constructor(embedDim: number, numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    checkOptions('MultiheadAttention', options, MHA_KEYS);
    checkInteger('MultiheadAttention', 'embedDim', embedDim);
    checkInteger('MultiheadAttention', 'numHeads', numHeads);
    if (embedDim % numHeads !== 0) {
      throw new ValueError(
        'MultiheadAttention',
        `embedDim must be divisible by numHeads, got embedDim ${embedDim} and numHeads ${numHeads}`,
      );
    }
    const { dropout = 0, bias = true, batchFirst = false, dtype = 'float32' } = options;
    checkDropoutProbability('MultiheadAttention', dropout);
    const kdim = options.kdim ?? embedDim;
    const vdim = options.vdim ?? embedDim;
    checkInteger('MultiheadAttention', 'kdim', kdim);
    checkInteger('MultiheadAttention', 'vdim', vdim);
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.kdim = kdim;
    this.vdim = vdim;
    this.dropout = dropout;
    this.batchFirst = batchFirst;
    const separate = !this.sameEmbedDim;
    const param = (shape: number[]) => new Parameter(zeros(shape, { dtype }));
    this.in_proj_weight = separate ? null : param([3 * embedDim, embedDim]);
    this.q_proj_weight = separate ? param([embedDim, embedDim]) : null;
    this.k_proj_weight = separate ? param([embedDim, kdim]) : null;
    this.v_proj_weight = separate ? param([embedDim, vdim]) : null;
    this.in_proj_bias = bias ? param([3 * embedDim]) : null;
    this.out_proj = new Linear(embedDim, embedDim, { bias, dtype });
    this.resetParameters();
  }

  /** True when keys and values have embedDim features, so one [3E, E] weight projects all three. */
  get sameEmbedDim(): boolean {
    return this.kdim === this.embedDim && this.vdim === this.embedDim;
  }
  get inProjWeight(): Parameter | null {
    return this.in_proj_weight;
  }
  get inProjBias(): Parameter | null {
    return this.in_proj_bias;
  }
  get outProj(): Linear {
    return this.out_proj;
  }

  /** Xavier-uniform input projections, zero biases (torch.nn.MultiheadAttention._reset_parameters). */
  resetParameters(): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) {
      if (w) xavierUniform_(w);
    }
    if (this.in_proj_bias) zeros_(this.in_proj_bias);
    if (this.out_proj.bias) zeros_(this.out_proj.bias);
  }

  /** @throws ShapeError naming the shapes when inputs or masks do not fit; ValueError for unknown options. */
  forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    options: MultiheadAttentionForwardOptions = {},
  ): [Tensor, Tensor | null] {
    checkOptions('MultiheadAttention.forward', options, FORWARD_KEYS);
    const { needWeights = true, averageAttnWeights = true, isCausal = false } = options;
    const batched = this.checkInputs(query, key, value);
    const batchDim = this.batchFirst ? 0 : 1;
    const [q, k, v] = batched
      ? [query, key, value]
      : [unsqueeze(query, batchDim), unsqueeze(key, batchDim), unsqueeze(value, batchDim)];
    let keyPaddingMask = options.keyPaddingMask ?? null;
    if (keyPaddingMask && !batched && keyPaddingMask.ndim === 1)
      keyPaddingMask = unsqueeze(keyPaddingMask, 0);
    const batchSize = q.shape[batchDim]!;
    const [queryLength, keyLength] = [q.shape[1 - batchDim]!, k.shape[1 - batchDim]!];

    const [qp, kp, vp] = this.project(q, k, v, query === key && key === value);
    const mask = this.combinedMask(
      options.attnMask ?? (isCausal ? logicalNot(causalMask(queryLength, keyLength)) : null),
      keyPaddingMask,
      batchSize,
      queryLength,
      keyLength,
      q.dtype,
    );
    const { output, weights } = attention(
      'MultiheadAttention',
      this.toHeads(qp),
      this.toHeads(kp),
      this.toHeads(vp),
      { attnMask: mask, dropoutP: this.training ? this.dropout : 0 },
    );
    // [N, H, L, D] → [L, N, E] (or [N, L, E]), then the output projection.
    const merged = permute(output, this.batchFirst ? [0, 2, 1, 3] : [2, 0, 1, 3]);
    let out = this.out_proj.forward(reshape(merged, [...merged.shape.slice(0, 2), this.embedDim]));
    if (!batched) out = squeeze(out, batchDim);
    if (!needWeights) return [out, null];
    let reported = averageAttnWeights ? mean(weights, 1) : weights;
    if (!batched) reported = squeeze(reported, 0);
    return [out, reported];
  }

  /** The projected query, key and value, each [L or S, N, E] (or batch first). */
  private project(q: Tensor, k: Tensor, v: Tensor, selfAttention: boolean): [Tensor, Tensor, Tensor] {
    const E = this.embedDim;
    const bias = this.in_proj_bias;
    const biases = bias ? chunk(bias, 3) : [null, null, null];
    if (this.in_proj_weight) {
      if (selfAttention) {
        const [qp, kp, vp] = chunk(linear(q, this.in_proj_weight, bias), 3, -1);
        return [qp!, kp!, vp!];
      }
      const w = this.in_proj_weight;
      return [
        linear(q, narrow(w, 0, 0, E), biases[0]),
        linear(k, narrow(w, 0, E, E), biases[1]),
        linear(v, narrow(w, 0, 2 * E, E), biases[2]),
      ];
    }
    return [
      linear(q, this.q_proj_weight!, biases[0]),
      linear(k, this.k_proj_weight!, biases[1]),
      linear(v, this.v_proj_weight!, biases[2]),
    ];
  }

  /** [L, N, E] (or [N, L, E]) → [N, H, L, D]. */
  private toHeads(x: Tensor): Tensor {
    const [a, b] = x.shape as [number, number];
    const split = reshape(x, [a, b, this.numHeads, this.headDim]);
    return permute(split, this.batchFirst ? [0, 2, 1, 3] : [1, 2, 0, 3]);
  }

  /**
   * attnMask and keyPaddingMask in scaledDotProductAttention's conventions, broadcastable to [N, H, L, S]:
   * a bool mask (true = attend) when both are bool, otherwise an additive float mask of `dtype`.
   */
  private combinedMask(
    attnMask: Tensor | null,
    keyPaddingMask: Tensor | null,
    batchSize: number,
    queryLength: number,
    keyLength: number,
    dtype: Tensor['dtype'],
  ): Tensor | null {
    const op = 'MultiheadAttention';
    const parts: Tensor[] = [];
    if (attnMask) {
      const heads = batchSize * this.numHeads;
      if (attnMask.ndim === 2 && shapesEqual(attnMask.shape, [queryLength, keyLength])) parts.push(attnMask);
      else if (attnMask.ndim === 3 && shapesEqual(attnMask.shape, [heads, queryLength, keyLength])) {
        parts.push(reshape(attnMask, [batchSize, this.numHeads, queryLength, keyLength]));
      } else {
        throw new ShapeError(
          op,
          `attnMask must be [L, S] = [${queryLength}, ${keyLength}] or [N·numHeads, L, S] = [${heads}, ${queryLength}, ${keyLength}], got ${fmtShape(attnMask.shape)}`,
        );
      }
    }
    if (keyPaddingMask) {
      if (!shapesEqual(keyPaddingMask.shape, [batchSize, keyLength])) {
        throw new ShapeError(
          op,
          `keyPaddingMask must be [N, S] = [${batchSize}, ${keyLength}] (or [S] unbatched), got ${fmtShape(keyPaddingMask.shape)}`,
        );
      }
      parts.push(reshape(keyPaddingMask, [batchSize, 1, 1, keyLength]));
    }
    if (parts.length === 0) return null;
    if (parts.every((m) => m.dtype === 'bool')) {
      const allowed = parts.map((m) => logicalNot(m));
      return allowed.length === 2 ? logicalAnd(allowed[0]!, allowed[1]!) : allowed[0]!;
    }
    const additive = parts.map((m) =>
      m.dtype === 'bool' ? maskedFill(zeros(m.shape, { dtype }), m, -Infinity) : m,
    );
    return additive.length === 2 ? additive[0]!.add(additive[1]!) : additive[0]!;
  }

  /** Checks ranks and feature sizes; returns whether the inputs are batched (3-D). */
  private checkInputs(query: Tensor, key: Tensor, value: Tensor): boolean {
    const op = 'MultiheadAttention';
    const shapes = `query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)}, value ${fmtShape(value.shape)}`;
    if ((query.ndim !== 2 && query.ndim !== 3) || key.ndim !== query.ndim || value.ndim !== query.ndim) {
      throw new ShapeError(
        op,
        `expected query, key and value all 3-D (batched) or all 2-D (unbatched), got ${shapes}`,
      );
    }
    const last = (t: Tensor) => t.shape[t.ndim - 1];
    if (last(query) !== this.embedDim || last(key) !== this.kdim || last(value) !== this.vdim) {
      throw new ShapeError(
        op,
        `expected features embedDim ${this.embedDim}, kdim ${this.kdim}, vdim ${this.vdim} in the last dims, got ${shapes}`,
      );
    }
    const batched = query.ndim === 3;
    const seqDim = batched && this.batchFirst ? 1 : 0;
    if (key.shape[seqDim] !== value.shape[seqDim]) {
      throw new ShapeError(op, `key and value must have the same sequence length S, got ${shapes}`);
    }
    if (batched) {
      const batchDim = 1 - seqDim;
      if (key.shape[batchDim] !== query.shape[batchDim] || value.shape[batchDim] !== query.shape[batchDim]) {
        throw new ShapeError(op, `query, key and value must have the same batch size, got ${shapes}`);
      }
    }
    return batched;
  }
}
