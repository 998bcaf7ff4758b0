// The playground trainer's TensorFlow-Playground options: the L1 / L2 weight penalty (against its analytic value
// and gradient), hyper-parameter changes applied to the running optimizer, Reset's new initial weights on the
// same data, and the regression problem type.
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor/tensor.js';
import { weightPenalty } from '../../web/src/objective.js';
import { multiGaussTarget, planeTarget } from '../../web/src/regression-data.js';
import { defaultSettings, type Settings } from '../../web/src/settings.js';
import { Trainer, weightSeed } from '../../web/src/trainer.js';
import { perceptronEquation } from '../../web/src/views/equation.js';

function settings(patch: Partial<Settings>): Settings {
  return { ...defaultSettings(), ...patch };
}

async function flatWeights(trainer: Trainer): Promise<number[]> {
  return (await trainer.weights()).flatMap((l) => [...l.weight, ...l.bias]);
}

describe('weight penalty', () => {
  const values = [0.5, -2, 0, 3, -0.25, 1];
  const make = (): [Tensor, Tensor] => [
    new Tensor(Float32Array.from(values.slice(0, 4)), [2, 2]).requiresGrad_(),
    new Tensor(Float32Array.from(values.slice(4)), [1, 2]).requiresGrad_(),
  ];

  it('L1 is rate·Σ|w| with gradient rate·sign(w)', () => {
    const [a, b] = make();
    const penalty = weightPenalty([a, b], 'l1', 0.3)!;
    expect(penalty.item()).toBeCloseTo(0.3 * values.reduce((s, v) => s + Math.abs(v), 0), 5);
    penalty.backward();
    expect([...a.grad!.storage, ...b.grad!.storage]).toEqual(
      values.map((v) => expect.closeTo(0.3 * Math.sign(v), 6)),
    );
  });

  it('L2 is rate·½Σw² with gradient rate·w', () => {
    const [a, b] = make();
    const penalty = weightPenalty([a, b], 'l2', 0.1)!;
    expect(penalty.item()).toBeCloseTo(0.1 * 0.5 * values.reduce((s, v) => s + v * v, 0), 5);
    penalty.backward();
    expect([...a.grad!.storage, ...b.grad!.storage]).toEqual(values.map((v) => expect.closeTo(0.1 * v, 6)));
  });

  it('is absent for no regularization or a zero rate', () => {
    const [a] = make();
    expect(weightPenalty([a], 'none', 1)).toBeNull();
    expect(weightPenalty([a], 'l2', 0)).toBeNull();
  });

  it('shrinks the trained weights: L1 drives many to zero, L2 lowers the norm', async () => {
    const base = settings({ dataset: 'circle', seed: 3 });
    const run = async (patch: Partial<Settings>): Promise<number[]> => {
      const t = new Trainer({ ...base, ...patch });
      for (let i = 0; i < 12; i++) await t.trainEpoch();
      return (await t.weights()).flatMap((l) => [...l.weight]);
    };
    const plain = await run({});
    const l1 = await run({ regularization: 'l1', regRate: 0.01 });
    const l2 = await run({ regularization: 'l2', regRate: 0.03 });
    const norm = (w: number[]): number => Math.hypot(...w);
    const nearZero = (w: number[]): number => w.filter((v) => Math.abs(v) < 0.02).length;
    expect(norm(l2)).toBeLessThan(0.8 * norm(plain));
    expect(nearZero(l1)).toBeGreaterThan(nearZero(plain) + 10);
  });
});

describe('hyper-parameter changes on the running optimizer', () => {
  it('a learning rate of 0 freezes the weights from the next step on, without restarting', async () => {
    const t = new Trainer(settings({ optimizer: 'sgd', lr: 0.1, momentum: 0 }));
    for (let i = 0; i < 3; i++) await t.trainEpoch();
    const before = await flatWeights(t);
    t.setHyper({ ...t.hyperSettings, lr: 0 });
    await t.trainEpoch();
    expect(t.epoch).toBe(4);
    expect(await flatWeights(t)).toEqual(before);
    expect(t.changes).toEqual([{ epoch: 3, label: 'lr 0' }]);
    expect((await t.snapshot(1, false, [], 4)).changes).toEqual([{ epoch: 3, label: 'lr 0' }]);
  });

  it('changes the run from the epoch it is applied, and records nothing when nothing changed', async () => {
    const a = new Trainer(settings({ seed: 4 }));
    const b = new Trainer(settings({ seed: 4 }));
    for (let i = 0; i < 2; i++) for (const t of [a, b]) await t.trainEpoch();
    expect(await flatWeights(a)).toEqual(await flatWeights(b));
    b.setHyper({ ...b.hyperSettings });
    expect(b.changes).toEqual([]);
    b.setHyper({ ...b.hyperSettings, batchSize: 50, regularization: 'l2', regRate: 0.01 });
    expect(b.changes[0]!.label).toBe('batch 50, L2 0.01');
    await a.trainEpoch();
    await b.trainEpoch();
    expect(await flatWeights(b)).not.toEqual(await flatWeights(a));
    expect(b.settings.batchSize).toBe(50);
  });
});

