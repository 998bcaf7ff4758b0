// @file Builds and runs the recurrent golden cases (test/fixtures/recurrent.json): shared by the Node suites and the WebGPU page.
import { nn, type Tensor } from '../../../src/index.js';
import type { Encoded } from '../../helpers/golden.js';
import { toleranceOf, type CaseChecks, type Comparison } from './checks.js';

export interface RecurrentCase {
  name: string;
  layer: 'RNN' | 'LSTM' | 'GRU' | 'RNNCell' | 'LSTMCell' | 'GRUCell';
  inputSize: number;
  hiddenSize: number;
  args: Record<string, unknown>;
  dtype: 'float32' | 'float64';
  state: Record<string, Encoded>;
  input: Encoded;
  hx: Encoded | null;
  cx: Encoded | null;
  outputs: Encoded[];
  gradOutputs: Encoded[];
  grads: Record<string, Encoded>;
}

export type AnyRecurrent = nn.RNN | nn.LSTM | nn.GRU | nn.RNNCell | nn.LSTMCell | nn.GRUCell;

/** A neurite layer of the case's class and options, with PyTorch's state dict loaded through loadStateDict. */
export function buildLayer(c: RecurrentCase, decode: CaseChecks['decode']): AnyRecurrent {
  const options = { ...c.args, dtype: c.dtype } as never;
  const classes = {
    RNN: nn.RNN,
    LSTM: nn.LSTM,
    GRU: nn.GRU,
    RNNCell: nn.RNNCell,
    LSTMCell: nn.LSTMCell,
    GRUCell: nn.GRUCell,
  };
  const layer = new classes[c.layer](c.inputSize, c.hiddenSize, options);
  const state = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, decode(v)]));
  layer.loadStateDict(state);
  return layer;
}

/** Runs the case's forward pass: the outputs in the fixture's order, and the leaf tensors by gradient key. */
export function runCase(
  c: RecurrentCase,
  layer: AnyRecurrent,
  decode: CaseChecks['decode'],
): { outputs: Tensor[]; leaves: Record<string, Tensor> } {
  const input = decode(c.input, true);
  const hx = c.hx ? decode(c.hx, true) : null;
  const cx = c.cx ? decode(c.cx, true) : null;
  const leaves: Record<string, Tensor> = { input };
  if (hx) leaves['hx'] = hx;
  if (cx) leaves['cx'] = cx;
  for (const [key, p] of layer.namedParameters()) leaves[key] = p;
  let outputs: Tensor[];
  if (layer instanceof nn.LSTM) {
    const [out, [h, cell]] = layer.forward(input, hx && cx ? [hx, cx] : null);
    outputs = [out, h, cell];
  } else if (layer instanceof nn.LSTMCell) {
    outputs = layer.forward(input, hx && cx ? [hx, cx] : null);
  } else if (layer instanceof nn.RNN || layer instanceof nn.GRU) {
    const [out, h] = layer.forward(input, hx);
    outputs = [out, h];
  } else {
    outputs = [layer.forward(input, hx)];
  }
  return { outputs, leaves };
}

/**
 * Runs one case: builds the layer with PyTorch's state dict, runs forward, back-propagates Σ outputᵢ·gᵢ with the
 * recorded upstream gradients, and returns the outputs and every leaf gradient to compare.
 */
export function runRecurrentCase(c: RecurrentCase, checks: CaseChecks): Comparison[] {
  const layer = buildLayer(c, checks.decode);
  const keys = Object.keys(layer.stateDict()).join();
  if (keys !== Object.keys(c.state).join())
    checks.fail(`state-dict keys ${keys}, expected ${Object.keys(c.state).join()}`);
  const { outputs, leaves } = runCase(c, layer, checks.decode);
  if (outputs.length !== c.outputs.length)
    checks.fail(`${outputs.length} outputs, expected ${c.outputs.length}`);
  const comparisons: Comparison[] = [];
  c.outputs.forEach((expected, i) => {
    const actual = outputs[i];
    if (!actual) return;
    if (actual.dtype !== expected.dtype)
      checks.fail(`output ${i}: dtype ${actual.dtype}, expected ${expected.dtype}`);
    comparisons.push({ actual, expected, what: `${c.name} output ${i}`, tol: toleranceOf(expected) });
  });
  let loss: Tensor | null = null;
  outputs.forEach((o, i) => {
    const term = o.mul(checks.decode(c.gradOutputs[i]!)).sum();
    loss = loss ? loss.add(term) : term;
  });
  (loss as Tensor | null)?.backward();
  for (const [key, expected] of Object.entries(c.grads)) {
    const grad = leaves[key]?.grad ?? null;
    if (grad === null) checks.fail(`grad of ${key}: missing`);
    else
      comparisons.push({
        actual: grad,
        expected,
        what: `${c.name} grad of ${key}`,
        tol: toleranceOf(expected),
      });
  }
  return comparisons;
}
