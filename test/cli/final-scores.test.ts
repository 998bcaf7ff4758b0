// @file Final scoring reuses the last epoch's validation logs only where they are what scoring would compute.
import { describe, expect, it } from 'vitest';
import { lastValidation } from '../../src/cli/commands/train.js';
import { createSession, trainSession } from '../../src/cli/run.js';
import { score } from '../../src/cli/scoring.js';
import { configFrom, type TrainFlags } from '../../src/cli/train-config.js';
import { existsSync } from 'node:fs';

const hasFashion = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');

const base: Omit<TrainFlags, 'model'> = {
  activation: 'relu',
  optimizer: 'adam',
  batchSize: 64,
  epochs: 2,
  dropout: 0.2,
  weightDecay: 0,
  scheduler: 'none',
  seed: 3,
  out: '',
  limit: 700,
};

describe.skipIf(!hasFashion)('lastValidation', () => {
  it('equals scoring the validation split again after training (bn, dropout: eval mode matters)', async () => {
    const session = createSession(
      configFrom('fashion-mnist', { ...base, model: 'conv:4x3,bn,pool:2,dense:16' }),
    );
    const result = await trainSession(session, 0, 2, { verbose: false });
    const reused = lastValidation(session, result);
    expect(reused).not.toBeNull();
    expect(reused).toEqual(await score(session, session.data.val!));
  });

  it('is null where the weights may differ from the last validation: early stopping', async () => {
    const session = createSession(
      configFrom('fashion-mnist', { ...base, model: 'mlp:16', earlyStopping: 1 }),
    );
    const result = await trainSession(session, 0, 2, { verbose: false });
    expect(lastValidation(session, result)).toBeNull();
  });
});
