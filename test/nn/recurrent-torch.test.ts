// @file neurite's recurrent layers saved as safetensors load into torch.nn.LSTM/GRU/RNN (strict load_state_dict) and give the same outputs, checked by /usr/bin/python3.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { manualSeed, nn, noGrad, optim, randn, type Tensor } from '../../src/index.js';
import * as io from '../../src/node/io.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'recurrent_torch_load.py');
const haveTorch =
  spawnSync(PYTHON, ['-c', 'import torch'], { cwd: tmpdir(), stdio: 'ignore', timeout: 60_000 }).status === 0;

const dir = mkdtempSync(join(tmpdir(), 'neurite-recurrent-py-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Setup {
  layer: 'LSTM' | 'GRU' | 'RNN';
  make: () => nn.LSTM | nn.GRU | nn.RNN;
  torchOptions: Record<string, unknown>;
  input: number[];
  state: number[];
}

const setups: Setup[] = [
  {
    layer: 'LSTM',
    make: () => new nn.LSTM(3, 5, { numLayers: 2, bidirectional: true }),
    torchOptions: { num_layers: 2, bidirectional: true },
    input: [6, 2, 3],
    state: [4, 2, 5],
  },
  {
    layer: 'LSTM',
    make: () => new nn.LSTM(4, 3, { batchFirst: true, bias: false }),
    torchOptions: { batch_first: true, bias: false },
    input: [2, 5, 4],
    state: [1, 2, 3],
  },
  {
    layer: 'GRU',
    make: () => new nn.GRU(3, 4, { numLayers: 2 }),
    torchOptions: { num_layers: 2 },
    input: [5, 3, 3],
    state: [2, 3, 4],
  },
  {
    layer: 'RNN',
    make: () => new nn.RNN(3, 4, { nonlinearity: 'relu', bidirectional: true }),
    torchOptions: { nonlinearity: 'relu', bidirectional: true },
    input: [5, 2, 3],
    state: [2, 2, 4],
  },
];

/** One Adam step on a made-up loss, so the saved weights are trained values rather than the init. */
function trainOnce(layer: nn.LSTM | nn.GRU | nn.RNN, x: Tensor): void {
  const opt = new optim.Adam(layer.parameters(), { lr: 0.05 });
  // Two branches because the layers' forward signatures differ in their state argument.
  const out = layer instanceof nn.LSTM ? layer.forward(x)[0] : layer.forward(x)[0];
  out.square().mean().backward();
  opt.step();
}

describe('neurite recurrent layers saved as safetensors run in PyTorch', () => {
  setups.forEach((setup, n) => {
    it.skipIf(!haveTorch)(`${setup.layer} ${JSON.stringify(setup.torchOptions)}`, () => {
      manualSeed(10 + n);
      const layer = setup.make();
      const input = randn(setup.input);
      trainOnce(layer, input);
      const h0 = randn(setup.state);
      const c0 = randn(setup.state);
      const tensors = noGrad((): Record<string, Tensor> => {
        if (layer instanceof nn.LSTM) {
          const [output, [hN, cN]] = layer.forward(input, [h0, c0]);
          return { input, h0, c0, output, hN, cN };
        }
        const [output, hN] = layer.forward(input, h0);
        return { input, h0, output, hN };
      });
      const weights = join(dir, `weights-${n}.safetensors`);
      const ioPath = join(dir, `io-${n}.safetensors`);
      io.save(layer.stateDict(), weights);
      io.save(tensors, ioPath);
      const config = join(dir, `config-${n}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          layer: setup.layer,
          inputSize: setup.input[2],
          hiddenSize: setup.state[2],
          options: setup.torchOptions,
          weights,
          io: ioPath,
        }),
      );
      const result = spawnSync(PYTHON, [SCRIPT, config], { encoding: 'utf8', timeout: 120_000 });
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stdout.trim()).toBe('ok');
    });
  });
});
