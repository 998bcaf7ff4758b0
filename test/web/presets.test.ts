// Presets that work: every data set's default network and optimizer (defaultSettings) reaches 90 % validation
// accuracy (R² ≥ 0.9 for regression) for seeds 1–5; every other optimizer's preset learns the spiral; early
// stopping's patience choices do not end a noisy spiral run on its first plateau. Runs the playground's Trainer
// in Node, as the worker does.
import { describe, expect, it } from 'vitest';
import {
  DATASETS,
  DEFAULT_LR,
  OPTIMIZERS,
  defaultSettings,
  problemOf,
  PROBLEM_LOSSES,
  type DatasetName,
  type Settings,
} from '../../web/src/settings.js';
import { Trainer } from '../../web/src/trainer.js';

const SEEDS = [1, 2, 3, 4, 5];
/** Epochs allowed to reach the target; every preset gets there in well under a second of training per run. */
const MAX_EPOCHS = 300;

/** R² = 1 − MSE / Var(y) of the model on the validation split (the squared-error loss is the MSE). */
function validationR2(trainer: Trainer, valMse: number): number {
  const targets = trainer.data.validation.map((p) => p.label);
  const mean = targets.reduce((a, b) => a + b, 0) / targets.length;
  const variance = targets.reduce((a, t) => a + (t - mean) ** 2, 0) / targets.length;
  return 1 - valMse / variance;
}

/** Trains until the validation target is met; returns the epoch (or null) and the best score seen. */
async function epochsToTarget(
  settings: Settings,
): Promise<{ epoch: number | null; best: number; seconds: number }> {
  const start = performance.now();
  const trainer = new Trainer(settings);
  let best = -Infinity;
  for (let epoch = 1; epoch <= MAX_EPOCHS; epoch++) {
    const log = await trainer.trainEpoch();
    const score = trainer.regression ? validationR2(trainer, log.valLoss!) : log.valAccuracy!;
    best = Math.max(best, score);
    if (score >= 0.9) return { epoch, best, seconds: (performance.now() - start) / 1000 };
  }
  return { epoch: null, best, seconds: (performance.now() - start) / 1000 };
}

const GENERATED = DATASETS.filter((d): d is Exclude<DatasetName, 'csv'> => d !== 'csv');

describe('playground presets', () => {
  it.each(GENERATED)('the default network and Adam reach the target on %s for seeds 1–5', async (dataset) => {
    const loss = PROBLEM_LOSSES[problemOf(dataset)][0]!;
    for (const seed of SEEDS) {
      const result = await epochsToTarget({ ...defaultSettings(), dataset, loss, seed });
      expect(result.epoch, `${dataset} seed ${seed}: best ${result.best.toFixed(3)}`).not.toBeNull();
      expect(result.seconds).toBeLessThan(30);
    }
  });

  it.each(OPTIMIZERS.filter((o) => o !== 'adam'))(
    'the %s preset (its default learning rate; SGD with momentum 0.9) learns the spiral for seeds 1–5',
    async (optimizer) => {
      for (const seed of SEEDS) {
        const settings: Settings = {
          ...defaultSettings(),
          dataset: 'spiral',
          optimizer,
          lr: DEFAULT_LR[optimizer],
          momentum: 0.9,
          seed,
        };
        const result = await epochsToTarget(settings);
        expect(result.epoch, `seed ${seed}: best ${result.best.toFixed(3)}`).not.toBeNull();
      }
    },
  );

  it('early stopping with patience 20 lets a noisy spiral run reach 90 % before it stops', async () => {
    for (const seed of [1, 3]) {
      const trainer = new Trainer({ ...defaultSettings(), dataset: 'spiral', noise: 50, patience: 20, seed });
      let best = 0;
      for (let i = 0; i < 400 && !trainer.stopped; i++)
        best = Math.max(best, (await trainer.trainEpoch()).valAccuracy!);
      expect(best, `seed ${seed}`).toBeGreaterThanOrEqual(0.9);
      // The restored weights are the best epoch's, so the model as it is now is as good as that epoch.
      if (trainer.stopped) expect((await trainer.metrics()).valAccuracy!).toBeGreaterThanOrEqual(0.9);
    }
  });
});
