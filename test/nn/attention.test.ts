// @file scaledDotProductAttention and MultiheadAttention: analytic results, masks, dropout, init, gradcheck, errors.
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  ShapeError,
  ValueError,
  gradcheck,
  manualSeed,
  nn,
  noGrad,
  ones,
  randn,
  tensor,
  zeros,
  type Tensor,
} from '../../src/index.js';
import { checkParameterGradients } from './attention-fixture.js';

const F = nn.functional;

function expectAllClose(actual: Tensor, expected: Tensor, atol = 1e-6): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.storage;
  const e = expected.storage;
  for (let i = 0; i < e.length; i++) {
    if (!(Math.abs(a[i]! - e[i]!) <= atol + 1e-5 * Math.abs(e[i]!)))
      expect.fail(`[${i}]: ${a[i]} vs ${e[i]}`);
  }
}

describe('scaledDotProductAttention', () => {
  it('with one key returns that value for every query; with equal scores, the mean of the values', () => {
    const value = tensor([[[1, 2, 3]]]);
    const out = F.scaledDotProductAttention(randn([1, 4, 2]), randn([1, 1, 2]), value);
    expectAllClose(
      out,
      tensor([
        [
          [1, 2, 3],
          [1, 2, 3],
          [1, 2, 3],
          [1, 2, 3],
        ],
      ]),
    );
    const values = tensor([
      [1, 0],
      [3, 4],
      [5, 2],
    ]);
    const mean = F.scaledDotProductAttention(randn([2, 2]), zeros([3, 2]), values);
    expectAllClose(
      mean,
      tensor([
        [3, 2],
        [3, 2],
      ]),
    );
  });

  it('computes softmax(QKᵀ/√E)·V for a hand-worked 2×2 case, and honours scale', () => {
    const q = tensor([[1, 0]]);
    const k = tensor([
      [1, 0],
      [0, 1],
    ]);
    const v = tensor([
      [10, 0],
      [0, 10],
    ]);
    const w0 = 1 / (1 + Math.exp(-1 / Math.SQRT2));
    expectAllClose(F.scaledDotProductAttention(q, k, v), tensor([[10 * w0, 10 * (1 - w0)]]));
    const w1 = 1 / (1 + Math.exp(-2));
    expectAllClose(F.scaledDotProductAttention(q, k, v, { scale: 2 }), tensor([[10 * w1, 10 * (1 - w1)]]));
  });

  it('isCausal equals the bool causal mask, the float mask of generateSquareSubsequentMask, and a manual loop', () => {
    const [q, k, v] = [randn([2, 5, 3]), randn([2, 5, 3]), randn([2, 5, 4])];
    const causal = F.scaledDotProductAttention(q, k, v, { isCausal: true });
    expectAllClose(F.scaledDotProductAttention(q, k, v, { attnMask: F.causalMask(5) }), causal);
    expectAllClose(
      F.scaledDotProductAttention(q, k, v, { attnMask: F.generateSquareSubsequentMask(5) }),
      causal,
    );
    // Row i of the causal result only sees keys 0..i: the unmasked attention over that prefix.
    for (let i = 0; i < 5; i++) {
      const prefix = F.scaledDotProductAttention(
        q.narrow(1, i, 1),
        k.narrow(1, 0, i + 1),
        v.narrow(1, 0, i + 1),
      );
      expectAllClose(causal.narrow(1, i, 1), prefix);
    }
  });

  it('gives a query whose keys are all masked zero weights, a zero output and finite gradients', () => {
    const q = randn([3, 2], { requiresGrad: true });
    const k = randn([4, 2], { requiresGrad: true });
    const v = randn([4, 2], { requiresGrad: true });
    const mask = tensor([
      [true, true, false, false],
      [false, false, false, false],
      [true, false, true, true],
    ]);
    const out = F.scaledDotProductAttention(q, k, v, { attnMask: mask });
    expect(Array.from(out.narrow(0, 1, 1).storage)).toEqual([0, 0]);
    const kept = F.scaledDotProductAttention(q.narrow(0, 0, 1), k.narrow(0, 0, 2), v.narrow(0, 0, 2));
    expectAllClose(out.narrow(0, 0, 1), kept);
    out.sum().backward();
    for (const t of [q, k, v]) expect(Array.from(t.grad!.storage).every(Number.isFinite)).toBe(true);
    expect(Array.from(q.grad!.narrow(0, 1, 1).storage)).toEqual([0, 0]);
    // The same with a float mask that is −∞ across a whole row.
    const floatMask = zeros([3, 4]).maskedFill(mask.logicalNot(), -Infinity);
    expectAllClose(F.scaledDotProductAttention(q, k, v, { attnMask: floatMask }), out);
  });

  it('passes gradcheck in float64 for query, key, value and a float mask, causal and broadcast', () => {
    const d = { dtype: 'float64' as const };
    const [q, k, v, m] = [randn([2, 3, 2], d), randn([2, 4, 2], d), randn([1, 4, 3], d), randn([3, 4], d)];
    expect(
      gradcheck((a, b, c, mask) => F.scaledDotProductAttention(a, b, c, { attnMask: mask }), [q, k, v, m]),
    ).toBe(true);
    const [x, y, z] = [randn([2, 4, 3], d), randn([2, 4, 3], d), randn([2, 4, 2], d)];
    expect(
      gradcheck((a, b, c) => F.scaledDotProductAttention(a, b, c, { isCausal: true, scale: 0.7 }), [x, y, z]),
    ).toBe(true);
  });

  it('applies dropout to the weights whenever dropoutP > 0, reproducibly under manualSeed', () => {
    const [q, k, v] = [randn([2, 6, 4]), randn([2, 6, 4]), randn([2, 6, 4])];
    manualSeed(7);
    const a = F.scaledDotProductAttention(q, k, v, { dropoutP: 0.5 });
    manualSeed(7);
    const b = F.scaledDotProductAttention(q, k, v, { dropoutP: 0.5 });
    expect(Array.from(a.storage)).toEqual(Array.from(b.storage));
    const plain = F.scaledDotProductAttention(q, k, v);
    expect(Array.from(a.storage)).not.toEqual(Array.from(plain.storage));
    expect(
      Array.from(F.scaledDotProductAttention(q, k, v, { dropoutP: 1 }).storage).every((x) => x === 0),
    ).toBe(true);
  });

  it('names shapes, dtypes and options in its errors', () => {
    const q = randn([2, 3, 4]);
    expect(() => F.scaledDotProductAttention(q, randn([2, 5, 3]), randn([2, 5, 4]))).toThrow(ShapeError);
    expect(() => F.scaledDotProductAttention(q, randn([2, 5, 3]), randn([2, 5, 4]))).toThrow(
      'scaledDotProductAttention: query and key must end with the same size E, got query [2, 3, 4], key [2, 5, 3], value [2, 5, 4]',
    );
    expect(() => F.scaledDotProductAttention(q, randn([2, 5, 4]), randn([2, 6, 4]))).toThrow(
      'key and value must have the same length S',
    );
    expect(() => F.scaledDotProductAttention(q, randn([3, 5, 4]), randn([3, 5, 4]))).toThrow(
      'the leading (batch, head) dims do not broadcast together',
    );
    expect(() => F.scaledDotProductAttention(randn([4]), randn([4]), randn([4]))).toThrow('at least 2 dims');
    expect(() => F.scaledDotProductAttention(q, q, q, { attnMask: ones([3, 4], { dtype: 'bool' }) })).toThrow(
      "attnMask of shape [3, 4] does not broadcast to the attention scores' shape [2, 3, 3] [..., L, S]",
    );
    expect(() =>
      F.scaledDotProductAttention(q, q, q, { attnMask: zeros([3, 3], { dtype: 'int32' }) }),
    ).toThrow(DTypeError);
    expect(() =>
      F.scaledDotProductAttention(q, q, q, { attnMask: zeros([3, 3], { dtype: 'float64' }) }),
    ).toThrow("a float attnMask must have the query's dtype float32, got float64");
    expect(() => F.scaledDotProductAttention(q, q, q, { attnMask: F.causalMask(3), isCausal: true })).toThrow(
      ValueError,
    );
    expect(() => F.scaledDotProductAttention(q, q, q, { dropoutP: 1.5 })).toThrow(ValueError);
    expect(() => F.scaledDotProductAttention(q, q, q, { scale: NaN })).toThrow(
      'scale must be a finite number',
    );
    expect(() => F.scaledDotProductAttention(q, q, q, { is_causal: true } as never)).toThrow(
      "scaledDotProductAttention: unknown option 'is_causal' (did you mean 'isCausal'?)",
    );
    expect(() => F.scaledDotProductAttention(q.int(), q.int(), q.int())).toThrow(DTypeError);
  });

  it('generateSquareSubsequentMask is 0 on and below the diagonal and −∞ above', () => {
    expect(Array.from(F.generateSquareSubsequentMask(3).storage)).toEqual([
      0,
      -Infinity,
      -Infinity,
      0,
      0,
      -Infinity,
      0,
      0,
      0,
    ]);
    expect(Array.from(F.causalMask(2, 3).storage)).toEqual([1, 0, 0, 1, 1, 0]);
    expect(() => F.generateSquareSubsequentMask(-1)).toThrow(ValueError);
  });
});

