// @file Conv1d, Conv2d and the pooling layers: PyTorch's prints, parameters and init, input handling, errors.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, conv2d, manualSeed, nn, ones, randn } from '../../src/index.js';

interface ReprCase {
  cls: 'Conv1d' | 'Conv2d' | 'MaxPool2d' | 'AvgPool2d' | 'AdaptiveAvgPool2d' | 'Dropout2d';
  args: unknown[];
  options: Record<string, unknown>;
  repr: string;
}

const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'conv.json');
const reprs = (JSON.parse(readFileSync(fixture, 'utf8')) as { reprs: ReprCase[] }).reprs;

/** Builds the layer a fixture entry describes (PyTorch's positional args, neurite's camelCase options). */
function build({ cls, args, options }: ReprCase): nn.Module {
  type Args = [number, number, number];
  switch (cls) {
    case 'Conv2d':
      return new nn.Conv2d(...(args as Args), options);
    case 'Conv1d':
      return new nn.Conv1d(...(args as Args), options);
    case 'MaxPool2d':
      return new nn.MaxPool2d(args[0] as number, options);
    case 'AvgPool2d':
      return new nn.AvgPool2d(args[0] as number, options);
    case 'AdaptiveAvgPool2d':
      return new nn.AdaptiveAvgPool2d(args[0] as number);
    case 'Dropout2d':
      return new nn.Dropout2d(args[0] as number | undefined);
  }
}

describe('layer prints match PyTorch', () => {
  for (const entry of reprs) {
    it(entry.repr, () => expect(build(entry).toString()).toBe(entry.repr));
  }
  it('inside a container-like parent', () => {
    class Net extends nn.Module {
      conv = new nn.Conv2d(1, 6, 5, { padding: 2 });
      pool = new nn.MaxPool2d(2);
      forward(x: ReturnType<typeof randn>) {
        return this.pool.forward(this.conv.forward(x));
      }
    }
    expect(new Net().toString()).toBe(
      'Net(\n' +
        '  (conv): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n' +
        '  (pool): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n' +
        ')',
    );
  });
});

describe('Conv2d parameters', () => {
  it('has weight [out, in/groups, kH, kW] and bias [out], named as in PyTorch', () => {
    const conv = new nn.Conv2d(4, 6, [3, 2], { groups: 2 });
    expect(conv.weight.shape).toEqual([6, 2, 3, 2]);
    expect(conv.bias!.shape).toEqual([6]);
    expect(Object.keys(conv.stateDict())).toEqual(['weight', 'bias']);
    expect(conv.numParameters()).toBe(6 * 2 * 3 * 2 + 6);
    expect(new nn.Conv1d(3, 4, 5, { bias: false }).parameters().map((p) => p.shape)).toEqual([[4, 3, 5]]);
  });
  it('draws U(±1/√fanIn) with fanIn = in/groups·kH·kW, reproducibly from the seed', () => {
    manualSeed(0);
    const conv = new nn.Conv2d(8, 64, 3, { groups: 2 });
    const bound = 1 / Math.sqrt(4 * 3 * 3);
    for (const p of [conv.weight, conv.bias!]) {
      const values = Array.from(p.storage);
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    }
    manualSeed(0);
    expect(Array.from(new nn.Conv2d(8, 64, 3, { groups: 2 }).weight.storage)).toEqual(
      Array.from(conv.weight.storage),
    );
  });
  it('float64 parameters on request', () => {
    expect(new nn.Conv2d(1, 1, 1, { dtype: 'float64' }).weight.dtype).toBe('float64');
  });
  it('loads a state dict', () => {
    const a = new nn.Conv2d(2, 3, 3);
    const b = new nn.Conv2d(2, 3, 3);
    b.loadStateDict(a.stateDict());
    const x = randn([1, 2, 5, 5]);
    expect(Array.from(b.forward(x).storage)).toEqual(Array.from(a.forward(x).storage));
  });
});

