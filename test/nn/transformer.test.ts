// @file Transformer layers, stacks and positional encodings: structure, analytic cases, gradient checks, errors.
import { describe, expect, it } from 'vitest';
import {
  ShapeError,
  ValueError,
  gradcheck,
  manualSeed,
  nn,
  noGrad,
  randn,
  type Tensor,
} from '../../src/index.js';
import { checkParameterGradients } from './attention-fixture.js';

const F = nn.functional;
const f64 = { dtype: 'float64' as const };

function expectAllClose(actual: Tensor, expected: Tensor, atol = 1e-5): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.storage;
  const e = expected.storage;
  for (let i = 0; i < e.length; i++) {
    if (!(Math.abs(a[i]! - e[i]!) <= atol + 1e-5 * Math.abs(e[i]!)))
      expect.fail(`[${i}]: ${a[i]} vs ${e[i]}`);
  }
}

/** Moves every parameter off its init so that no gradient is trivially zero. */
function perturb(module: nn.Module<never[], unknown>, scale = 0.3): void {
  noGrad(() => module.parameters().forEach((p) => p.add_(randn(p.shape, { dtype: p.dtype }).mul(scale))));
}

describe('TransformerEncoderLayer', () => {
  it("has PyTorch's state-dict keys and shapes", () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    expect(Object.entries(layer.stateDict()).map(([k, t]) => `${k} ${t.shape.join('×')}`)).toEqual([
      'self_attn.in_proj_weight 24×8',
      'self_attn.in_proj_bias 24',
      'self_attn.out_proj.weight 8×8',
      'self_attn.out_proj.bias 8',
      'linear1.weight 16×8',
      'linear1.bias 16',
      'linear2.weight 8×16',
      'linear2.bias 8',
      'norm1.weight 8',
      'norm1.bias 8',
      'norm2.weight 8',
      'norm2.bias 8',
    ]);
    expect(new nn.TransformerEncoderLayer(8, 2).linear1.outFeatures).toBe(2048);
  });

  it('pre-norm with silenced blocks is the identity; post-norm is then LayerNorm applied twice', () => {
    for (const normFirst of [true, false]) {
      const layer = new nn.TransformerEncoderLayer(6, 3, { dimFeedforward: 8, normFirst, dropout: 0 });
      noGrad(() => {
        for (const p of [
          layer.self_attn.out_proj.weight,
          layer.self_attn.out_proj.bias!,
          layer.linear2.weight,
        ]) {
          p.fill_(0);
        }
        layer.linear2.bias!.fill_(0);
      });
      const x = randn([4, 2, 6]);
      const expected = normFirst ? x : F.layerNorm(F.layerNorm(x, 6), 6);
      expectAllClose(layer.forward(x), expected);
    }
  });

  it('takes unbatched [L, dModel] input, batchFirst input, a custom activation, and drops out only in training', () => {
    manualSeed(4);
    const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, batchFirst: true }).eval();
    const x = randn([2, 5, 4]);
    const batched = layer.forward(x);
    expectAllClose(layer.forward(x.select(0, 1)), batched.select(0, 1));
    const seqFirst = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }).eval();
    seqFirst.loadStateDict(layer.stateDict());
    expectAllClose(seqFirst.forward(x.transpose(0, 1)).transpose(0, 1), batched);
    const custom = new nn.TransformerEncoderLayer(4, 2, {
      dimFeedforward: 8,
      activation: (t) => t.relu(),
    }).eval();
    custom.loadStateDict(layer.stateDict());
    expectAllClose(custom.forward(x.transpose(0, 1)), seqFirst.forward(x.transpose(0, 1)));
    manualSeed(5);
    const trained = layer.train().forward(x);
    expect(Array.from(trained.storage)).not.toEqual(Array.from(batched.storage));
  });

  it('passes float64 finite-difference checks for the input and every parameter, both norm orders and activations', () => {
    for (const [normFirst, activation] of [
      [false, 'relu'],
      [true, 'gelu'],
    ] as const) {
      manualSeed(6);
      const layer = new nn.TransformerEncoderLayer(4, 2, {
        dimFeedforward: 6,
        dropout: 0,
        normFirst,
        activation,
        dtype: 'float64',
      });
      perturb(layer);
      const x = randn([3, 2, 4], f64);
      const padding = noGrad(() => randn([2, 3]).gt(0.8));
      const run = (src: Tensor) => layer.forward(src, { srcKeyPaddingMask: padding, isCausal: true });
      expect(gradcheck(run, [x])).toBe(true);
      expect(checkParameterGradients(layer, () => run(x))).toBe(layer.numParameters());
    }
  });

  it('names the bad option or value in its errors', () => {
    expect(() => new nn.TransformerEncoderLayer(8, 3)).toThrow(
      'MultiheadAttention: embedDim must be divisible by numHeads, got embedDim 8 and numHeads 3',
    );
    expect(() => new nn.TransformerEncoderLayer(8, 2, { activation: 'tanh' as never })).toThrow(
      "TransformerEncoderLayer: activation should be 'relu', 'gelu' or a function, not tanh",
    );
    expect(() => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 0 })).toThrow(ValueError);
    expect(() => new nn.TransformerEncoderLayer(8, 2, { dropout: -0.1 })).toThrow(ValueError);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 8 });
    expect(() => layer.forward(randn([3, 2, 8]), { src_mask: null } as never)).toThrow(
      "TransformerEncoderLayer.forward: unknown option 'src_mask' (did you mean 'srcMask'?)",
    );
    expect(() => layer.forward(randn([3, 2, 6]))).toThrow(ShapeError);
  });
});

