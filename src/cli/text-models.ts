// @file Character language models of the command line: lstm:H,L and transformer:LxD as nn.Sequential, and their loss.
import { ValueError } from '../errors.js';
import { crossEntropy } from '../nn/functional/loss-classification.js';
import { Sequential } from '../nn/layers/container.js';
import { Embedding } from '../nn/layers/embedding.js';
import { Linear } from '../nn/layers/linear.js';
import { LayerNorm } from '../nn/layers/normalization.js';
import { LearnedPositionalEmbedding } from '../nn/layers/positional.js';
import { LSTM } from '../nn/layers/recurrent.js';
import { TransformerEncoder, TransformerEncoderLayer } from '../nn/layers/transformer-encoder.js';
import { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { MAX_ACTIVATION_VALUES, MAX_PARAMETERS } from './models.js';

/** What `--model` accepts for text, for --help and errors. */
export const TEXT_MODEL_HELP =
  "'lstm:H,L' (hidden size, layers) or 'transformer:LxD' (layers × width, D a multiple of 32)";
/** Width of one attention head of transformer:LxD (so D/32 heads: 4 for D = 128). */
export const HEAD_WIDTH = 32;
/** Most layers a text spec may stack. */
const MAX_LAYERS = 64;

export type TextModelSpec =
  | { kind: 'lstm'; hidden: number; layers: number }
  | { kind: 'transformer'; layers: number; width: number; heads: number };

/** Whether `--model` names a character language model. */
export function isTextModelSpec(spec: string): boolean {
  return /^(lstm|transformer):/.test(spec);
}

function size(text: string | undefined, what: string, spec: string, max = Infinity): number {
  const v = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || !(v >= 1 && v <= max))
    throw new ValueError(
      '--model',
      `${what} in '${spec}' must be an integer from 1 to ${max}, got '${text ?? ''}'`,
    );
  return v;
}

/** Parses 'lstm:H,L' (L defaults to 1) or 'transformer:LxD' (D a multiple of HEAD_WIDTH; heads D/HEAD_WIDTH). */
export function parseTextModelSpec(spec: string): TextModelSpec {
  const lstm = /^lstm:([^,]*)(?:,(.*))?$/.exec(spec);
  if (lstm) {
    return {
      kind: 'lstm',
      hidden: size(lstm[1], 'the hidden size', spec, 16_384),
      layers: lstm[2] === undefined ? 1 : size(lstm[2], 'the number of layers', spec, MAX_LAYERS),
    };
  }
  const transformer = /^transformer:([^x]*)x(.*)$/.exec(spec);
  if (transformer) {
    const layers = size(transformer[1], 'the number of layers', spec, MAX_LAYERS);
    const width = size(transformer[2], 'the width', spec, 16_384);
    if (width % HEAD_WIDTH !== 0) {
      throw new ValueError(
        '--model',
        `the width of '${spec}' must be a multiple of ${HEAD_WIDTH} (attention heads of ${HEAD_WIDTH} dimensions), got ${width}`,
      );
    }
    return { kind: 'transformer', layers, width, heads: width / HEAD_WIDTH };
  }
  throw new ValueError(
    '--model',
    `unknown model '${spec}' for a text: dataset (expected ${TEXT_MODEL_HELP})`,
  );
}

/** Parameters of a text model, counted from the spec (PyTorch's layouts: LSTM has two bias vectors per layer). */
export function textModelParameters(model: TextModelSpec, vocabularySize: number, seqLen: number): number {
  const v = vocabularySize;
  if (model.kind === 'lstm') {
    const h = model.hidden;
    // Embedding V·H, each layer 4H·(H + H) weights + 8H biases, output H·V + V.
    return v * h + model.layers * (8 * h * h + 8 * h) + h * v + v;
  }
  const d = model.width;
  // Attention 4D² + 4D, feed-forward (4D wide) 8D² + 5D, two LayerNorms 4D.
  const layer = 12 * d * d + 13 * d;
  return v * d + seqLen * d + model.layers * layer + 2 * d + d * v + v;
}

/** Largest number of values one layer produces per sample (a window of seqLen characters). */
function largestActivation(model: TextModelSpec, vocabularySize: number, seqLen: number): number {
  if (model.kind === 'lstm') return seqLen * Math.max(vocabularySize, 4 * model.hidden);
  return Math.max(seqLen * Math.max(vocabularySize, 4 * model.width), model.heads * seqLen * seqLen);
}

