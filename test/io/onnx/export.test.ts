// @file io.exportOnnx: every CLI model, every supported layer and user modules with functional ops run in ONNX Runtime like in neurite.
import { describe, expect, it } from 'vitest';
import { buildModel, type Activation, ACTIVATIONS } from '../../../src/cli/models.js';
import {
  cat,
  io,
  manualSeed,
  nn,
  noGrad,
  logSoftmax,
  permute,
  pow,
  rand,
  randint,
  randn,
  softmax,
  type Tensor,
} from '../../../src/index.js';
import { maxAbsDiff, onnxCheck, pythonHasOnnx, runInOrt } from './ort.js';

type Model = nn.Module<[Tensor], Tensor>;

/** Gives every BatchNorm running statistics that are not the defaults (mean 0, var 1 would hide mistakes). */
function randomizeStatistics(model: Model): void {
  noGrad(() => {
    for (const m of model.modules()) {
      if (m instanceof nn.BatchNorm1d || m instanceof nn.BatchNorm2d) {
        m.running_mean!.copy_(randn([m.numFeatures]));
        m.running_var!.copy_(rand([m.numFeatures]).add(0.5));
        m.weight!.copy_(randn([m.numFeatures]));
        m.bias!.copy_(randn([m.numFeatures]));
      }
    }
  });
}

const exported: Record<string, Uint8Array> = {};

/** Exports on a batch of 4, then runs batches of 4 and 3 (the batch dim is dynamic) in ONNX Runtime. */
async function expectOrtMatches(
  name: string,
  model: Model,
  inputShape: number[],
  makeInput = (n: number) => randn([n, ...inputShape]),
): Promise<void> {
  const bytes = io.exportOnnx(model, makeInput(4));
  exported[name] = bytes;
  model.eval();
  for (const batch of [4, 3]) {
    const x = makeInput(batch);
    const expected = noGrad(() => model.forward(x));
    const got = await runInOrt(bytes, x);
    expect(got.dims, name).toEqual([...expected.shape]);
    expect(maxAbsDiff(got.data, expected.dataSync()), name).toBeLessThan(1e-5);
  }
}

describe('exportOnnx: the CLI models run in ONNX Runtime with neurite outputs (1e-5)', () => {
  it('perceptron, mlp with every activation, dropout and batch norm, the default cnn, an avgpool cnn', async () => {
    manualSeed(0);
    await expectOrtMatches(
      'perceptron',
      buildModel({ spec: 'perceptron', activation: 'relu', dropout: 0, inputShape: [2], outputs: 1 }),
      [2],
    );
    for (const activation of ACTIVATIONS) {
      const model = buildModel({
        spec: 'mlp:16,8',
        activation: activation as Activation,
        dropout: 0.2,
        inputShape: [5],
        outputs: 3,
      });
      await expectOrtMatches(`mlp-${activation}`, model, [5]);
    }
    const bn = buildModel({
      spec: 'dense:16,bn,dense:8',
      activation: 'relu',
      dropout: 0,
      inputShape: [6],
      outputs: 2,
    });
    randomizeStatistics(bn);
    await expectOrtMatches('mlp-bn', bn, [6]);
    const cnn = buildModel({
      spec: 'cnn',
      activation: 'relu',
      dropout: 0.3,
      inputShape: [1, 28, 28],
      outputs: 10,
    });
    randomizeStatistics(cnn);
    await expectOrtMatches('cnn', cnn, [1, 28, 28]);
    const avg = buildModel({
      spec: 'conv:4x3,avgpool:2,conv:3x5,pool:2,dense:8',
      activation: 'gelu',
      dropout: 0,
      inputShape: [2, 12, 12],
      outputs: 4,
    });
    await expectOrtMatches('cnn-avgpool', avg, [2, 12, 12]);
  }, 60_000);
});

