// @file The Fashion-MNIST page's network is the CLI's `--model cnn`: the same layers in the same order with the
// same parameter names and shapes (src/cli/models.ts builds the reference), and its trainer learns in Node on a
// synthetic two-class image set (bright top half vs bright bottom half) within a few steps.
import { describe, expect, it } from 'vitest';
import { buildModel, CNN_SPEC } from '../../src/cli/models.js';
import { setBackend } from '../../src/index.js';
import type { FashionData, ImageSplit } from '../../web/src/fashion/idx-files.js';
import { fashionCnn } from '../../web/src/fashion/model.js';
import { FashionTrainer } from '../../web/src/fashion/trainer.js';

/** `count` images: even ones bright in the top half (label 0), odd ones in the bottom half (label 1), plus noise. */
function halves(count: number, seed: number): ImageSplit {
  const pixels = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  let s = seed;
  for (let i = 0; i < count; i++) {
    labels[i] = i % 2;
    for (let p = 0; p < 784; p++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const top = p < 392;
      pixels[i * 784 + p] = (top === (i % 2 === 0) ? 160 : 40) + (s % 60);
    }
  }
  return { count, pixels, labels };
}

describe('Fashion-MNIST page model', () => {
  it('has the CLI cnn’s layers and parameter shapes', () => {
    const reference = buildModel({
      spec: CNN_SPEC,
      activation: 'relu',
      dropout: 0,
      inputShape: [1, 28, 28],
      outputs: 10,
    });
    const page = fashionCnn();
    const shapes = (m: typeof page): [string, number[]][] =>
      Object.entries(m.stateDict()).map(([name, t]) => [name, [...t.shape]]);
    expect(shapes(page)).toEqual(shapes(reference));
    const layers = (m: typeof page): string[] => [...m.children()].map((c) => c.constructor.name);
    expect(layers(page)).toEqual(layers(reference));
    expect(page.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(207_018);
  });

  it('trains: on a two-class image set the test loss falls and accuracy passes 90% in 40 steps', async () => {
    setBackend('wasm');
    const data: FashionData = { train: halves(640, 1), test: halves(200, 2) };
    const trainer = new FashionTrainer(data, { train: 640, test: 200, live: 200, seed: 3 });
    const before = await trainer.evaluate(200, true);
    let steps = 0;
    while (trainer.step < 40) {
      const point = await trainer.trainFor(1);
      expect(Number.isFinite(point.loss)).toBe(true);
      steps++;
    }
    const after = await trainer.evaluate(200, true);
    expect(steps).toBeLessThanOrEqual(40);
    expect(trainer.epoch).toBe(4); // 10 batches of 64 an epoch
    expect(after.accuracy).toBeGreaterThan(0.9);
    expect(after.loss).toBeLessThan(before.loss);
    expect(after.predictions.length).toBe(24);
  });
});
