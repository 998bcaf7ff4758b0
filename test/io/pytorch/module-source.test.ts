// @file model.py of the PyTorch hand-off: PyTorch 1.13 builds each exported network with neurite's state-dict keys and gives neurite's forward within 1e-5; its safetensors writer reads back in neurite.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { noGrad } from '../../../src/autograd/grad-mode.js';
import { ACTIVATIONS, buildModel } from '../../../src/cli/models.js';
import { ValueError } from '../../../src/errors.js';
import { pythonLiteral, pytorchModuleSource } from '../../../src/io/pytorch/module-source.js';
import { exportPytorch, load, save } from '../../../src/node/io.js';
import * as nn from '../../../src/nn/index.js';
import { manualSeed } from '../../../src/random/generator.js';
import { randn } from '../../../src/tensor/create.js';
import type { Tensor } from '../../../src/tensor/tensor.js';

const PYTHON = '/usr/bin/python3';
const HERE = dirname(fileURLToPath(import.meta.url));
const haveTorch =
  spawnSync(PYTHON, ['-c', 'import torch'], { cwd: tmpdir(), stdio: 'ignore', timeout: 60_000 }).status === 0;
if (!haveTorch) console.log(`skipping the PyTorch checks of model.py: ${PYTHON} has no torch`);

const root = mkdtempSync(join(tmpdir(), 'neurite-pytorch-model-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('pythonLiteral', () => {
  it('writes numbers, booleans, None, strings and tuples as Python reads them', () => {
    expect(pythonLiteral(1e-5)).toBe('0.00001');
    expect(pythonLiteral(0.1)).toBe('0.1');
    expect(pythonLiteral(-3)).toBe('-3');
    expect(pythonLiteral(true)).toBe('True');
    expect(pythonLiteral(null)).toBe('None');
    expect(pythonLiteral('same')).toBe('"same"');
    expect(pythonLiteral([3])).toBe('(3,)');
    expect(pythonLiteral([3, 3])).toBe('(3, 3)');
    expect(pythonLiteral([2, null])).toBe('(2, None)');
    expect(pythonLiteral(Infinity)).toBe("float('inf')");
  });
});

class Doubler extends nn.Module {
  forward(x: Tensor): Tensor {
    return x.mul(2);
  }
}

describe('pytorchModuleSource', () => {
  it('refuses a layer without a torch.nn counterpart, naming it', () => {
    const model = new nn.Sequential(new nn.Linear(2, 2), new Doubler());
    expect(() => pytorchModuleSource(model)).toThrow(ValueError);
    expect(() => pytorchModuleSource(model)).toThrow(/layer '1' is a Doubler/);
  });

  it('numbers the layers of a plain Sequential and names those of a named one', () => {
    const plain = pytorchModuleSource(new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU()));
    expect(plain).toContain('nn.Linear(4, 3, bias=True),  # 0');
    expect(plain).toContain('nn.ReLU(),  # 1');
    const named = pytorchModuleSource(new nn.Sequential(new Map([['encoder', new nn.Linear(4, 3)]])));
    expect(named).toContain('("encoder", nn.Linear(4, 3, bias=True)),');
  });
});

/** Random batches through the model in training mode, so batch norm's running statistics are not 0 and 1. */
function warmUp(model: nn.Module<[Tensor], Tensor>, inputShape: number[]): void {
  model.train();
  noGrad(() => {
    for (let i = 0; i < 3; i++)
      model.forward(
        randn([16, ...inputShape])
          .mul(1.5)
          .add(0.3),
      );
  });
  model.eval();
}

function cases(): [string, nn.Module<[Tensor], Tensor>, number[]][] {
  manualSeed(7);
  const list: [string, nn.Module<[Tensor], Tensor>, number[]][] = [
    [
      'cnn',
      buildModel({ spec: 'cnn', activation: 'gelu', dropout: 0.1, inputShape: [1, 12, 12], outputs: 10 }),
      [1, 12, 12],
    ],
    [
      'layers',
      buildModel({
        spec: 'conv:3x3,avgpool:2,dense:8,bn',
        activation: 'elu',
        dropout: 0,
        inputShape: [2, 8, 8],
        outputs: 3,
      }),
      [2, 8, 8],
    ],
    [
      'perceptron',
      buildModel({ spec: 'perceptron', activation: 'relu', dropout: 0, inputShape: [5], outputs: 1 }),
      [5],
    ],
    ...ACTIVATIONS.map((activation): [string, nn.Module<[Tensor], Tensor>, number[]] => [
      `mlp-${activation}`,
      buildModel({ spec: 'mlp:8,6', activation, dropout: 0.2, inputShape: [4], outputs: 3 }),
      [4],
    ]),
    [
      'nested',
      new nn.Sequential(
        new Map<string, nn.Module<[Tensor], Tensor>>([
          ['unflatten', new nn.Unflatten(1, [2, 6])],
          ['conv', new nn.Conv1d(2, 4, 3, { stride: 2, padding: 1, dilation: 1 })],
          [
            'block',
            new nn.Sequential(
              new nn.LayerNorm([4, 3]),
              new nn.Softplus(2, 10),
              new nn.Flatten(),
              new nn.Linear(12, 6, { bias: false }),
              new nn.Hardtanh(-0.5, 0.5),
              new nn.ReLU6(),
              new nn.Mish(),
            ),
          ],
          ['head', new nn.Linear(6, 3)],
          ['out', new nn.LogSoftmax(1)],
        ]),
      ),
      [12],
    ],
  ];
  for (const [, model, shape] of list) warmUp(model, shape);
  return list;
}

describe.runIf(haveTorch)('model.py in PyTorch 1.13', () => {
  it('builds every network with the same state-dict keys and forward within 1e-5; its writer reads back exactly', async () => {
    const spec: Record<string, { dir: string; io: string }> = {};
    const models = cases();
    for (const [name, model, shape] of models) {
      const dir = join(root, name);
      expect(exportPytorch(model, dir)).toEqual(['model.py', 'model.safetensors']);
      const x = randn([5, ...shape]);
      const y = noGrad(() => model.forward(x));
      const io = join(dir, 'io.safetensors');
      save({ x, y }, io);
      spec[name] = { dir, io };
    }
    const specPath = join(root, 'cases.json');
    writeFileSync(specPath, JSON.stringify(spec));
    // Asynchronously: a long synchronous wait starves vitest's worker messages.
    const python = await promisify(execFile)(PYTHON, [join(HERE, 'forward.py'), specPath], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(python.stderr).toBe('');
    const report = JSON.parse(python.stdout) as Record<
      string,
      { maxAbs: number; keys: string[]; shape: number[] }
    >;
    for (const [name, model] of models) {
      const got = report[name]!;
      expect(got.keys, name).toEqual(Object.keys(model.stateDict()));
      expect(got.maxAbs, name).toBeLessThan(1e-5);
      // Written by the generated save_safetensors (no safetensors package on Debian): the same tensors, bit for bit.
      const back = load(join(root, name, 'roundtrip.safetensors'));
      expect(back.metadata).toEqual({ by: 'python' });
      for (const [key, value] of Object.entries(model.stateDict())) {
        expect(back.tensors[key]!.dtype, `${name} ${key}`).toBe(value.dtype);
        expect(Array.from(back.tensors[key]!.storage), `${name} ${key}`).toEqual(Array.from(value.storage));
      }
    }
  }, 180_000);
});
