// @file Replays the module cases of test/fixtures/attention.json (MultiheadAttention, Transformer layers and stacks).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { nn, noGrad, randn, type Tensor } from '../../src/index.js';
import { decode, expectClose, type Encoded } from '../helpers/golden.js';

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

const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'attention.json');

export function loadAttentionModules(): AttentionModuleCase[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { modules: AttentionModuleCase[] }).modules;
}

type AnyLayer = nn.Module<never[], unknown>;

/** Builds the case's module (stacks from one layer of the same options) with PyTorch's values loaded. */
export function buildModule(c: AttentionModuleCase): AnyLayer {
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
  expect(Object.keys(module.stateDict()), 'state-dict keys in PyTorch order').toEqual(Object.keys(c.state));
  module.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, decode(v)])));
  module.train(c.training);
  return module;
}

/** The case's inputs as leaves requiring grad; an alias (self-attention) is the same tensor object. */
export function caseInputs(c: AttentionModuleCase): Record<string, Tensor> {
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
const MODULE_TOLERANCE = { rtol: 2e-4, atol: 2e-5 };

function tolerance(e: Encoded): { rtol: number; atol: number } {
  return e.dtype === 'float64' ? { rtol: 1e-7, atol: 1e-7 } : MODULE_TOLERANCE;
}

/** Replays one case: outputs, the gradients of every input and of every parameter by state-dict key. */
export function replayModuleCase(c: AttentionModuleCase): void {
  const module = buildModule(c);
  const inputs = caseInputs(c);
  const outputs = runModule(c, module, inputs);
  c.outputs.forEach((expected, i) => {
    if (expected === null) expect(outputs[i]).toBeNull();
    else expectClose(outputs[i]!, expected, i === 0 ? 'output' : 'attention weights', tolerance(expected));
  });
  if (c.kind === 'MultiheadAttention' && c.outputs.length === 1) expect(outputs[1]).toBeNull();
  outputs[0]!.backward(decode(c.gradOutput));
  for (const [name, expected] of Object.entries(c.inputGrads)) {
    expectClose(inputs[name]!.grad!, expected, `grad of ${name}`, tolerance(expected));
  }
  const params = new Map(module.namedParameters());
  expect([...params.keys()].sort()).toEqual(Object.keys(c.paramGrads).sort());
  for (const [name, expected] of Object.entries(c.paramGrads)) {
    if (expected === null) expect(params.get(name)!.grad, `${name} gets no gradient`).toBeNull();
    else expectClose(params.get(name)!.grad!, expected, `grad of ${name}`, tolerance(expected));
  }
}

/**
 * Compares every parameter entry's gradient of L = Σ forward()·g (fixed random g) with central differences in
 * float64; returns how many entries were checked.
 */
export function checkParameterGradients(module: nn.Module<never[], unknown>, forward: () => Tensor): number {
  const upstream = noGrad(() => randn(forward().shape, { dtype: 'float64' }));
  const loss = (): number => noGrad(() => forward().mul(upstream).sum().item());
  module.zeroGrad();
  forward().mul(upstream).sum().backward();
  let checked = 0;
  for (const [name, p] of module.namedParameters()) {
    for (let i = 0; i < p.numel(); i++) {
      const original = p.storage[i]!;
      p.storage[i] = original + 1e-6;
      const plus = loss();
      p.storage[i] = original - 1e-6;
      const minus = loss();
      p.storage[i] = original;
      const numeric = (plus - minus) / 2e-6;
      const analytic = p.grad!.storage[i]!;
      if (!(Math.abs(analytic - numeric) <= 1e-5 + 1e-3 * Math.abs(numeric))) {
        expect.fail(`${name}[${i}]: analytic ${analytic}, numeric ${numeric}`);
      }
      checked++;
    }
  }
  return checked;
}
