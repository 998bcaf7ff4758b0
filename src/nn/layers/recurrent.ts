// @file Recurrent layers over sequences: RNN (tanh or ReLU), LSTM and GRU, stacked and optionally bidirectional (torch.nn.RNN/LSTM/GRU).
import { ValueError } from '../../errors.js';
import type { RecurrentKind } from '../../ops/recurrent.js';
import { checkOptions, optionKeys } from '../../options.js';
import { zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkDropoutProbability } from '../functional/dropout.js';
import { recurrentForward, type RecurrentLayerWeights } from '../functional/recurrent.js';
import { uniform_ } from '../init.js';
import { Module, checkInteger, reprBool, reprFloat } from '../module.js';
import { Parameter } from '../parameter.js';

export interface RecurrentLayerOptions {
  /** Stacked layers; layer l > 0 reads layer l − 1's outputs (default 1). */
  numLayers?: number;
  /** Learn b_ih and b_hh (default true). */
  bias?: boolean;
  /** Inputs and outputs are [batch, seq, feature] instead of [seq, batch, feature] (default false); states are not affected. */
  batchFirst?: boolean;
  /** Dropout probability on each layer's outputs except the last, in training mode only (default 0). */
  dropout?: number;
  /** Also run the sequence backwards and concatenate both directions' outputs (default false). */
  bidirectional?: boolean;
  /** Parameter dtype (default float32; float64 for gradient checks). */
  dtype?: 'float32' | 'float64';
}

export interface RNNOptions extends RecurrentLayerOptions {
  /** The activation of h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh): 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

const LAYER_KEYS = {
  numLayers: true,
  bias: true,
  batchFirst: true,
  dropout: true,
  bidirectional: true,
  dtype: true,
} as const;
const RECURRENT_KEYS = optionKeys<RecurrentLayerOptions>(LAYER_KEYS);
const RNN_KEYS = optionKeys<RNNOptions>({ ...LAYER_KEYS, nonlinearity: true });

/** An LSTM's state: the hidden and cell states, each [numLayers·D, batch, hiddenSize]. */
export type LSTMState = [h: Tensor, c: Tensor];

const GATE_COUNT: Record<RecurrentKind, number> = { rnnTanh: 1, rnnRelu: 1, lstm: 4, gru: 3 };

/**
 * What RNN, LSTM and GRU share (PyTorch's RNNBase): the parameters of every layer l and direction, as fields
 * named exactly like PyTorch's state-dict keys — `weight_ih_l{l}` [G·hidden, input] (input = inputSize for l = 0,
 * D·hiddenSize above), `weight_hh_l{l}` [G·hidden, hidden], `bias_ih_l{l}`, `bias_hh_l{l}` [G·hidden], with
 * the suffix `_reverse` for the second direction — so PyTorch checkpoints load with loadStateDict unchanged.
 * Every parameter starts as U(−1/√hiddenSize, 1/√hiddenSize), drawn from the seeded generator.
 */
export abstract class RecurrentBase<In extends unknown[], Out> extends Module<In, Out> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** @internal The parameters by layer and direction (the same objects as the named fields). */
  protected readonly weights: RecurrentLayerWeights[] = [];
  protected readonly kind: RecurrentKind;

  protected constructor(
    op: string,
    kind: RecurrentKind,
    inputSize: number,
    hiddenSize: number,
    options: RecurrentLayerOptions,
  ) {
    super();
    checkInteger(op, 'inputSize', inputSize, 0);
    checkInteger(op, 'hiddenSize', hiddenSize, 1);
    const {
      numLayers = 1,
      bias = true,
      batchFirst = false,
      dropout = 0,
      bidirectional = false,
      dtype = 'float32',
    } = options;
    checkInteger(op, 'numLayers', numLayers, 1);
    checkDropoutProbability(op, dropout);
    if (dtype !== 'float32' && dtype !== 'float64') {
      throw new ValueError(op, `dtype must be 'float32' or 'float64', got ${String(dtype)}`);
    }
    this.kind = kind;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = dropout;
    this.bidirectional = bidirectional;
    const rows = GATE_COUNT[kind] * hiddenSize;
    const directions = bidirectional ? 2 : 1;
    const fields = this as unknown as Record<string, Parameter | null>;
    for (let layer = 0; layer < numLayers; layer++) {
      const layerInput = layer === 0 ? inputSize : hiddenSize * directions;
      for (let d = 0; d < directions; d++) {
        const suffix = `_l${layer}${d === 1 ? '_reverse' : ''}`;
        const make = (shape: number[]) => new Parameter(zeros(shape, { dtype }));
        const w: RecurrentLayerWeights = {
          weightIh: make([rows, layerInput]),
          weightHh: make([rows, hiddenSize]),
          biasIh: bias ? make([rows]) : null,
          biasHh: bias ? make([rows]) : null,
        };
        fields[`weight_ih${suffix}`] = w.weightIh as Parameter;
        fields[`weight_hh${suffix}`] = w.weightHh as Parameter;
        if (bias) {
          fields[`bias_ih${suffix}`] = w.biasIh as Parameter;
          fields[`bias_hh${suffix}`] = w.biasHh as Parameter;
        }
        this.weights.push(w);
      }
    }
    this.resetParameters();
  }

