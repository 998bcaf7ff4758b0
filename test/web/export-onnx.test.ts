// @file The playground's "Export .onnx": the trained network runs in ONNX Runtime with the playground's outputs.
import { describe, expect, it } from 'vitest';
import { noGrad } from '../../src/index.js';
import { importOnnx } from '../../src/io/onnx/import.js';
import { defaultSettings, type Settings } from '../../web/src/settings.js';
import { Trainer } from '../../web/src/trainer.js';
import { maxAbsDiff, runInOrt } from '../io/onnx/ort.js';

const settings = (patch: Partial<Settings>): Settings => ({ ...defaultSettings(), ...patch });

describe('playground Export .onnx', () => {
  it.each([
    ['circle, two hidden layers with dropout', settings({ dataset: 'circle', dropout: 0.2 })],
    [
      'gauss, 4 classes, gelu',
      settings({ dataset: 'gauss', classes: 4, hidden: [{ units: 5, activation: 'gelu' }] }),
    ],
  ])('%s', async (_name, s) => {
    const trainer = new Trainer(s);
    for (let i = 0; i < 3; i++) await trainer.trainEpoch();
    const bytes = await trainer.exportOnnx();
    const { x } = trainer.sliceSource();
    trainer.model.eval();
    const expected = noGrad(() => trainer.model.forward(x)).dataSync();
    trainer.model.train();
    expect(maxAbsDiff((await runInOrt(bytes, x)).data, expected)).toBeLessThan(1e-5);
    expect(maxAbsDiff(importOnnx(bytes).forward(x).dataSync(), expected)).toBeLessThan(1e-6);
  });
});