describe('Reset: new initial weights, same data', () => {
  it('initSeed 0 keeps the data seed (old links), another initSeed draws other weights on the same data', async () => {
    expect(weightSeed({ seed: 7, initSeed: 0 })).toBe(7);
    const first = new Trainer(settings({ seed: 7 }));
    const reset = new Trainer(settings({ seed: 7, initSeed: 12345 }));
    expect(reset.data.train).toEqual(first.data.train);
    expect(reset.data.validation).toEqual(first.data.validation);
    expect(await flatWeights(reset)).not.toEqual(await flatWeights(first));
    expect(await flatWeights(new Trainer(settings({ seed: 7, initSeed: 12345 })))).toEqual(
      await flatWeights(reset),
    );
  });
});

describe('regression problem type', () => {
  it('generates the targets of its functions, within noise', () => {
    const plane = new Trainer(settings({ dataset: 'plane', loss: 'mse', noise: 10 }));
    for (const p of plane.data.train)
      expect(Math.abs(p.label - planeTarget(p.x, p.y))).toBeLessThanOrEqual(0.1);
    expect(multiGaussTarget(-4, 2.5)).toBeGreaterThan(0.95);
    expect(multiGaussTarget(0, 2.5)).toBeLessThan(-0.95);
    expect(Math.abs(multiGaussTarget(0, 0))).toBeLessThan(0.1);
  });

  it('trains one linear output with MSE or Huber, reports MAE and a value grid, no confusion matrix', async () => {
    for (const loss of ['mse', 'huber'] as const) {
      const t = new Trainer(settings({ dataset: 'multigauss', loss, seed: 2 }));
      const first = await t.trainEpoch();
      let log = first;
      for (let i = 0; i < 40; i++) log = await t.trainEpoch();
      expect(t.classes).toBe(1);
      expect(log.accuracy).toBeNaN();
      expect(log.valAccuracy).toBeNull();
      expect(log.valMae!).toBeLessThan(first.valMae!);
      const s = await t.snapshot(1, false, [], 8);
      expect(s.task).toBe('regression');
      expect(s.output.length).toBe(64);
      expect(s.confusion).toEqual([]);
      // The grid holds the predicted value: at the top-left bump (−4, 2.5) positive, at (0, 2.5) negative.
      const cell = (x: number, y: number): number =>
        s.output[Math.floor(((6 - y) / 12) * 8) * 8 + Math.floor(((x + 6) / 12) * 8)]!;
      expect(cell(-4, 2.5)).toBeGreaterThan(0.2);
      expect(cell(0, 2.5)).toBeLessThan(-0.2);
    }
  });

  it('a perceptron learns the plane t = (x₁ + x₂)/10 and shows it as ŷ = w₀ + w₁·x₁ + w₂·x₂', async () => {
    const t = new Trainer(
      settings({ dataset: 'plane', loss: 'mse', hidden: [], features: ['x1', 'x2'], seed: 3 }),
    );
    for (let i = 0; i < 30; i++) await t.trainEpoch();
    const [layer] = await t.weights();
    expect([...layer!.weight]).toEqual([expect.closeTo(0.1, 2), expect.closeTo(0.1, 2)]);
    expect(layer!.bias[0]).toBeCloseTo(0, 2);
    const { lines } = perceptronEquation(layer!, ['x1', 'x2'], t.data);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ŷ = \S+ \+ 0\.(09|1)\d*·x₁ \+ 0\.(09|1)\d*·x₂$/);
  });

  it('MSE and Huber agree with their definitions on the validation split', async () => {
    const t = new Trainer(settings({ dataset: 'plane', loss: 'huber', seed: 1 }));
    const log = await t.metrics();
    // Huber with δ = 1 is at most ½·MSE and at least MAE − ½ (per point: ½d² for |d|<1, |d| − ½ else).
    expect(log.valLoss!).toBeGreaterThan(0);
    expect(log.valLoss!).toBeGreaterThanOrEqual(log.valMae! - 0.5 - 1e-6);
  });
});