/**
 * An LSTM stack inside nn.Sequential: forward(x) returns only the outputs [N, L, H] (batch first); `step` also
 * takes and returns the (h, c) state, for generating one character at a time.
 */
export class LSTMOutputs extends Module<[Tensor], Tensor> {
  lstm: LSTM;

  constructor(inputSize: number, hiddenSize: number, numLayers: number, dropout: number) {
    super();
    this.lstm = new LSTM(inputSize, hiddenSize, {
      numLayers,
      batchFirst: true,
      dropout: numLayers > 1 ? dropout : 0,
    });
  }

  forward(x: Tensor): Tensor {
    return this.lstm.forward(x)[0];
  }

  /** Outputs and the final (h, c) for inputs [N, L, inputSize] starting from `state` (zeros when null). */
  step(x: Tensor, state: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    return this.lstm.forward(x, state);
  }
}

/** A TransformerEncoder inside nn.Sequential that always applies the causal mask (position t sees 0…t). */
export class CausalEncoder extends Module<[Tensor], Tensor> {
  encoder: TransformerEncoder;

  constructor(encoder: TransformerEncoder) {
    super();
    this.encoder = encoder;
  }

  forward(x: Tensor): Tensor {
    return this.encoder.forward(x, { isCausal: true });
  }
}

/**
 * Cross-entropy per character: logits [N, L, V] against next-character ids [N, L], averaged over all N·L
 * positions (so exp(loss) is the per-character perplexity).
 */
export class SequenceCrossEntropyLoss extends Module<[Tensor, Tensor], Tensor> {
  forward(logits: Tensor, target: Tensor): Tensor {
    const classes = logits.shape[logits.ndim - 1]!;
    return crossEntropy(logits.reshape([-1, classes]), target.reshape([-1]));
  }
}

/**
 * The network of a text run, as nn.Sequential over int32 windows [N, seqLen] giving logits [N, seqLen, V]:
 *
 * - `lstm:H,L`: Embedding(V, H) → LSTM(H, H, L layers, batch first, `dropout` between layers) → Linear(H, V)
 * - `transformer:LxD`: Embedding(V, D) → learned positional embedding (seqLen × D) → L pre-norm
 *   TransformerEncoderLayers (D/32 heads, feed-forward 4D with GELU, `dropout`) with a final LayerNorm and the
 *   causal mask → Linear(D, V)
 *
 * Sizes are checked before anything is allocated: at most MAX_PARAMETERS parameters and, given `batchSize`,
 * at most MAX_ACTIVATION_VALUES values in one layer's output (or attention scores) for a batch.
 */
export function buildTextModel(
  spec: string,
  options: { vocabularySize: number; seqLen: number; dropout: number; batchSize?: number },
): Sequential {
  const { vocabularySize: v, seqLen, dropout } = options;
  const model = parseTextModelSpec(spec);
  const parameters = textModelParameters(model, v, seqLen);
  if (parameters > MAX_PARAMETERS) {
    throw new ValueError(
      '--model',
      `'${spec}' over ${v} characters has ${parameters.toExponential(2)} parameters; at most ${MAX_PARAMETERS.toExponential(0)} are allowed`,
    );
  }
  if (options.batchSize !== undefined) {
    const values = largestActivation(model, v, seqLen) * options.batchSize;
    if (values > MAX_ACTIVATION_VALUES) {
      throw new ValueError(
        '--batch-size',
        `${options.batchSize} windows of ${seqLen} characters through '${spec}' need ${values.toExponential(2)} values in one layer's output; at most ${MAX_ACTIVATION_VALUES} (2^28) are allowed: use a smaller batch or --seq-len`,
      );
    }
  }
  if (model.kind === 'lstm') {
    const h = model.hidden;
    return new Sequential(
      new Embedding(v, h),
      new LSTMOutputs(h, h, model.layers, dropout),
      new Linear(h, v),
    );
  }
  const d = model.width;
  const layer = new TransformerEncoderLayer(d, model.heads, {
    dimFeedforward: 4 * d,
    dropout,
    activation: 'gelu',
    batchFirst: true,
    normFirst: true,
  });
  return new Sequential(
    new Embedding(v, d),
    new LearnedPositionalEmbedding(seqLen, d, { batchFirst: true }),
    new CausalEncoder(new TransformerEncoder(layer, model.layers, { norm: new LayerNorm(d) })),
    new Linear(d, v),
  );
}
