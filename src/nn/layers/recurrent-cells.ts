// @file Single-step recurrent cells: RNNCell, LSTMCell, GRUCell (torch.nn.*Cell), one time step of the matching layer.
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { recurrence, type RecurrentKind } from '../../ops/recurrent.js';
import { select } from '../../ops/indexing.js';
import { squeeze, unsqueeze } from '../../ops/shape.js';
import { checkOptions, optionKeys } from '../../options.js';
import { zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { uniform_ } from '../init.js';
import { Module, checkInteger, reprBool } from '../module.js';
import { Parameter } from '../parameter.js';

export interface RecurrentCellOptions {
  /** Learn bias_ih and bias_hh (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32; float64 for gradient checks). */
  dtype?: 'float32' | 'float64';
}

export interface RNNCellOptions extends RecurrentCellOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

const CELL_KEYS = optionKeys<RecurrentCellOptions>({ bias: true, dtype: true });
const RNN_CELL_KEYS = optionKeys<RNNCellOptions>({ bias: true, dtype: true, nonlinearity: true });

/**
 * What the cells share (PyTorch's RNNCellBase): `weight_ih` [G·hidden, input], `weight_hh` [G·hidden, hidden],
 * `bias_ih` and `bias_hh` [G·hidden] (PyTorch's names and order), all U(−1/√hiddenSize, 1/√hiddenSize).
 * Inputs are [batch, inputSize] or unbatched [inputSize]; states [batch, hiddenSize] or [hiddenSize].
 */
export abstract class RecurrentCellBase<In extends unknown[], Out> extends Module<In, Out> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;
  protected readonly kind: RecurrentKind;

  protected constructor(
    op: string,
    kind: RecurrentKind,
    gates: number,
    inputSize: number,
    hiddenSize: number,
    options: RecurrentCellOptions,
  ) {
    super();
    checkInteger(op, 'inputSize', inputSize, 0);
    checkInteger(op, 'hiddenSize', hiddenSize, 1);
    const { bias = true, dtype = 'float32' } = options;
    this.kind = kind;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    const rows = gates * hiddenSize;
    this.weight_ih = new Parameter(zeros([rows, inputSize], { dtype }));
    this.weight_hh = new Parameter(zeros([rows, hiddenSize], { dtype }));
    this.bias_ih = bias ? new Parameter(zeros([rows], { dtype })) : null;
    this.bias_hh = bias ? new Parameter(zeros([rows], { dtype })) : null;
    this.resetParameters();
  }

  /** Redraws every parameter from U(−1/√hiddenSize, 1/√hiddenSize). */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -bound, bound);
  }

  /**
   * One step: the packed recurrence result [2, B, H] (LSTM: [3, B, H]; rows h, h again, c) for a batched input,
   * and whether the input was unbatched.
   */
  protected step(input: Tensor, h: Tensor | null, c: Tensor | null): [Tensor, boolean] {
    const op = this.constructor.name;
    if (input.dtype !== this.weight_ih.dtype) {
      throw new DTypeError(
        op,
        `expected input of the parameters' dtype ${this.weight_ih.dtype}, got ${input.dtype}`,
      );
    }
    if ((input.ndim !== 1 && input.ndim !== 2) || input.shape[input.ndim - 1] !== this.inputSize) {
      throw new ShapeError(
        op,
        `expected input of shape [batch, ${this.inputSize}] or [${this.inputSize}], got ${fmtShape(input.shape)}`,
      );
    }
    const batched = input.ndim === 2;
    const x = batched ? input : unsqueeze(input, 0);
    const batch = x.shape[0]!;
    const stateShape = batched ? [batch, this.hiddenSize] : [this.hiddenSize];
    const state = (s: Tensor | null, name: string): Tensor => {
      if (s === null) return zeros([batch, this.hiddenSize], { dtype: input.dtype });
      if (s.ndim !== stateShape.length || s.shape.some((n, d) => n !== stateShape[d])) {
        throw new ShapeError(
          op,
          `expected ${name} of shape ${fmtShape(stateShape)} for input shape ${fmtShape(input.shape)}, got ${fmtShape(s.shape)}`,
        );
      }
      if (s.dtype !== input.dtype)
        throw new DTypeError(op, `expected ${name} of dtype ${input.dtype}, got ${s.dtype}`);
      return batched ? s : unsqueeze(s, 0);
    };
    const h0 = state(h, 'hx');
    const c0 = this.kind === 'lstm' ? state(c, 'cx') : null;
    const packed = recurrence(this.kind, {
      input: unsqueeze(x, 0),
      weightIh: this.weight_ih,
      biasIh: this.bias_ih,
      weightHh: this.weight_hh,
      biasHh: this.bias_hh,
      h0,
      c0,
      reverse: false,
    });
    return [packed, !batched];
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih ? '' : `, bias=${reprBool(false)}`}`;
  }
}

/** Row `row` of a packed cell result, without the batch dim for an unbatched call. */
function row(packed: Tensor, index: number, unbatched: boolean): Tensor {
  const out = select(packed, 0, index);
  return unbatched ? squeeze(out, 0) : out;
}

/** One Elman RNN step (torch.nn.RNNCell): h′ = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh), act = tanh or ReLU. */
export class RNNCell extends RecurrentCellBase<[Tensor, (Tensor | null)?], Tensor> {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    checkOptions('RNNCell', options, RNN_CELL_KEYS);
    const nonlinearity = options.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
      throw new ValueError(
        'RNNCell',
        `unknown nonlinearity '${String(nonlinearity)}' (expected 'tanh' or 'relu')`,
      );
    }
    super('RNNCell', nonlinearity === 'tanh' ? 'rnnTanh' : 'rnnRelu', 1, inputSize, hiddenSize, options);
    this.nonlinearity = nonlinearity;
  }

  /** h′ from input [batch, inputSize] and hx [batch, hiddenSize] (zeros when omitted). */
  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const [packed, unbatched] = this.step(input, hx, null);
    return row(packed, 0, unbatched);
  }

  override extraRepr(): string {
    const extra = super.extraRepr();
    return this.nonlinearity === 'tanh' ? extra : `${extra}, nonlinearity=relu`;
  }
}

/**
 * One LSTM step (torch.nn.LSTMCell), gates i, f, g, o as in nn.LSTM: c′ = f⊙c + i⊙g, h′ = o⊙tanh(c′).
 * `forward(input, [h, c]?)` returns `[h′, c′]`.
 */
export class LSTMCell extends RecurrentCellBase<[Tensor, ([Tensor, Tensor] | null)?], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentCellOptions = {}) {
    checkOptions('LSTMCell', options, CELL_KEYS);
    super('LSTMCell', 'lstm', 4, inputSize, hiddenSize, options);
  }

  forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) {
      throw new ValueError('LSTMCell', 'hx must be a pair [h, c] of tensors, or null');
    }
    const [packed, unbatched] = this.step(input, hx?.[0] ?? null, hx?.[1] ?? null);
    return [row(packed, 0, unbatched), row(packed, 2, unbatched)];
  }
}

/**
 * One GRU step (torch.nn.GRUCell), gates r, z, n as in nn.GRU: n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)),
 * h′ = (1 − z)⊙n + z⊙h.
 */
export class GRUCell extends RecurrentCellBase<[Tensor, (Tensor | null)?], Tensor> {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentCellOptions = {}) {
    checkOptions('GRUCell', options, CELL_KEYS);
    super('GRUCell', 'gru', 3, inputSize, hiddenSize, options);
  }

  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const [packed, unbatched] = this.step(input, hx, null);
    return row(packed, 0, unbatched);
  }
}