describe('TransformerEncoder', () => {
  it('holds independent copies that start equal to the given layer, then applies the final norm', () => {
    manualSeed(7);
    const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 });
    const encoder = new nn.TransformerEncoder(layer, 3, { norm: new nn.LayerNorm(4) });
    expect(encoder.layers.length).toBe(3);
    expect(Object.keys(encoder.stateDict())).toContain('layers.2.linear2.bias');
    expect(Object.keys(encoder.stateDict())).toContain('norm.weight');
    for (const copy of encoder.layers) {
      expect(copy).not.toBe(layer);
      for (const [key, value] of Object.entries(copy.stateDict())) {
        expect(Array.from(value.storage), key).toEqual(Array.from(layer.stateDict()[key]!.storage));
      }
    }
    noGrad(() => encoder.layers[0]!.linear1.weight.fill_(0.5));
    expect(encoder.layers[1]!.linear1.weight.storage[0]).not.toBe(0.5);
    expect(layer.linear1.weight.storage[0]).not.toBe(0.5);
    perturb(encoder);
    const x = randn([5, 2, 4]);
    const mask = F.generateSquareSubsequentMask(5);
    let expected = x;
    for (const l of encoder.layers) expected = l.forward(expected, { srcMask: mask });
    expectAllClose(encoder.forward(x, { mask }), encoder.norm!.forward(expected));
    expect(encoder.parameters().length).toBe(3 * 12 + 2);
    expect(encoder.eval().layers.every((l) => !l.training && !l.self_attn.training)).toBe(true);
  });

  it('refuses a layer of another class and unknown options', () => {
    expect(() => new nn.TransformerEncoder(new nn.Linear(2, 2) as never, 2)).toThrow(
      'TransformerEncoder: encoderLayer must be a TransformerEncoderLayer',
    );
    const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 });
    expect(() => new nn.TransformerEncoder(layer, 0)).toThrow(ValueError);
    expect(() =>
      new nn.TransformerEncoder(layer, 1).forward(randn([2, 1, 4]), { srcMask: null } as never),
    ).toThrow("TransformerEncoder.forward: unknown option 'srcMask'");
  });
});

