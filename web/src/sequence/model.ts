// @file The sequence page's model: token + learned position embeddings, a stack of multi-head self-attention
// blocks (attention, residual, LayerNorm), and a Linear read-out of one token per position.
import { Tensor, arange, nn } from 'neurite';

export interface SequenceModelConfig {
  vocabularySize: number;
  length: number;
  dModel: number;
  numHeads: number;
  numLayers: number;
}

/** What one forward pass gives: logits and every layer's attention weights. */
export interface SequenceOutput {
  /** [batch, length, vocabularySize]. */
  logits: Tensor;
  /** Per layer, the weights of each head: [batch, numHeads, length, length]. */
  attention: Tensor[];
}

/**
 * TEMPORARY stand-in for nn.MultiheadAttention (batchFirst, needWeights, averageAttnWeights false) until it lands:
 * softmax(Q·Kᵀ/√d_head)·V per head, then the output projection.
 */
class SelfAttention extends nn.Module<[Tensor], [Tensor, Tensor]> {
  inProj: nn.Linear;
  outProj: nn.Linear;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
  ) {
    super();
    this.inProj = new nn.Linear(embedDim, 3 * embedDim);
    this.outProj = new nn.Linear(embedDim, embedDim);
  }

  forward(x: Tensor): [Tensor, Tensor] {
    const [batch, length] = x.shape as [number, number, number];
    const headDim = this.embedDim / this.numHeads;
    const qkv = this.inProj
      .forward(x)
      .reshape([batch, length, 3, this.numHeads, headDim])
      .permute([2, 0, 3, 1, 4]);
    const [q, k, v] = [qkv.select(0, 0), qkv.select(0, 1), qkv.select(0, 2)];
    const weights = q
      .matmul(k.transpose(-1, -2))
      .mul(1 / Math.sqrt(headDim))
      .softmax(-1);
    const mixed = weights.matmul(v).permute([0, 2, 1, 3]).reshape([batch, length, this.embedDim]);
    return [this.outProj.forward(mixed), weights];
  }
}

/** One block: h ← LayerNorm(h + MultiheadAttention(h, h, h)). */
class AttentionBlock extends nn.Module<[Tensor], [Tensor, Tensor]> {
  attention: SelfAttention;
  norm: nn.LayerNorm;

  constructor(dModel: number, numHeads: number) {
    super();
    this.attention = new SelfAttention(dModel, numHeads);
    this.norm = new nn.LayerNorm(dModel);
  }

  forward(h: Tensor): [Tensor, Tensor] {
    const [mixed, weights] = this.attention.forward(h);
    return [this.norm.forward(h.add(mixed)), weights];
  }
}

/**
 * h₀ = E_token[x] + E_position[0…n−1]; hₗ = LayerNorm(hₗ₋₁ + MHA(hₗ₋₁)); logits = W·h_L + b. Without the position
 * embedding attention could not tell positions apart (it is permutation-equivariant), so tasks that move tokens
 * by position (reverse, rotate) would be unlearnable.
 */
export class SequenceModel extends nn.Module<[Tensor], SequenceOutput> {
  tokenEmbedding: nn.Embedding;
  positionEmbedding: nn.Embedding;
  blocks: nn.ModuleList<AttentionBlock>;
  readout: nn.Linear;
  private readonly positions: Tensor;

  constructor(readonly config: SequenceModelConfig) {
    super();
    const { vocabularySize, length, dModel, numHeads, numLayers } = config;
    this.tokenEmbedding = new nn.Embedding(vocabularySize, dModel);
    this.positionEmbedding = new nn.Embedding(length, dModel);
    this.blocks = new nn.ModuleList(
      Array.from({ length: numLayers }, () => new AttentionBlock(dModel, numHeads)),
    );
    this.readout = new nn.Linear(dModel, vocabularySize);
    this.positions = arange(0, length, 1, { dtype: 'int32' });
  }

  /** tokens: int32 [batch, length]. */
  forward(tokens: Tensor): SequenceOutput {
    let h = this.tokenEmbedding.forward(tokens).add(this.positionEmbedding.forward(this.positions));
    const attention: Tensor[] = [];
    for (const block of this.blocks) {
      const [next, weights] = block.forward(h);
      h = next;
      attention.push(weights);
    }
    return { logits: this.readout.forward(h), attention };
  }
}
