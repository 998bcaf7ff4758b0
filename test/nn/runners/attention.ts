// @file Builds and runs the module cases of test/fixtures/attention.json (MultiheadAttention, Transformer layers and stacks) and its sdpa runners: shared by the Node suites and the WebGPU page.
import { nn, type Tensor } from '../../../src/index.js';
import type { Encoded, Runner } from '../../helpers/golden.js';
import type { CaseChecks, Comparison } from './checks.js';

export interface AttentionModuleCase {
  name: string;
  kind:
    | 'MultiheadAttention'
    | 'TransformerEncoderLayer'
    | 'TransformerEncoder'
    | 'TransformerDecoderLayer'
    | 'TransformerDecoder'
    | 'Transformer';
  args: number[];
  options: Record<string, unknown>;
  training: boolean;
  state: Record<string, Encoded>;
  inputs: Record<string, Encoded>;
  aliases: Record<string, string>;
  masks: Record<string, Encoded>;
  forward: Record<string, unknown>;
  outputs: (Encoded | null)[];
  gradOutput: Encoded;
  inputGrads: Record<string, Encoded>;
  paramGrads: Record<string, Encoded | null>;
}

type AnyLayer = nn.Module<never[], unknown>;

/** Builds the case's module (stacks from one layer of the same options) with PyTorch's values loaded. */
export function buildModule(c: AttentionModuleCase, checks: CaseChecks): AnyLayer {
  const { finalNorm, ...options } = c.options as { finalNorm?: boolean } & Record<string, unknown>;
  const [a, b, n] = c.args as [number, number, number];
  const norm = finalNorm ? new nn.LayerNorm(a) : null;
  let module: AnyLayer;
  switch (c.kind) {
    case 'MultiheadAttention':
      module = new nn.MultiheadAttention(a, b, options) as unknown as AnyLayer;
      break;
    case 'TransformerEncoderLayer':
      module = new nn.TransformerEncoderLayer(a, b, options) as unknown as AnyLayer;
      break;
    case 'TransformerEncoder':
      module = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(a, b, options), n, {
        norm,
      }) as unknown as AnyLayer;
      break;
    case 'TransformerDecoderLayer':
      module = new nn.TransformerDecoderLayer(a, b, options) as unknown as AnyLayer;
      break;
    case 'TransformerDecoder':
      module = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(a, b, options), n, {
        norm,
      }) as unknown as AnyLayer;
      break;
    case 'Transformer':
      module = new nn.Transformer(options) as unknown as AnyLayer;
      break;
  }
  const keys = Object.keys(module.stateDict()).join();
  if (keys !== Object.keys(c.state).join()) {
    checks.fail(`state-dict keys in PyTorch order: ${keys}, expected ${Object.keys(c.state).join()}`);
  }
  module.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, checks.decode(v)])));
  module.train(c.training);
  return module;
}

/** The case's inputs as leaves requiring grad; an alias (self-attention) is the same tensor object. */
export function caseInputs(c: AttentionModuleCase, decode: CaseChecks['decode']): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, encoded] of Object.entries(c.inputs)) {
    const alias = c.aliases[name];
    out[name] = alias ? out[alias]! : decode(encoded, true);
  }
  return out;
}

/** Runs the case's forward: [output, attention weights or null] for MultiheadAttention, [output] otherwise. */
export function runModule(
  c: AttentionModuleCase,
  module: AnyLayer,
  inputs: Record<string, Tensor>,
  decode: CaseChecks['decode'],
): (Tensor | null)[] {
  const masks = Object.fromEntries(Object.entries(c.masks).map(([k, v]) => [k, decode(v)]));
  const options = { ...masks, ...c.forward };
  const call = module.forward.bind(module) as (...args: unknown[]) => unknown;
  if (c.kind === 'MultiheadAttention') {
    return call(inputs['query'], inputs['key'], inputs['value'], options) as [Tensor, Tensor | null];
  }
  if (c.kind === 'TransformerEncoderLayer' || c.kind === 'TransformerEncoder') {
    return [call(inputs['src'], options) as Tensor];
  }
  if (c.kind === 'Transformer') return [call(inputs['src'], inputs['tgt'], options) as Tensor];
  return [call(inputs['tgt'], inputs['memory'], options) as Tensor];
}

/** Float32 results of a stack of layers drift a little further from PyTorch's than one op's do. */
export const MODULE_TOLERANCE = { rtol: 2e-4, atol: 2e-5 };

function tolerance(e: Encoded): { rtol: number; atol: number } {
  return e.dtype === 'float64' ? { rtol: 1e-7, atol: 1e-7 } : MODULE_TOLERANCE;
}

/**
 * Runs one case (forward, then backward with the recorded upstream gradient) and returns what to compare:
 * the outputs, the gradient of every input and of every parameter by state-dict key. Nothing changes these
 * tensors afterwards, so the Node suites compare them at once and the WebGPU page with `await t.data()`.
 * Mismatches that are not about values (keys, a gradient that should be null) go to `checks.fail`.
 */
export function runAttentionCase(c: AttentionModuleCase, checks: CaseChecks): Comparison[] {
  const module = buildModule(c, checks);
  const inputs = caseInputs(c, checks.decode);
  const outputs = runModule(c, module, inputs, checks.decode);
  const comparisons: Comparison[] = [];
  c.outputs.forEach((expected, i) => {
    const what = i === 0 ? 'output' : 'attention weights';
    if (expected === null) {
      if (outputs[i] !== null) checks.fail(`${what}: expected null`);
    } else comparisons.push({ actual: outputs[i]!, expected, what, tol: tolerance(expected) });
  });
  if (c.kind === 'MultiheadAttention' && c.outputs.length === 1 && outputs[1] !== null) {
    checks.fail('attention weights: expected null');
  }
  outputs[0]!.backward(checks.decode(c.gradOutput));
  for (const [name, expected] of Object.entries(c.inputGrads)) {
    comparisons.push({
      actual: inputs[name]!.grad!,
      expected,
      what: `grad of ${name}`,
      tol: tolerance(expected),
    });
  }
  const params = new Map(module.namedParameters());
  const names = [...params.keys()].sort().join();
  if (names !== Object.keys(c.paramGrads).sort().join()) {
    checks.fail(`parameters ${names}, expected ${Object.keys(c.paramGrads).sort().join()}`);
  }
  for (const [name, expected] of Object.entries(c.paramGrads)) {
    const grad = params.get(name)?.grad ?? null;
    if (expected === null) {
      if (grad !== null) checks.fail(`${name} gets no gradient, but has one`);
    } else if (grad === null) checks.fail(`grad of ${name}: null`);
    else comparisons.push({ actual: grad, expected, what: `grad of ${name}`, tol: tolerance(expected) });
  }
  return comparisons;
}

/** scaledDotProductAttention's op cases (`sdpa/…` in the fixture's `cases`). */
export const ATTENTION_RUNNERS: Record<string, Runner> = {
  sdpa: ([query, key, value, mask], params) =>
    nn.functional.scaledDotProductAttention(query!, key!, value!, {
      attnMask: mask ?? null,
      isCausal: (params['isCausal'] as boolean | undefined) ?? false,
      scale: (params['scale'] as number | undefined) ?? null,
    }),
};