describe('conv and pooling layers forward', () => {
  it('runs the LeNet feature extractor on batched input and trains every parameter', () => {
    const conv1 = new nn.Conv2d(1, 6, 5, { padding: 2 });
    const conv2 = new nn.Conv2d(6, 16, 5);
    const pool = new nn.MaxPool2d(2);
    const features = pool.forward(conv2.forward(pool.forward(conv1.forward(randn([2, 1, 28, 28]))).relu()));
    expect(features.shape).toEqual([2, 16, 5, 5]);
    features.sum().backward();
    for (const p of [...conv1.parameters(), ...conv2.parameters()]) expect(p.grad!.shape).toEqual(p.shape);
  });
  it('accepts unbatched CHW (and CL) input like PyTorch', () => {
    const conv = new nn.Conv2d(3, 2, 3, { padding: 1 });
    const x = randn([3, 5, 4]);
    const y = conv.forward(x);
    expect(y.shape).toEqual([2, 5, 4]);
    const batched = conv.forward(x.reshape([1, 3, 5, 4]));
    expect(Array.from(y.storage)).toEqual(Array.from(batched.storage));
    expect(new nn.Conv1d(3, 2, 3).forward(randn([3, 7])).shape).toEqual([2, 5]);
    expect(new nn.AdaptiveAvgPool2d([2, null]).forward(randn([3, 5, 4])).shape).toEqual([3, 2, 4]);
  });
  it("'same' padding keeps the spatial size, also with an even kernel and a padding mode", () => {
    const x = randn([1, 2, 6, 5]);
    expect(new nn.Conv2d(2, 3, [4, 2], { padding: 'same' }).forward(x).shape).toEqual([1, 3, 6, 5]);
    expect(new nn.Conv2d(2, 3, 3, { padding: 'same', paddingMode: 'reflect' }).forward(x).shape).toEqual([
      1, 3, 6, 5,
    ]);
  });
  it('a zero-padded layer equals the functional form', () => {
    const conv = new nn.Conv2d(2, 4, 3, { stride: 2, padding: 1, dilation: [1, 2] });
    const x = randn([2, 2, 7, 8]);
    const expected = conv2d(x, conv.weight, conv.bias, { stride: 2, padding: 1, dilation: [1, 2] });
    expect(Array.from(conv.forward(x).storage)).toEqual(Array.from(expected.storage));
  });
  it('MaxPool2d.forwardWithIndices returns int32 indices', () => {
    const [y, indices] = new nn.MaxPool2d(2).forwardWithIndices(randn([1, 2, 4, 4]));
    expect(y.shape).toEqual([1, 2, 2, 2]);
    expect(indices.dtype).toBe('int32');
  });
});

describe('conv layer errors', () => {
  it('channel count and rank of the input', () => {
    const conv = new nn.Conv2d(3, 6, 5);
    expect(() => conv.forward(randn([8, 1, 28, 28]))).toThrow(ShapeError);
    expect(() => conv.forward(randn([8, 1, 28, 28]))).toThrow(
      'Conv2d: expected input with 3 channels, got shape [8, 1, 28, 28]',
    );
    expect(() => conv.forward(randn([28, 28]))).toThrow(
      'Conv2d: expected a 3-D (unbatched) or 4-D (batched) input, got shape [28, 28]',
    );
    expect(() => new nn.Conv1d(2, 2, 3).forward(randn([1, 3, 8]))).toThrow(
      'Conv1d: expected input with 2 channels, got shape [1, 3, 8]',
    );
  });
  it('kernel larger than the padded input', () => {
    expect(() => new nn.Conv2d(1, 1, 5).forward(randn([1, 1, 4, 4]))).toThrow(
      'conv2d: kernel size (5, 5) is larger than the padded input (4, 4)',
    );
  });
  it('channels not divisible by groups, strided same padding, bad options', () => {
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow(ValueError);
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow(
      'Conv2d: inChannels (3) must be divisible by groups (2)',
    );
    expect(() => new nn.Conv2d(4, 3, 3, { groups: 2 })).toThrow(/outChannels \(3\) must be divisible/);
    expect(() => new nn.Conv2d(1, 1, 3, { stride: 2, padding: 'same' })).toThrow(
      "Conv2d: padding='same' is not supported for strided convolutions",
    );
    expect(() => new nn.Conv2d(1, 1, 0)).toThrow(ValueError);
    expect(() => new nn.Conv2d(1, 1, 3, { paddingMode: 'mirror' as 'reflect' })).toThrow(/paddingMode/);
    expect(() => new nn.MaxPool2d(2, { padding: 2 }).forward(randn([1, 1, 4, 4]))).toThrow(ValueError);
  });
});

describe('Dropout2d', () => {
  it('zeroes whole channels and scales the kept ones by 1/(1 − p), reproducibly', () => {
    const x = ones([8, 16, 3, 3], { requiresGrad: true });
    manualSeed(1);
    const y = new nn.Dropout2d(0.25).forward(x);
    const perChannel = y.reshape([8 * 16, 9]);
    let dropped = 0;
    for (let c = 0; c < 8 * 16; c++) {
      const values = Array.from(perChannel.storage.subarray(c * 9, c * 9 + 9));
      expect(new Set(values).size).toBe(1);
      expect([0, Math.fround(1 / 0.75)]).toContainEqual(values[0]);
      if (values[0] === 0) dropped++;
    }
    expect(dropped).toBeGreaterThan(10);
    expect(dropped).toBeLessThan(60);
    y.sum().backward();
    expect(Array.from(x.grad!.storage)).toEqual(Array.from(y.storage));
    manualSeed(1);
    expect(Array.from(new nn.Dropout2d(0.25).forward(x).storage)).toEqual(Array.from(y.storage));
  });
  it('is the identity in eval mode and accepts unbatched [C, H, W]', () => {
    const x = randn([2, 3, 4, 4]);
    expect(new nn.Dropout2d().eval().forward(x)).toBe(x);
    expect(new nn.Dropout2d().forward(randn([3, 4, 4])).shape).toEqual([3, 4, 4]);
  });
  it('rejects other ranks and bad probabilities', () => {
    expect(() => new nn.Dropout2d().forward(randn([3, 4]))).toThrow(ShapeError);
    expect(() => new nn.Dropout2d(1.5)).toThrow(ValueError);
  });
});