  /** Redraws every parameter from U(−1/√hiddenSize, 1/√hiddenSize), as PyTorch's reset_parameters. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -bound, bound);
  }

  /** Runs the stacked recurrence (see nn.functional.recurrentForward). */
  protected run(input: Tensor, h0: Tensor | null, c0: Tensor | null) {
    return recurrentForward(this.constructor.name, this.kind, input, h0, c0, this.weights, {
      numLayers: this.numLayers,
      batchFirst: this.batchFirst,
      dropout: this.dropout,
      bidirectional: this.bidirectional,
      training: this.training,
    });
  }

  override extraRepr(): string {
    let text = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) text += `, num_layers=${this.numLayers}`;
    if (!this.bias) text += `, bias=${reprBool(false)}`;
    if (this.batchFirst) text += `, batch_first=${reprBool(true)}`;
    if (this.dropout !== 0) text += `, dropout=${reprFloat(this.dropout)}`;
    if (this.bidirectional) text += `, bidirectional=${reprBool(true)}`;
    return text;
  }
}

/**
 * Elman RNN (torch.nn.RNN): h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh) with act = tanh or ReLU.
 * `forward(input, h0?)` takes input [seq, batch, inputSize] ([batch, seq, inputSize] with batchFirst, or
 * unbatched [seq, inputSize]) and h0 [numLayers·D, batch, hiddenSize] (zeros when omitted; D = 2 if
 * bidirectional) and returns `[output, hN]`: output [seq, batch, D·hiddenSize] (the last layer's h_t for every t)
 * and hN, the final hidden state of every layer and direction.
 */
export class RNN extends RecurrentBase<[Tensor, (Tensor | null)?], [Tensor, Tensor]> {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    checkOptions('RNN', options, RNN_KEYS);
    const nonlinearity = options.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
      throw new ValueError(
        'RNN',
        `unknown nonlinearity '${String(nonlinearity)}' (expected 'tanh' or 'relu')`,
      );
    }
    const { nonlinearity: _, ...rest } = options;
    super('RNN', nonlinearity === 'tanh' ? 'rnnTanh' : 'rnnRelu', inputSize, hiddenSize, rest);
    this.nonlinearity = nonlinearity;
  }

  forward(input: Tensor, h0: Tensor | null = null): [Tensor, Tensor] {
    const { output, hN } = this.run(input, h0, null);
    return [output, hN];
  }
}

/**
 * Long short-term memory (torch.nn.LSTM; Hochreiter & Schmidhuber, 1997). Per layer and step, with gates in
 * PyTorch's order i, f, g, o (the rows of W_ih and W_hh):
 *
 *   i = σ(W_ii x + b_ii + W_hi h + b_hi),  f = σ(W_if x + b_if + W_hf h + b_hf),
 *   g = tanh(W_ig x + b_ig + W_hg h + b_hg),  o = σ(W_io x + b_io + W_ho h + b_ho),
 *   c′ = f⊙c + i⊙g,  h′ = o⊙tanh(c′).
 *
 * `forward(input, [h0, c0]?)` returns `[output, [hN, cN]]` with the shapes of RNN's (c like h). The input
 * projection of all steps is one matrix product, each step one more and a fused gate kernel (ops/recurrent.ts).
 * `projSize` is not supported.
 */
export class LSTM extends RecurrentBase<[Tensor, (LSTMState | null)?], [Tensor, LSTMState]> {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions = {}) {
    checkOptions('LSTM', options, RECURRENT_KEYS);
    super('LSTM', 'lstm', inputSize, hiddenSize, options);
  }

  forward(input: Tensor, hx: LSTMState | null = null): [Tensor, LSTMState] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) {
      throw new ValueError('LSTM', 'hx must be a pair [h0, c0] of tensors, or null');
    }
    const { output, hN, cN } = this.run(input, hx?.[0] ?? null, hx?.[1] ?? null);
    return [output, [hN, cN!]];
  }
}

/**
 * Gated recurrent unit (torch.nn.GRU; Cho et al., 2014). Per layer and step, gates in PyTorch's order r, z, n:
 *
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz),
 *   n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)),  h′ = (1 − z)⊙n + z⊙h.
 *
 * `forward(input, h0?)` returns `[output, hN]` with the shapes of RNN's.
 */
export class GRU extends RecurrentBase<[Tensor, (Tensor | null)?], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions = {}) {
    checkOptions('GRU', options, RECURRENT_KEYS);
    super('GRU', 'gru', inputSize, hiddenSize, options);
  }

  forward(input: Tensor, h0: Tensor | null = null): [Tensor, Tensor] {
    const { output, hN } = this.run(input, h0, null);
    return [output, hN];
  }
}
