// @file The layer contract for the attention and Transformer layers (their forwards take several tensors or options).
import { describe, expect, it } from 'vitest';
import { manualSeed, nn, noGrad, randn, type Tensor } from '../../src/index.js';

type AnyLayer = nn.Module<never[], unknown>;
type FloatDType = 'float32' | 'float64';

interface Spec {
  make: (dtype: FloatDType) => AnyLayer;
  /** One forward pass on fresh inputs of `dtype`, returning the main output. */
  run: (layer: AnyLayer, dtype: FloatDType) => Tensor;
}

const call = (layer: AnyLayer, ...args: unknown[]): unknown =>
  (layer.forward.bind(layer) as (...a: unknown[]) => unknown)(...args);
const x = (dtype: FloatDType, ...shape: number[]) => randn(shape, { dtype });

const SPECS: Record<string, Spec> = {
  MultiheadAttention: {
    make: (dtype) => new nn.MultiheadAttention(4, 2, { kdim: 3, dropout: 0.2, dtype }) as unknown as AnyLayer,
    run: (layer, d) => (call(layer, x(d, 3, 2, 4), x(d, 5, 2, 3), x(d, 5, 2, 4)) as [Tensor, Tensor])[0],
  },
  TransformerEncoderLayer: {
    make: (dtype) =>
      new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dtype }) as unknown as AnyLayer,
    run: (layer, d) => call(layer, x(d, 3, 2, 4), { isCausal: true }) as Tensor,
  },
  TransformerEncoder: {
    make: (dtype) =>
      new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dtype }), 2, {
        norm: new nn.LayerNorm(4, { dtype }),
      }) as unknown as AnyLayer,
    run: (layer, d) => call(layer, x(d, 3, 2, 4)) as Tensor,
  },
  TransformerDecoderLayer: {
    make: (dtype) =>
      new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 6, dtype }) as unknown as AnyLayer,
    run: (layer, d) => call(layer, x(d, 3, 2, 4), x(d, 4, 2, 4), { tgtIsCausal: true }) as Tensor,
  },
  TransformerDecoder: {
    make: (dtype) =>
      new nn.TransformerDecoder(
        new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 6, normFirst: true, dtype }),
        2,
      ) as unknown as AnyLayer,
    run: (layer, d) => call(layer, x(d, 3, 2, 4), x(d, 4, 2, 4)) as Tensor,
  },
  Transformer: {
    make: (dtype) =>
      new nn.Transformer({
        dModel: 4,
        nhead: 2,
        numEncoderLayers: 1,
        numDecoderLayers: 1,
        dimFeedforward: 6,
        dtype,
      }) as unknown as AnyLayer,
    run: (layer, d) => call(layer, x(d, 4, 2, 4), x(d, 3, 2, 4)) as Tensor,
  },
  SinusoidalPositionalEncoding: {
    make: (dtype) => new nn.SinusoidalPositionalEncoding(4, { maxLen: 8, dtype }) as unknown as AnyLayer,
    run: (layer, d) => call(layer, x(d, 3, 2, 4)) as Tensor,
  },
  LearnedPositionalEmbedding: {
    make: (dtype) => new nn.LearnedPositionalEmbedding(8, 4, { dtype }) as unknown as AnyLayer,
    run: (layer, d) => call(layer, x(d, 3, 2, 4)) as Tensor,
  },
};

describe.each(Object.entries(SPECS))('layer contract: %s', (_name, spec) => {
  it('train() and eval() reach every sublayer', () => {
    const layer = spec.make('float32');
    expect(layer.modules().every((m) => m.training)).toBe(true);
    layer.eval();
    expect(layer.modules().every((m) => !m.training)).toBe(true);
    layer.train();
    expect(layer.modules().every((m) => m.training)).toBe(true);
  });

  it('state-dict keys are its parameters then its persistent buffers', () => {
    const layer = spec.make('float32');
    const expected = [
      ...layer.namedParameters().map(([k]) => k),
      ...layer
        .namedBuffers()
        .filter(([k]) => !k.endsWith('pe'))
        .map(([k]) => k),
    ];
    expect(Object.keys(layer.stateDict()).sort()).toEqual(expected.sort());
  });

  it('loadStateDict round-trips values in place and the loaded copy computes the same function', () => {
    manualSeed(1);
    const source = spec.make('float32').eval();
    noGrad(() => source.parameters().forEach((p) => p.add_(randn(p.shape).mul(0.3))));
    const target = spec.make('float32').eval();
    const before = target.parameters();
    expect(target.loadStateDict(source.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    target.parameters().forEach((p, i) => expect(p).toBe(before[i]));
    manualSeed(2);
    const a = spec.run(source, 'float32');
    manualSeed(2);
    const b = spec.run(target, 'float32');
    expect(Array.from(b.storage)).toEqual(Array.from(a.storage));
  });

  it('creates parameters in the requested dtype and computes in it', () => {
    const layer = spec.make('float64');
    for (const p of layer.parameters()) expect(p.dtype).toBe('float64');
    expect(spec.run(layer, 'float64').dtype).toBe('float64');
  });

  it('eval-mode forward is deterministic and changes no state; backward reaches every parameter', () => {
    const layer = spec.make('float32').eval();
    const state = Object.entries(layer.stateDict()).map(([k, v]) => [k, Array.from(v.storage)]);
    manualSeed(3);
    const first = spec.run(layer, 'float32');
    manualSeed(3);
    const second = spec.run(layer, 'float32');
    expect(Array.from(second.storage)).toEqual(Array.from(first.storage));
    expect(Object.entries(layer.stateDict()).map(([k, v]) => [k, Array.from(v.storage)])).toEqual(state);
    if (layer.parameters().length === 0) return;
    first.square().sum().backward();
    for (const [name, p] of layer.namedParameters()) expect(p.grad, name).not.toBeNull();
  });
});
