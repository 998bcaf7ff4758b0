// @file nn.init: gains and fans against PyTorch, bounds and spreads of each initialiser, in-place and seeded.
import { describe, expect, it } from 'vitest';
import { Generator, ValueError, manualSeed, nn, randn, zeros } from '../../src/index.js';
import { loadNnFixture } from './nn-fixture.js';

const init = nn.init;
const facts = loadNnFixture().init;

function stats(values: ArrayLike<number>): { mean: number; std: number; maxAbs: number } {
  const xs = Array.from(values);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  return { mean, std, maxAbs: Math.max(...xs.map(Math.abs)) };
}

describe('calculateGain and fans match PyTorch', () => {
  for (const { nonlinearity, param, gain } of facts.gains) {
    it(`${nonlinearity}(${param ?? ''})`, () => {
      expect(init.calculateGain(nonlinearity as nn.init.Nonlinearity, param)).toBeCloseTo(gain, 12);
    });
  }
  for (const { shape, fanIn, fanOut } of facts.fans) {
    it(`fans of [${shape.join(', ')}]`, () => {
      expect(init.calculateFanInAndFanOut(zeros(shape))).toEqual({ fanIn, fanOut });
    });
  }
  it('accepts camelCase aliases', () => {
    expect(init.calculateGain('leakyRelu', 0.2)).toBe(init.calculateGain('leaky_relu', 0.2));
    expect(init.calculateGain('convTranspose2d')).toBe(1);
  });
  it('rejects unknown nonlinearities, bad slopes and tensors under 2 dims', () => {
    expect(() => init.calculateGain('swish' as nn.init.Nonlinearity)).toThrow(
      "calculateGain: unsupported nonlinearity 'swish'",
    );
    expect(() => init.calculateGain('leaky_relu', NaN)).toThrow(ValueError);
    expect(() => init.calculateFanInAndFanOut(zeros([5]))).toThrow(
      'calculateFanInAndFanOut: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (got shape [5])',
    );
    expect(() => init.kaimingUniform_(zeros([5]))).toThrow(ValueError);
  });
});

describe('initialisers', () => {
  const big = () => zeros([256, 400]);

  it('uniform_ and normal_ draw from the given distribution', () => {
    const u = stats(init.uniform_(big(), -2, 3).storage);
    expect(u.mean).toBeCloseTo(0.5, 1);
    expect(Math.max(...Array.from(init.uniform_(big(), -2, 3).storage))).toBeLessThan(3);
    const n = stats(init.normal_(big(), 1, 0.5).storage);
    expect(n.mean).toBeCloseTo(1, 2);
    expect(n.std).toBeCloseTo(0.5, 2);
    expect(() => init.uniform_(big(), 1, 0)).toThrow(ValueError);
    expect(() => init.normal_(big(), 0, -1)).toThrow(ValueError);
  });

  it('constant_, zeros_, ones_ and eye_ fill', () => {
    expect(Array.from(init.constant_(zeros([3]), 2.5).storage)).toEqual([2.5, 2.5, 2.5]);
    expect(Array.from(init.ones_(zeros([2])).storage)).toEqual([1, 1]);
    expect(Array.from(init.zeros_(randn([2])).storage)).toEqual([0, 0]);
    expect(Array.from(init.eye_(randn([2, 3])).storage)).toEqual([1, 0, 0, 0, 1, 0]);
    expect(() => init.eye_(zeros([2, 2, 2]))).toThrow(ValueError);
  });

  it('xavierUniform_ bounds by gain·√(6/(fanIn + fanOut)); xavierNormal_ has std gain·√(2/(fanIn + fanOut))', () => {
    const bound = 2 * Math.sqrt(6 / (400 + 256));
    const u = stats(init.xavierUniform_(big(), 2).storage);
    expect(u.maxAbs).toBeLessThanOrEqual(bound);
    expect(u.maxAbs).toBeGreaterThan(0.99 * bound);
    expect(stats(init.xavierNormal_(big()).storage).std).toBeCloseTo(Math.sqrt(2 / 656), 3);
  });

  it('kaimingUniform_ defaults to bound √(6/fanIn), and a = √5 gives Linear’s 1/√fanIn', () => {
    const u = stats(init.kaimingUniform_(big()).storage);
    expect(u.maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / 400));
    expect(u.maxAbs).toBeGreaterThan(0.99 * Math.sqrt(6 / 400));
    const linear = stats(init.kaimingUniform_(big(), { a: Math.sqrt(5) }).storage);
    expect(linear.maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(400) + 1e-7);
    expect(linear.maxAbs).toBeGreaterThan(0.99 / Math.sqrt(400));
    const fanOut = stats(init.kaimingUniform_(big(), { mode: 'fan_out', nonlinearity: 'relu' }).storage);
    expect(fanOut.maxAbs).toBeGreaterThan(0.99 * Math.sqrt(6 / 256));
    expect(() => init.kaimingUniform_(big(), { mode: 'fanAvg' as nn.init.FanMode })).toThrow(
      "kaimingUniform_: mode 'fanAvg' not supported, please use one of fanIn, fanOut",
    );
  });

  it('kaimingNormal_ has std gain/√fan', () => {
    expect(stats(init.kaimingNormal_(big(), { mode: 'fanOut' }).storage).std).toBeCloseTo(
      Math.sqrt(2 / 256),
      3,
    );
    expect(stats(init.kaimingNormal_(big(), { nonlinearity: 'tanh' }).storage).std).toBeCloseTo(
      5 / 3 / 20,
      3,
    );
  });

  it('truncNormal_ stays inside [a, b]', () => {
    const t = init.truncNormal_(big(), { mean: 0, std: 1, a: -1, b: 0.5 });
    expect(Math.min(...Array.from(t.storage))).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...Array.from(t.storage))).toBeLessThanOrEqual(0.5);
    const narrow = stats(init.truncNormal_(big(), { std: 0.02 }).storage);
    expect(narrow.std).toBeCloseTo(0.02, 3);
    expect(() => init.truncNormal_(zeros([1]), { a: 1, b: 0 })).toThrow(ValueError);
    expect(() => init.truncNormal_(zeros([1]), { a: 50, b: 51 })).toThrow(/too far in the tails/);
  });

  it('work in place on parameters that require grad, without recording a graph', () => {
    const layer = new nn.Linear(3, 2);
    const weight = layer.weight;
    expect(init.xavierUniform_(weight)).toBe(weight);
    init.zeros_(layer.bias!);
    expect(weight.requiresGrad).toBe(true);
    expect(weight.gradFn).toBeNull();
    expect(Array.from(layer.bias!.storage)).toEqual([0, 0]);
  });

  it('are reproducible from manualSeed or a given generator, and leave empty tensors alone', () => {
    manualSeed(11);
    const a = init.kaimingNormal_(zeros([4, 4]));
    manualSeed(11);
    const b = init.kaimingNormal_(zeros([4, 4]));
    expect(Array.from(a.storage)).toEqual(Array.from(b.storage));
    const c = init.xavierUniform_(zeros([4, 4]), 1, new Generator(1));
    const d = init.xavierUniform_(zeros([4, 4]), 1, new Generator(1));
    expect(Array.from(c.storage)).toEqual(Array.from(d.storage));
    expect(init.kaimingUniform_(zeros([0, 3])).shape).toEqual([0, 3]);
  });
});
