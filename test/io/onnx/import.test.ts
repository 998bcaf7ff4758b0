// @file io.importOnnx: models exported by PyTorch 1.13 (opset 13 and 17) predict and fine-tune like PyTorch.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError, io, nn, optim, tensor } from '../../../src/index.js';
import { encodeModel, type OnnxModel, type OnnxNode } from '../../../src/io/onnx/schema.js';
import { maxAbsDiff } from './ort.js';

interface Encoded {
  shape: number[];
  data: number[];
}
interface FixtureCase {
  file: string;
  opset: number;
  input: Encoded;
  output: Encoded;
  target: number[];
  loss: 'crossEntropy' | 'nll';
  lr: number;
  momentum: number;
  losses: number[];
  outputAfter: Encoded;
}

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'onnx');
const fixture = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as {
  steps: number;
  cases: FixtureCase[];
};
const bytesOf = (file: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, file)));
const fromEncoded = (e: Encoded) => tensor(e.data).reshape(e.shape);

describe('importOnnx: PyTorch-exported fixtures', () => {
  it.each(fixture.cases.map((c) => [c.file, c] as const))(
    '%s gives PyTorch outputs and fine-tunes with its losses',
    (_file, c) => {
      const model = io.importOnnx(bytesOf(c.file));
      expect(model.opsetVersion).toBe(c.opset);
      const x = fromEncoded(c.input);
      model.eval();
      expect(maxAbsDiff(model.forward(x).dataSync(), c.output.data)).toBeLessThan(1e-5);

      model.train();
      const opt = new optim.SGD(model.parameters(), { lr: c.lr, momentum: c.momentum });
      const target = tensor(c.target, { dtype: 'int32' });
      const losses: number[] = [];
      for (let step = 0; step < fixture.steps; step++) {
        opt.zeroGrad();
        const out = model.forward(x);
        const loss =
          c.loss === 'nll' ? nn.functional.nllLoss(out, target) : nn.functional.crossEntropy(out, target);
        loss.backward();
        opt.step();
        losses.push(loss.item() as number);
      }
      expect(maxAbsDiff(losses, c.losses)).toBeLessThan(1e-5);
      expect(new Set(losses).size).toBeGreaterThan(1);
      model.eval();
      expect(maxAbsDiff(model.forward(x).dataSync(), c.outputAfter.data)).toBeLessThan(1e-5);
    },
  );

  it('names parameters by PyTorch state-dict keys; BatchNorm statistics are buffers', () => {
    const model = io.importOnnx(bytesOf('cnn-opset17.onnx'));
    expect(model.namedParameters().map(([k]) => k)).toEqual([
      'conv1.weight',
      'conv1.bias',
      'bn.weight',
      'bn.bias',
      'conv2.weight',
      'conv2.bias',
      'fc.weight',
      'fc.bias',
    ]);
    expect(model.namedBuffers().map(([k]) => k)).toEqual(['bn.running_mean', 'bn.running_var']);
    expect(model.parameters().every((p) => p.requiresGrad)).toBe(true);
  });

  it('runs any batch size (the exported batch dim is dynamic)', () => {
    const model = io.importOnnx(bytesOf('cnn-opset13.onnx')).eval();
    expect(model.forward(tensor(new Array(7 * 100).fill(0.5)).reshape([7, 1, 10, 10])).shape).toEqual([7, 3]);
  });
});

/** A small model built with neurite's own encoder, for the error cases. */
function model(
  nodes: OnnxNode[],
  overrides: Partial<OnnxModel['graph']> = {},
  opsetVersion = 17,
): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsetVersion,
    producerName: 'test',
    graph: {
      name: 'g',
      nodes,
      initializers: [{ name: 'w', dataType: 1, dims: [2, 2], values: Float32Array.from([1, 2, 3, 4]) }],
      inputs: [{ name: 'x', elemType: 1, shape: ['batch', 2] }],
      outputs: [{ name: 'y', elemType: 1, shape: ['batch', 2] }],
      ...overrides,
    },
  });
}
const node = (opType: string, inputs: string[], outputs: string[]): OnnxNode => ({
  opType,
  domain: '',
  name: '',
  inputs,
  outputs,
  attributes: [],
});

describe('importOnnx: clear errors', () => {
  it('lists every unsupported operator', () => {
    const bytes = model([
      node('LSTM', ['x'], ['a']),
      node('Einsum', ['a'], ['b']),
      node('LSTM', ['b'], ['y']),
    ]);
    expect(() => io.importOnnx(bytes)).toThrow(/importOnnx: unsupported operators: LSTM \(×2\), Einsum/);
  });

  it('names a missing initializer, a cycle, a twice-written value and an unsupported opset', () => {
    expect(() => io.importOnnx(model([node('MatMul', ['x', 'v'], ['y'])]))).toThrow(
      /reads 'v', which no node, initializer or input provides/,
    );
    expect(() =>
      io.importOnnx(
        model([node('Relu', ['b'], ['a']), node('Relu', ['a'], ['b']), node('Add', ['x', 'b'], ['y'])]),
      ),
    ).toThrow(/cycle/);
    expect(() => io.importOnnx(model([node('Relu', ['x'], ['y']), node('Relu', ['x'], ['y'])]))).toThrow(
      /produced twice/,
    );
    expect(() => io.importOnnx(model([node('Relu', ['x'], ['y'])], {}, 9))).toThrow(
      /opset 9 is not supported/,
    );
  });

  it('refuses a hostile size before allocating it (pads of 2³⁰, a broadcast of 2¹⁵ × 2¹⁵ rows)', () => {
    const pads = { name: '', dataType: 7, dims: [4], values: [0, 2 ** 30, 0, 0] };
    const padNodes = [
      { ...node('Constant', [], ['p']), attributes: [{ name: 'value', type: 4, value: pads }] },
      node('Pad', ['x', 'p'], ['y']),
    ];
    expect(() => io.importOnnx(model(padNodes)).forward(tensor([[1, 2]]))).toThrow(
      /Pad\): the output would have shape \[1, 1073741826\]/,
    );
    const column = { name: 'c', dataType: 1, dims: [2 ** 15, 1], values: new Float32Array(2 ** 15) };
    const row = { name: 'r', dataType: 1, dims: [1, 2 ** 15], values: new Float32Array(2 ** 15) };
    const bytes = model([node('Add', ['c', 'r'], ['s']), node('Add', ['x', 's'], ['y'])], {
      initializers: [column, row],
    });
    expect(() => io.importOnnx(bytes).forward(tensor([[1]]))).toThrow(/above the limit of 268435456/);
  });

  it('refuses bytes that are not a model', () => {
    expect(() => io.importOnnx(new TextEncoder().encode('{"not": "onnx"}'))).toThrow(FormatError);
    expect(() => io.importOnnx(new Uint8Array(0))).toThrow(/no graph/);
  });
});
