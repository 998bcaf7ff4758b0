// Unit tests of the sequence page's training run (web/src/sequence/trainer.ts) in Node: what a snapshot holds,
// seeded reproducibility, and that a one-head model learns to reverse with the mirrored attention pattern.
import { describe, expect, it } from 'vitest';
import { noGrad } from '../../src/index.js';
import { DEFAULT_SETTINGS, type SequenceSettings } from '../../web/src/sequence/settings.js';
import { sourcePositions } from '../../web/src/sequence/tasks.js';
import { headWeights, strongestKeys } from '../../web/src/sequence/attention-view.js';
import {
  EVALUATION_COUNT,
  SHOWN_EXAMPLES,
  SequenceTrainer,
  scorePredictions,
} from '../../web/src/sequence/trainer.js';

function settings(patch: Partial<SequenceSettings>): SequenceSettings {
  return { ...DEFAULT_SETTINGS, ...patch };
}

/** Trains until held-out token accuracy reaches `target` (checked every 25 steps) or `maxSteps` pass. */
function trainUntil(trainer: SequenceTrainer, target: number, maxSteps: number): number {
  let accuracy = 0;
  while (trainer.step < maxSteps && accuracy < target) {
    for (let i = 0; i < 25; i++) trainer.trainStep();
    accuracy = trainer.evaluate().evaluation.tokenAccuracy;
  }
  return accuracy;
}

describe('sequence trainer', () => {
  it('scores tokens and whole sequences', () => {
    const targets = Int32Array.from([1, 2, 3, 4, 5, 6]);
    expect(scorePredictions(Int32Array.from([1, 2, 3, 4, 5, 6]), targets, 3)).toEqual({
      tokenAccuracy: 1,
      sequenceAccuracy: 1,
    });
    expect(scorePredictions(Int32Array.from([1, 2, 0, 4, 5, 6]), targets, 3)).toEqual({
      tokenAccuracy: 5 / 6,
      sequenceAccuracy: 0.5,
    });
    expect(scorePredictions(Int32Array.from([0, 0, 0, 0, 0, 0]), targets, 2).sequenceAccuracy).toBe(0);
  });

  it('snapshots hold the shown examples with attention rows that are distributions, per layer and head', () => {
    const trainer = new SequenceTrainer(settings({ length: 6, numHeads: 4, numLayers: 2, dModel: 16 }));
    const snapshot = trainer.snapshot(3, false, []);
    expect(snapshot.runId).toBe(3);
    expect(snapshot.step).toBe(0);
    expect(snapshot.evaluation.count).toBe(EVALUATION_COUNT);
    // Untrained: near chance (1 in 10 digits), far from learned.
    expect(snapshot.evaluation.tokenAccuracy).toBeLessThan(0.3);
    expect(snapshot.evaluation.loss).toBeGreaterThan(1.5);
    expect(snapshot.examples).toHaveLength(SHOWN_EXAMPLES);
    // Embeddings (10 + 6)·16, per layer in-projection 16·48 + 48, out-projection 16·16 + 16, LayerNorm 32; read-out 16·10 + 10.
    expect(snapshot.parameterCount).toBe(16 * 16 + 2 * (16 * 48 + 48 + 16 * 16 + 16 + 32) + 170);
    for (const example of snapshot.examples) {
      expect(example.input).toHaveLength(6);
      expect(example.target).toEqual([...example.input].reverse());
      expect(example.attention).toHaveLength(2 * 4 * 6 * 6);
      for (let row = 0; row < 2 * 4 * 6; row++) {
        const weights = Array.from(example.attention.subarray(row * 6, row * 6 + 6));
        for (const w of weights) expect(w).toBeGreaterThanOrEqual(0);
        expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      }
    }
  });

  it('refuses a step whose loss is not finite, leaving the model and the step count as they were', () => {
    const trainer = new SequenceTrainer(settings({ length: 4 }));
    trainer.trainStep();
    noGrad(() => trainer.model.readout.bias!.fill_(Number.NaN));
    const before = trainer.model.tokenEmbedding.weight.dataSync();
    expect(() => trainer.trainStep()).toThrow(
      /SequenceTrainer: the loss became NaN at step 2; lower the learning rate/,
    );
    expect(trainer.step).toBe(1);
    expect(trainer.model.tokenEmbedding.weight.dataSync()).toEqual(before);
  });

  it('is reproducible from its seed', () => {
    const losses = (seed: number): number[] => {
      const trainer = new SequenceTrainer(settings({ seed, length: 5 }));
      return Array.from({ length: 5 }, () => trainer.trainStep().loss);
    };
    expect(losses(4)).toEqual(losses(4));
    expect(losses(5)).not.toEqual(losses(4));
  });

  it('learns to reverse 8 digits with one head, which attends to the mirrored position', () => {
    const trainer = new SequenceTrainer(settings({ numHeads: 1, lr: 0.003 }));
    const accuracy = trainUntil(trainer, 0.98, 600);
    expect(accuracy).toBeGreaterThanOrEqual(0.98);
    const { evaluation, examples } = trainer.evaluate();
    expect(evaluation.loss).toBeLessThan(0.4);
    const mirrored = sourcePositions('reverse', 8)!;
    for (const example of examples) {
      const strongest = strongestKeys(headWeights(example.attention, 8, 1, 0, 0), 8);
      expect(strongest.map((s) => s.key)).toEqual(mirrored);
      for (const { weight } of strongest) expect(weight).toBeGreaterThan(0.5);
    }
  });

  it('learns to sort 5 digits well above chance', () => {
    const trainer = new SequenceTrainer(settings({ task: 'sort', length: 5, lr: 0.003 }));
    expect(trainUntil(trainer, 0.9, 800)).toBeGreaterThanOrEqual(0.9);
  });
});