describe('TransformerDecoderLayer and TransformerDecoder', () => {
  it("have PyTorch's state-dict keys", () => {
    const layer = new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8 });
    const keys = Object.keys(layer.stateDict());
    expect(keys.slice(0, 8)).toEqual([
      'self_attn.in_proj_weight',
      'self_attn.in_proj_bias',
      'self_attn.out_proj.weight',
      'self_attn.out_proj.bias',
      'multihead_attn.in_proj_weight',
      'multihead_attn.in_proj_bias',
      'multihead_attn.out_proj.weight',
      'multihead_attn.out_proj.bias',
    ]);
    expect(keys.slice(8)).toEqual([
      'linear1.weight',
      'linear1.bias',
      'linear2.weight',
      'linear2.bias',
      'norm1.weight',
      'norm1.bias',
      'norm2.weight',
      'norm2.bias',
      'norm3.weight',
      'norm3.bias',
    ]);
    const decoder = new nn.TransformerDecoder(layer, 2);
    expect(Object.keys(decoder.stateDict())).toHaveLength(2 * keys.length);
  });

  it('a target position depends only on earlier targets with tgtIsCausal, and on every memory position', () => {
    manualSeed(8);
    const decoder = new nn.TransformerDecoder(
      new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8 }),
      2,
    ).eval();
    const [tgt, memory] = [randn([5, 1, 4]), randn([3, 1, 4])];
    const full = decoder.forward(tgt, memory, { tgtIsCausal: true });
    const prefix = decoder.forward(tgt.narrow(0, 0, 3), memory, { tgtIsCausal: true });
    expectAllClose(full.narrow(0, 0, 3), prefix);
    const otherMemory = decoder.forward(tgt, memory.mul(2), { tgtIsCausal: true });
    expect(Math.abs(otherMemory.sub(full).narrow(0, 0, 1).abs().sum().item())).toBeGreaterThan(1e-4);
  });

  it('takes unbatched target and memory, with a [S] memory padding mask', () => {
    manualSeed(13);
    const layer = new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8, batchFirst: true }).eval();
    const [tgt, memory] = [randn([2, 3, 4]), randn([2, 5, 4])];
    const padding = noGrad(() => randn([2, 5]).gt(0.7));
    noGrad(() => padding.storage.fill(0, 0, 1));
    const batched = layer.forward(tgt, memory, { memoryKeyPaddingMask: padding, tgtIsCausal: true });
    const single = layer.forward(tgt.select(0, 1), memory.select(0, 1), {
      memoryKeyPaddingMask: padding.select(0, 1),
      tgtIsCausal: true,
    });
    expectAllClose(single, batched.select(0, 1));
  });

  it('passes float64 finite-difference checks for target, memory and every parameter', () => {
    manualSeed(9);
    const layer = new nn.TransformerDecoderLayer(4, 2, {
      dimFeedforward: 6,
      dropout: 0,
      normFirst: true,
      activation: 'gelu',
      dtype: 'float64',
    });
    perturb(layer);
    const [tgt, memory] = [randn([3, 2, 4], f64), randn([4, 2, 4], f64)];
    const memoryPadding = noGrad(() => randn([2, 4]).gt(0.9));
    const run = (t: Tensor, m: Tensor) =>
      layer.forward(t, m, { tgtIsCausal: true, memoryKeyPaddingMask: memoryPadding });
    expect(gradcheck(run, [tgt, memory])).toBe(true);
    expect(checkParameterGradients(layer, () => run(tgt, memory))).toBe(layer.numParameters());
  });
});

