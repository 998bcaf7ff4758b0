// @file Float64 on webgpu in headless Chromium: float32 training never warns; the first float64 tensor warns once
// and its values come back rounded to f32 (WebGPU has no f64).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, openSuitePage, type SuitePage } from './serve.js';

const warnings = (suite: SuitePage): string[] => suite.logs.filter((line) => line.includes('float64'));

describe.skipIf(!hasChromium)('float64 on webgpu', () => {
  let suite: SuitePage;
  beforeAll(async () => {
    suite = await openSuitePage();
  });
  afterAll(async () => {
    await suite?.close();
  });

  it('float32 training (scalars, batch norm, Adam, cross-entropy) never makes a float64 GPU tensor', async () => {
    const loss = await suite.page.evaluate(async () => {
      const { nn, optim, randn, tensor, manualSeed } = window.webgpuSuite.neurite;
      manualSeed(3);
      const model = new nn.Sequential(
        new nn.Linear(5, 8),
        new nn.BatchNorm1d(8),
        new nn.ReLU(),
        new nn.Linear(8, 3),
      );
      const opt = new optim.Adam(model.parameters(), { lr: 0.01, weightDecay: 1e-4 });
      const x = randn([16, 5]);
      const y = tensor(
        Array.from({ length: 16 }, (_, i) => i % 3),
        { dtype: 'int32' },
      );
      let last = tensor(0);
      for (let step = 0; step < 3; step++) {
        opt.zeroGrad();
        last = nn.functional.crossEntropy(model.forward(x).mul(0.5).add(1.5), y);
        last.backward();
        opt.step();
      }
      model.eval();
      await model.forward(x).data();
      return (await last.data())[0]!;
    });
    expect(Number.isFinite(loss)).toBe(true);
    expect(warnings(suite)).toEqual([]);
  });

  it('the first float64 tensor warns once; its values are f32-rounded', async () => {
    const values = await suite.page.evaluate(async () => {
      const { tensor } = window.webgpuSuite.neurite;
      const a = tensor([1 + 2 ** -30, 0.1], { dtype: 'float64' });
      const first = await a.add(a).data();
      const second = await a.mul(a).data();
      return [Array.from(first), Array.from(second)];
    });
    expect(values[0]).toEqual([Math.fround(1 + 2 ** -30) * 2, Math.fround(0.1) * 2]);
    expect(values[1]![1]).toBeCloseTo(0.01, 7);
    const lines = warnings(suite);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/neurite webgpu: a float64 tensor was made.*computed as float32/);
  });
});