describe('exportOnnx: every supported layer', () => {
  it('activations, softmax family, LayerNorm, Conv1d, pools and reshaping layers', async () => {
    manualSeed(1);
    const activations = new nn.Sequential(
      new nn.Linear(6, 8),
      new nn.LogSigmoid(),
      new nn.Linear(8, 8),
      new nn.Mish(),
      new nn.Softplus(2, 1),
      new nn.Hardtanh(-0.5, 0.7),
      new nn.ReLU6(),
      new nn.Softsign(),
      new nn.GELU('tanh'),
      new nn.LeakyReLU(0.2),
      new nn.ELU(0.5),
      new nn.LayerNorm([8]),
      new nn.Softmin(1),
      new nn.Linear(8, 4),
      new nn.Softmax(-1),
      new nn.Identity(),
      new nn.LogSoftmax(1),
    );
    await expectOrtMatches('activations', activations, [6]);
    const conv1d = new nn.Sequential(
      new nn.Conv1d(3, 4, 3, { stride: 2, padding: 1, dilation: 1 }),
      new nn.Tanh(),
      new nn.Conv1d(4, 4, 2, { groups: 2, padding: 'same' }),
      new nn.Flatten(),
      new nn.Linear(4 * 5, 2),
    );
    await expectOrtMatches('conv1d', conv1d, [3, 10]);
    const conv2d = new nn.Sequential(
      new nn.Conv2d(2, 4, [3, 2], { stride: [2, 1], padding: [1, 0], dilation: [1, 2] }),
      new nn.SiLU(),
      new nn.MaxPool2d(2, { stride: 1, padding: 1 }),
      new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
      new nn.Dropout2d(0.5),
      new nn.AdaptiveAvgPool2d(1),
      new nn.Flatten(2),
      new nn.Unflatten(2, [1, 1]),
      new nn.Flatten(),
      new nn.Sigmoid(),
    );
    await expectOrtMatches('conv2d', conv2d, [2, 11, 9]);
  }, 60_000);

  it('Embedding on int32 indices', async () => {
    manualSeed(2);
    const model = new nn.Sequential(new nn.Embedding(10, 4), new nn.Flatten(), new nn.Linear(12, 2));
    await expectOrtMatches('embedding', model, [3], (n) => randint(0, 10, [n, 3]));
  });
});

class UserModel extends nn.Module {
  embed = new nn.Linear(4, 6);
  gate = new nn.Linear(4, 6);
  head = new nn.Linear(12, 3);
  forward(x: Tensor): Tensor {
    const a = this.embed.forward(x).relu().mul(2).add(1);
    const b = this.gate.forward(x).sigmoid().sub(x.sum(1, true).tanh().div(3));
    const joined = cat([a, b.neg().exp().sqrt()], 1).reshape([-1, 2, 6]);
    const swapped = permute(joined, [0, 2, 1]).reshape([-1, 12]).leakyRelu(0.1).elu(0.7).gelu();
    return softmax(this.head.forward(swapped.pow(2).silu()), 1).log();
  }
}

