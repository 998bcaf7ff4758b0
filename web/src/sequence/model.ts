// @file The sequence page's model: token + learned position embeddings, a stack of multi-head self-attention
// blocks (attention, residual, LayerNorm), and a Linear read-out of one token per position.
import { Tensor, nn } from 'neurite';

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

/** One block: h ← LayerNorm(h + MultiheadAttention(h, h, h)). */
class AttentionBlock extends nn.Module<[Tensor], [Tensor, Tensor]> {
  attention: nn.MultiheadAttention;
  norm: nn.LayerNorm;

  constructor(dModel: number, numHeads: number) {
    super();
    this.attention = new nn.MultiheadAttention(dModel, numHeads, { batchFirst: true });
    this.norm = new nn.LayerNorm(dModel);
  }

  /** h [batch, length, dModel] → the next h, and the weights of every head [batch, numHeads, length, length]. */
  forward(h: Tensor): [Tensor, Tensor] {
    const [mixed, weights] = this.attention.forward(h, h, h, {
      needWeights: true,
      averageAttnWeights: false,
    });
    return [this.norm.forward(h.add(mixed)), weights!];
  }
}

/**
 * h₀ = E_token[x] + P[0…n−1] (learned position rows), hₗ = LayerNorm(hₗ₋₁ + MHA(hₗ₋₁, hₗ₋₁, hₗ₋₁)),
 * logits = W·h_L + b. Without the position rows attention could not tell positions apart (it is
 * permutation-equivariant), so tasks that move tokens by position (reverse, rotate) would be unlearnable.
 */
export class SequenceModel extends nn.Module<[Tensor], SequenceOutput> {
  tokenEmbedding: nn.Embedding;
  positionEmbedding: nn.LearnedPositionalEmbedding;
  blocks: nn.ModuleList<AttentionBlock>;
  readout: nn.Linear;

  constructor(readonly config: SequenceModelConfig) {
    super();
    const { vocabularySize, length, dModel, numHeads, numLayers } = config;
    this.tokenEmbedding = new nn.Embedding(vocabularySize, dModel);
    this.positionEmbedding = new nn.LearnedPositionalEmbedding(length, dModel, { batchFirst: true });
    this.blocks = new nn.ModuleList(
      Array.from({ length: numLayers }, () => new AttentionBlock(dModel, numHeads)),
    );
    this.readout = new nn.Linear(dModel, vocabularySize);
  }

  /** tokens: int32 [batch, length]. */
  forward(tokens: Tensor): SequenceOutput {
    let h = this.positionEmbedding.forward(this.tokenEmbedding.forward(tokens));
    const attention: Tensor[] = [];
    for (const block of this.blocks) {
      const [next, weights] = block.forward(h);
      h = next;
      attention.push(weights);
    }
    return { logits: this.readout.forward(h), attention };
  }
}