describe('Transformer', () => {
  it('redraws every matrix Xavier-uniform, so its stacked layers differ; ends each stack in a LayerNorm', () => {
    manualSeed(11);
    const model = new nn.Transformer({
      dModel: 8,
      nhead: 2,
      numEncoderLayers: 2,
      numDecoderLayers: 2,
      dimFeedforward: 16,
    });
    const state = model.stateDict();
    expect(Object.keys(state)).toContain('encoder.norm.weight');
    expect(Object.keys(state)).toContain('decoder.layers.1.multihead_attn.in_proj_weight');
    const w = state['encoder.layers.0.linear1.weight']!;
    const bound = Math.sqrt(6 / (16 + 8));
    expect(Math.max(...Array.from(w.storage).map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Array.from(w.storage)).not.toEqual(Array.from(state['encoder.layers.1.linear1.weight']!.storage));
    expect(Array.from(state['encoder.layers.0.linear1.bias']!.storage)).not.toEqual(
      Array.from(state['encoder.layers.1.linear1.bias']!.storage).map(() => 0),
    );
    expect(Array.from(nn.Transformer.generateSquareSubsequentMask(2).storage)).toEqual([0, -Infinity, 0, 0]);
    const out = model.forward(randn([6, 3, 8]), randn([4, 3, 8]), { tgtIsCausal: true });
    expect(out.shape).toEqual([4, 3, 8]);
    expect(() => model.forward(randn([6, 3, 8]), randn([4, 2, 8]))).toThrow(
      'Transformer: src [6, 3, 8] and tgt [4, 2, 8] must have the same rank, batch size and dModel 8',
    );
    expect(() => model.forward(randn([6, 3, 6]), randn([4, 3, 6]))).toThrow(
      'Transformer: src [6, 3, 6] and tgt [4, 3, 6] must have the same rank, batch size and dModel 8',
    );
  });
});

describe('Transformer gradients', () => {
  it('pass float64 finite-difference checks for src, tgt and every parameter', () => {
    manualSeed(14);
    const model = new nn.Transformer({
      dModel: 4,
      nhead: 2,
      numEncoderLayers: 1,
      numDecoderLayers: 1,
      dimFeedforward: 6,
      dropout: 0,
      dtype: 'float64',
    });
    perturb(model, 0.1);
    const [src, tgt] = [randn([4, 2, 4], f64), randn([3, 2, 4], f64)];
    const run = (s: Tensor, t: Tensor) => model.forward(s, t, { tgtIsCausal: true });
    expect(gradcheck(run, [src, tgt])).toBe(true);
    expect(checkParameterGradients(model, () => run(src, tgt))).toBe(model.numParameters());
  });
});

describe('SinusoidalPositionalEncoding', () => {
  it('adds sin(pos/10000^(2i/d)) and cos(pos/10000^(2i/d)), also for odd dModel', () => {
    for (const dModel of [6, 5]) {
      const pe = new nn.SinusoidalPositionalEncoding(dModel, { maxLen: 10, dropout: 0 });
      const x = randn([4, 2, dModel]);
      const out = pe.forward(x);
      for (let pos = 0; pos < 4; pos++) {
        for (let n = 0; n < 2; n++) {
          for (let j = 0; j < dModel; j++) {
            const angle = pos / Math.pow(10000, (2 * Math.floor(j / 2)) / dModel);
            const expected =
              x.storage[(pos * 2 + n) * dModel + j]! + (j % 2 === 0 ? Math.sin(angle) : Math.cos(angle));
            expect(out.storage[(pos * 2 + n) * dModel + j]).toBeCloseTo(expected, 5);
          }
        }
      }
    }
  });

  it('has no parameters and keeps its table out of the state dict; batchFirst and unbatched layouts agree', () => {
    const pe = new nn.SinusoidalPositionalEncoding(4, { maxLen: 8, batchFirst: true }).eval();
    expect(pe.parameters()).toEqual([]);
    expect(Object.keys(pe.stateDict())).toEqual([]);
    expect(pe.buffers()[0]!.shape).toEqual([8, 4]);
    const x = randn([2, 3, 4]);
    const seqFirst = new nn.SinusoidalPositionalEncoding(4, { maxLen: 8 }).eval();
    expectAllClose(pe.forward(x), seqFirst.forward(x.transpose(0, 1)).transpose(0, 1));
    expectAllClose(pe.forward(x.select(0, 0)), pe.forward(x).select(0, 0));
    expect(() => pe.forward(randn([2, 9, 4]))).toThrow(
      'SinusoidalPositionalEncoding: sequence length 9 of input [2, 9, 4] exceeds maxLen 8',
    );
    expect(() => pe.forward(randn([2, 3, 5]))).toThrow(ShapeError);
    expect(pe.toString()).toBe('SinusoidalPositionalEncoding(d_model=4, max_len=8, p=0.1, batch_first=True)');
  });
});

describe('LearnedPositionalEmbedding', () => {
  it('adds weight[:L] and sends each row the gradient summed over the batch; unused rows get zero', () => {
    const table = new nn.LearnedPositionalEmbedding(6, 3);
    const x = randn([4, 2, 3]);
    const out = table.forward(x);
    const w = table.weight.storage;
    for (let pos = 0; pos < 4; pos++) {
      for (let n = 0; n < 2; n++) {
        for (let j = 0; j < 3; j++) {
          const at = (pos * 2 + n) * 3 + j;
          expect(out.storage[at]).toBeCloseTo(x.storage[at]! + w[pos * 3 + j]!, 6);
        }
      }
    }
    const g = randn([4, 2, 3]);
    out.backward(g);
    const grad = table.weight.grad!.storage;
    for (let pos = 0; pos < 6; pos++) {
      for (let j = 0; j < 3; j++) {
        const expected = pos < 4 ? g.storage[pos * 6 + j]! + g.storage[pos * 6 + 3 + j]! : 0;
        expect(grad[pos * 3 + j]).toBeCloseTo(expected, 6);
      }
    }
    expect(Object.keys(table.stateDict())).toEqual(['weight']);
    expect(() => table.forward(randn([7, 1, 3]))).toThrow('exceeds maxLen 6');
  });
});

describe('a small Transformer language-model block built from these layers', () => {
  it('chains embedding, positional encoding and an encoder in a Sequential and trains', () => {
    manualSeed(10);
    const model = new nn.Sequential(
      new nn.SinusoidalPositionalEncoding(8, { maxLen: 16, dropout: 0, batchFirst: true }),
      new nn.TransformerEncoder(
        new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true }),
        2,
      ),
    );
    const x = randn([2, 6, 8]);
    const target = randn([2, 6, 8]);
    const loss = () => model.forward(x).sub(target).square().mean();
    const before = loss().item();
    for (let step = 0; step < 20; step++) {
      model.zeroGrad();
      loss().backward();
      noGrad(() => model.parameters().forEach((p) => p.sub_(p.grad!.mul(0.05))));
    }
    expect(loss().item()).toBeLessThan(0.9 * before);
  });
});