describe('MultiheadAttention', () => {
  it("has PyTorch's parameters: Xavier-uniform in_proj_weight, zero biases, separate q/k/v weights when kdim differs", () => {
    manualSeed(0);
    const mha = new nn.MultiheadAttention(8, 2);
    expect(Object.keys(mha.stateDict())).toEqual([
      'in_proj_weight',
      'in_proj_bias',
      'out_proj.weight',
      'out_proj.bias',
    ]);
    expect(mha.inProjWeight!.shape).toEqual([24, 8]);
    const bound = Math.sqrt(6 / (24 + 8));
    const w = Array.from(mha.in_proj_weight!.storage);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    expect(Array.from(mha.in_proj_bias!.storage).every((x) => x === 0)).toBe(true);
    expect(Array.from(mha.out_proj.bias!.storage).every((x) => x === 0)).toBe(true);
    const separate = new nn.MultiheadAttention(6, 3, { kdim: 4, vdim: 5, bias: false });
    expect(Object.entries(separate.stateDict()).map(([k, t]) => [k, t.shape])).toEqual([
      ['q_proj_weight', [6, 6]],
      ['k_proj_weight', [6, 4]],
      ['v_proj_weight', [6, 5]],
      ['out_proj.weight', [6, 6]],
    ]);
  });

  it('returns weights averaged over heads, per head, or null; unbatched inputs drop the batch dim', () => {
    const mha = new nn.MultiheadAttention(8, 4, { batchFirst: true });
    const [q, kv] = [randn([2, 3, 8]), randn([2, 5, 8])];
    const [out, avg] = mha.forward(q, kv, kv);
    expect(out.shape).toEqual([2, 3, 8]);
    expect(avg!.shape).toEqual([2, 3, 5]);
    const [, perHead] = mha.forward(q, kv, kv, { averageAttnWeights: false });
    expect(perHead!.shape).toEqual([2, 4, 3, 5]);
    expectAllClose(perHead!.mean(1), avg!);
    for (let i = 0; i < 6; i++) {
      const row = Array.from(avg!.storage.slice(i * 5, i * 5 + 5));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    expect(mha.forward(q, kv, kv, { needWeights: false })[1]).toBeNull();
    const [single, w] = mha.forward(q.select(0, 0), kv.select(0, 0), kv.select(0, 0));
    expect(single.shape).toEqual([3, 8]);
    expect(w!.shape).toEqual([3, 5]);
    expectAllClose(single, out.select(0, 0), 1e-5);
  });

  it('batchFirst only changes the layout; isCausal equals the causal attnMask; key padding removes keys', () => {
    manualSeed(1);
    const seqFirst = new nn.MultiheadAttention(4, 2);
    const batchFirst = new nn.MultiheadAttention(4, 2, { batchFirst: true });
    batchFirst.loadStateDict(seqFirst.stateDict());
    const x = randn([5, 3, 4]);
    const [a] = seqFirst.forward(x, x, x, { isCausal: true });
    const [b] = batchFirst.forward(x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1), {
      attnMask: F.generateSquareSubsequentMask(5),
    });
    expectAllClose(b.transpose(0, 1), a, 1e-5);
    const padding = tensor([[false, false, true, true, true]]);
    const y = randn([5, 1, 4]);
    const [padded] = seqFirst.forward(y, y, y, { keyPaddingMask: padding });
    const [short] = seqFirst.forward(y, y.narrow(0, 0, 2), y.narrow(0, 0, 2));
    expectAllClose(padded, short, 1e-5);
  });

  it('reads float masks as additive, bool masks as "blocked", and combines the two kinds', () => {
    manualSeed(12);
    const mha = new nn.MultiheadAttention(4, 2);
    const [q, kv] = [randn([3, 2, 4]), randn([5, 2, 4])];
    const padding = tensor([
      [false, true, false, false, true],
      [false, false, false, true, false],
    ]);
    const additivePadding = zeros([2, 5]).maskedFill(padding, -Infinity);
    const attn = tensor([
      [false, false, true, false, false],
      [true, false, false, false, false],
      [false, false, false, false, true],
    ]);
    const additiveAttn = zeros([3, 5]).maskedFill(attn, -Infinity);
    const [reference] = mha.forward(q, kv, kv, { keyPaddingMask: padding, attnMask: attn });
    for (const [keyPaddingMask, attnMask] of [
      [additivePadding, additiveAttn],
      [padding, additiveAttn],
      [additivePadding, attn],
    ] as const) {
      expectAllClose(mha.forward(q, kv, kv, { keyPaddingMask, attnMask })[0], reference, 1e-5);
    }
    const bias = randn([3, 5]);
    const [, weights] = mha.forward(q, kv, kv, { attnMask: bias, averageAttnWeights: false });
    const [, plain] = mha.forward(q, kv, kv, { averageAttnWeights: false });
    // An additive bias multiplies each weight by e^bias before renormalising.
    const ratio = weights!.div(plain!).log().sub(bias);
    const spread = ratio.amax(-1).sub(ratio.amin(-1));
    expect(spread.amax().item()).toBeLessThan(1e-4);
  });

  it('drops attention weights in training only', () => {
    const mha = new nn.MultiheadAttention(4, 2, { dropout: 0.5 });
    const x = randn([6, 2, 4]);
    const evalOut = mha.eval().forward(x, x, x)[0];
    expectAllClose(mha.forward(x, x, x)[0], evalOut);
    manualSeed(3);
    const trainOut = mha.train().forward(x, x, x)[0];
    expect(Array.from(trainOut.storage)).not.toEqual(Array.from(evalOut.storage));
  });

  it('passes float64 finite-difference checks for its inputs and every parameter', () => {
    manualSeed(2);
    const mha = new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 2, dtype: 'float64' });
    noGrad(() => mha.parameters().forEach((p) => p.add_(randn(p.shape, { dtype: 'float64' }).mul(0.3))));
    const d = { dtype: 'float64' as const };
    const [q, k, v] = [randn([3, 2, 4], d), randn([4, 2, 3], d), randn([4, 2, 2], d)];
    const mask = tensor([
      [false, true, false, false],
      [false, false, false, true],
      [true, false, false, false],
    ]);
    const run = (a: Tensor, b: Tensor, c: Tensor) => mha.forward(a, b, c, { attnMask: mask })[0];
    expect(gradcheck(run, [q, k, v])).toBe(true);
    expect(checkParameterGradients(mha, () => run(q, k, v))).toBe(16 + 12 + 8 + 12 + 16 + 4);
  });

  it('names the shapes and values in its errors', () => {
    expect(() => new nn.MultiheadAttention(6, 4)).toThrow(
      'MultiheadAttention: embedDim must be divisible by numHeads, got embedDim 6 and numHeads 4',
    );
    expect(() => new nn.MultiheadAttention(4, 2, { dropout: 2 })).toThrow(ValueError);
    const mha = new nn.MultiheadAttention(4, 2);
    const x = randn([3, 2, 4]);
    expect(() => mha.forward(x, randn([3, 2, 5]), x)).toThrow(
      'MultiheadAttention: expected features embedDim 4, kdim 4, vdim 4 in the last dims, got query [3, 2, 4], key [3, 2, 5], value [3, 2, 4]',
    );
    expect(() => mha.forward(x, randn([5, 2, 4]), x)).toThrow(
      'key and value must have the same sequence length S',
    );
    expect(() => mha.forward(x, randn([3, 1, 4]), randn([3, 1, 4]))).toThrow('the same batch size');
    expect(() => mha.forward(x, x, randn([3, 4]))).toThrow(ShapeError);
    expect(() => mha.forward(x, x, x, { attnMask: ones([3, 2], { dtype: 'bool' }) })).toThrow(
      'attnMask must be [L, S] = [3, 3] or [N·numHeads, L, S] = [4, 3, 3], got [3, 2]',
    );
    expect(() => mha.forward(x, x, x, { keyPaddingMask: ones([3, 2], { dtype: 'bool' }) })).toThrow(
      'keyPaddingMask must be [N, S] = [2, 3] (or [S] unbatched), got [3, 2]',
    );
    expect(() => mha.forward(x, x, x, { key_padding_mask: null } as never)).toThrow(
      "MultiheadAttention.forward: unknown option 'key_padding_mask' (did you mean 'keyPaddingMask'?)",
    );
  });
});