describe('exportOnnx: user-written modules with functional ops', () => {
  it('traces arithmetic, activations, cat/permute/reshape and softmax between layers', async () => {
    manualSeed(3);
    class Functional extends nn.Module {
      fc = new nn.Linear(4, 6);
      head = new nn.Linear(12, 3);
      forward(x: Tensor): Tensor {
        const a = this.fc.forward(x).relu().mul(2).add(1);
        const b = this.fc.forward(x.neg()).sigmoid().div(3).sub(0.25);
        const joined = cat([a, b.neg().exp().sqrt()], 1).reshape([-1, 2, 6]);
        const swapped = permute(joined, [0, 2, 1]).reshape([-1, 12]).leakyRelu(0.1).elu(0.7).gelu();
        return softmax(this.head.forward(swapped.pow(2).silu()), 1).log();
      }
    }
    await expectOrtMatches('functional', new Functional(), [4]);
  });

  it('exports the arguments the ops recorded: any pow exponent, a scalar base, tanh-GELU, softplus β, dims that values cannot tell apart', async () => {
    manualSeed(8);
    class Arguments extends nn.Module {
      fc = new nn.Linear(3, 4);
      forward(x: Tensor): Tensor {
        const h = this.fc.forward(x);
        const powered = h.abs().add(0.5).pow(1.7).add(pow(1.3, h.tanh()));
        const smooth = h.gelu('tanh').add(h.softplus(2, 5)).add(h.leakyRelu(0.37));
        // A [N, 4, 1] tensor whose last dim has size 1: softmax over dim 2 is all ones, and so is a cat/permute
        // guess built from values alone; the recorded dims are what the export must use.
        const column = powered.add(smooth).reshape([-1, 4, 1]);
        const joined = cat([column, column.mul(2)], 2);
        return cat(
          [logSoftmax(permute(joined, [0, 2, 1]), 1).reshape([-1, 8]), softmax(column, 2).reshape([-1, 4])],
          1,
        );
      }
    }
    await expectOrtMatches('recorded-arguments', new Arguments(), [3]);
  });

  it('traces a subclass of a known layer that overrides forward op by op (its extra ops are kept)', async () => {
    manualSeed(6);
    class ScaledLinear extends nn.Linear {
      override forward(x: Tensor): Tensor {
        return super.forward(x).mul(2).tanh();
      }
    }
    await expectOrtMatches('scaled-linear', new nn.Sequential(new ScaledLinear(3, 4), new nn.ReLU()), [3]);
  });

  it('names an op that has no ONNX conversion', () => {
    manualSeed(4);
    expect(() => io.exportOnnx(new UserModel(), randn([2, 4]))).toThrow(
      /exportOnnx: op 'sum' has no ONNX conversion/,
    );
  });

  it('refuses a value computed from the input without a recorded op', () => {
    class Frozen extends nn.Module {
      fc = new nn.Linear(3, 3);
      forward(x: Tensor): Tensor {
        return this.fc.forward(noGrad(() => x.mul(2)));
      }
    }
    expect(() => io.exportOnnx(new Frozen(), randn([4, 3]))).toThrow(/without a recorded op/);
  });

  it('leaves the model as it was: training mode, frozen parameters, forward', () => {
    const model = new nn.Sequential(new nn.Linear(3, 2), new nn.Dropout(0.5));
    model.parameters()[1]!.requiresGrad_(false);
    io.exportOnnx(model, randn([2, 3]));
    expect(model.training).toBe(true);
    expect(model.parameters().map((p) => p.requiresGrad)).toEqual([true, false]);
    for (const m of model.modules()) expect(Object.hasOwn(m, 'forward')).toBe(false);
  });
});

describe('exportOnnx output is valid ONNX', () => {
  it('round-trips through importOnnx with the same outputs', () => {
    manualSeed(5);
    const cnn = buildModel({
      spec: 'conv:4x3,bn,pool:2,dense:8',
      activation: 'gelu',
      dropout: 0.1,
      inputShape: [1, 8, 8],
      outputs: 3,
    });
    randomizeStatistics(cnn);
    cnn.eval();
    const imported = io.importOnnx(io.exportOnnx(cnn, randn([2, 1, 8, 8]))).eval();
    const x = randn([5, 1, 8, 8]);
    expect(maxAbsDiff(imported.forward(x).dataSync(), cnn.forward(x).dataSync())).toBeLessThan(1e-6);
    expect(Object.keys(imported.stateDict()).sort()).toEqual(
      Object.keys(cnn.stateDict())
        .filter((k) => !k.endsWith('num_batches_tracked'))
        .sort(),
    );
  });

  it('onnx.checker accepts every exported model (when /usr/bin/python3 has onnx)', () => {
    expect(Object.keys(exported).length).toBeGreaterThan(10);
    if (!pythonHasOnnx()) return;
    expect(onnxCheck(exported)).toBe('');
  });
});
