// @file Functional multi-layer, optionally bidirectional RNN / LSTM / GRU over a sequence (the math behind nn.RNN, nn.LSTM, nn.GRU).
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { recurrence, type RecurrentKind } from '../../ops/recurrent.js';
import { select } from '../../ops/indexing.js';
import { cat, narrow, stack, squeeze, transpose, unsqueeze } from '../../ops/shape.js';
import { checkOptions, optionKeys } from '../../options.js';
import { zeros } from '../../tensor/create.js';
import { isFloat } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkDropoutProbability, dropout } from './dropout.js';

/** The weights of one layer in one direction, as PyTorch names them (`weight_ih_l0`, …; biases may be absent). */
export interface RecurrentLayerWeights {
  /** [G·hidden, input] with G = 1 (RNN), 4 (LSTM: i, f, g, o) or 3 (GRU: r, z, n). */
  weightIh: Tensor;
  /** [G·hidden, hidden]. */
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
}

export interface RecurrentOptions {
  /** Stacked layers (default 1); `weights` holds numLayers·(bidirectional ? 2 : 1) entries. */
  numLayers?: number;
  /** Inputs and outputs are [batch, seq, feature] instead of [seq, batch, feature] (default false). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training only (default 0). */
  dropout?: number;
  /** Run a second direction from the last step to the first and concatenate its outputs (default false). */
  bidirectional?: boolean;
  /** Training mode: whether dropout is applied (default true). */
  training?: boolean;
}

const RECURRENT_KEYS = optionKeys<RecurrentOptions>({
  numLayers: true,
  batchFirst: true,
  dropout: true,
  bidirectional: true,
  training: true,
});

/** The result of a recurrent forward pass: the last layer's outputs for every step, and the final states. */
export interface RecurrentResult {
  /** [seq, batch, D·hidden] ([batch, seq, D·hidden] with batchFirst, [seq, D·hidden] unbatched). */
  output: Tensor;
  /** Final hidden state of every layer and direction: [numLayers·D, batch, hidden] ([numLayers·D, hidden] unbatched). */
  hN: Tensor;
  /** The LSTM's final cell states, shaped like hN; null for RNN and GRU. */
  cN: Tensor | null;
}

/**
 * Runs a stacked recurrent network the way torch.nn.RNN / LSTM / GRU do: layer l reads the previous layer's
 * outputs (with dropout between layers in training), each direction runs its own recurrence (see
 * ops/recurrent.ts for the per-step equations), and a bidirectional layer concatenates forward and backward
 * outputs along the feature dim. `h0`/`c0` are [numLayers·D, batch, hidden] (unbatched: [numLayers·D, hidden]);
 * null means zeros. `op` names the layer in errors.
 * @throws ShapeError naming the layer and shapes for a wrong input rank or size or a wrong state shape.
 */
export function recurrentForward(
  op: string,
  kind: RecurrentKind,
  input: Tensor,
  h0: Tensor | null,
  c0: Tensor | null,
  weights: readonly RecurrentLayerWeights[],
  options: RecurrentOptions = {},
): RecurrentResult {
  checkOptions(op, options, RECURRENT_KEYS);
  const {
    numLayers = 1,
    batchFirst = false,
    dropout: p = 0,
    bidirectional = false,
    training = true,
  } = options;
  checkDropoutProbability(op, p);
  const directions = bidirectional ? 2 : 1;
  if (weights.length !== numLayers * directions || numLayers < 1) {
    throw new ValueError(op, `expected ${numLayers * directions} weight sets, got ${weights.length}`);
  }
  const first = weights[0]!;
  const inputSize = first.weightIh.shape[1]!;
  const hiddenSize = first.weightHh.shape[1]!;
  if (!isFloat(input.dtype) || input.dtype !== first.weightIh.dtype) {
    throw new DTypeError(
      op,
      `expected input of the parameters' dtype ${first.weightIh.dtype}, got ${input.dtype}`,
    );
  }
  if (input.ndim !== 2 && input.ndim !== 3) {
    throw new ShapeError(
      op,
      `expected a 2-D (unbatched) or 3-D (batched) input, got shape ${fmtShape(input.shape)}`,
    );
  }
  if (input.shape[input.ndim - 1] !== inputSize) {
    throw new ShapeError(
      op,
      `input.size(-1) must be equal to input_size: expected ${inputSize}, got ${input.shape[input.ndim - 1]} (input shape ${fmtShape(input.shape)})`,
    );
  }
  const batched = input.ndim === 3;
  if (input.shape[batched && batchFirst ? 1 : 0] === 0) {
    throw new ValueError(
      op,
      `expected a sequence length larger than 0, got input shape ${fmtShape(input.shape)}`,
    );
  }
  let x = batched ? (batchFirst ? transpose(input, 0, 1) : input) : unsqueeze(input, 1);
  const batch = x.shape[1]!;
  const stateShape = batched
    ? [numLayers * directions, batch, hiddenSize]
    : [numLayers * directions, hiddenSize];
  const states = [h0, c0].map((s, i) => {
    if (s === null) return null;
    const name = i === 0 ? 'hx' : 'cx';
    if (s.ndim !== stateShape.length || s.shape.some((n, d) => n !== stateShape[d])) {
      throw new ShapeError(
        op,
        `expected ${name} of shape ${fmtShape(stateShape)} for input shape ${fmtShape(input.shape)}, got ${fmtShape(s.shape)}`,
      );
    }
    if (s.dtype !== input.dtype)
      throw new DTypeError(op, `expected ${name} of dtype ${input.dtype}, got ${s.dtype}`);
    return batched ? s : unsqueeze(s, 1);
  });
  const [hx, cx] = states as [Tensor | null, Tensor | null];
  const zeroState = () => zeros([batch, hiddenSize], { dtype: input.dtype });
  const steps = x.shape[0]!;
  const hN: Tensor[] = [];
  const cN: Tensor[] = [];
  for (let layer = 0; layer < numLayers; layer++) {
    const outputs: Tensor[] = [];
    for (let d = 0; d < directions; d++) {
      const index = layer * directions + d;
      const w = weights[index]!;
      const packed = recurrence(kind, {
        input: x,
        weightIh: w.weightIh,
        biasIh: w.biasIh,
        weightHh: w.weightHh,
        biasHh: w.biasHh,
        h0: hx ? select(hx, 0, index) : zeroState(),
        c0: kind === 'lstm' ? (cx ? select(cx, 0, index) : zeroState()) : null,
        reverse: d === 1,
      });
      outputs.push(narrow(packed, 0, 0, steps));
      hN.push(select(packed, 0, steps));
      if (kind === 'lstm') cN.push(select(packed, 0, steps + 1));
    }
    x = directions === 2 ? cat(outputs, 2) : outputs[0]!;
    if (p > 0 && training && layer < numLayers - 1) x = dropout(x, p, true);
  }
  const finish = (s: Tensor) => (batched ? s : squeeze(s, 1));
  const output = batched ? (batchFirst ? transpose(x, 0, 1) : x) : squeeze(x, 1);
  return { output, hN: finish(stack(hN, 0)), cN: kind === 'lstm' ? finish(stack(cN, 0)) : null };
}
