// @file The CLI's scoring: score() gives evaluate()'s loss and accuracy, keeps predict()'s outputs, and frees input batches.
import { describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../../src/backend/index.js';
import { DataLoader } from '../../src/data/dataloader.js';
import { TensorDataset } from '../../src/data/tensor-dataset.js';
import type { Session } from '../../src/cli/run.js';
import { EVAL_BATCH, freeingInputs, score, type ScoredOutputs } from '../../src/cli/scoring.js';
import { Tensor, manualSeed, nn, randint, randn } from '../../src/index.js';
import { concatRows } from '../../src/train/batch-steps.js';
import { evaluate, predict } from '../../src/train/loop.js';

/** A CLI-style image model with a view between layers (Flatten) and layers that differ in eval mode. */
function model(): nn.Sequential {
  manualSeed(5);
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 'same' }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Dropout(0.3),
    new nn.Linear(4 * 8 * 8, 5),
  );
}

/** The parts of a Session that scoring reads, for a 5-class image model. */
function sessionOf(net: nn.Sequential): Session {
  return {
    model: net,
    loss: new nn.CrossEntropyLoss(),
    binary: false,
    metric: 'accuracy',
    data: { encoding: { targetStd: 1 } },
  } as unknown as Session;
}

describe.each(['js', 'wasm'])('CLI scoring on %s', (name) => {
  it('gives evaluate()’s loss and accuracy and keeps predict()’s outputs, over batches of EVAL_BATCH', async () => {
    const previous = getBackend();
    setBackend(name);
    try {
      const net = model();
      net.train(); // score() scores in eval mode and puts the mode back
      const split = { x: randn([2 * EVAL_BATCH + 88, 1, 16, 16]), y: randint(0, 5, [2 * EVAL_BATCH + 88]) };
      const loader = new DataLoader(new TensorDataset<[Tensor, Tensor]>(split.x, split.y), {
        batchSize: EVAL_BATCH,
      });
      const want = evaluate(net, loader, { loss: new nn.CrossEntropyLoss(), metrics: ['accuracy'] });
      const kept: ScoredOutputs = new Map();
      const got = await score(sessionOf(net), split, kept);
      expect(got).toEqual(want);
      expect(net.training).toBe(true);
      const outputs = kept.get(split)!;
      expect(outputs.map((o) => o.shape[0])).toEqual([EVAL_BATCH, EVAL_BATCH, 88]);
      const predicted = predict(net, split.x, { batchSize: EVAL_BATCH });
      expect(Array.from(concatRows(outputs).dataSync())).toEqual(Array.from(predicted.dataSync()));
    } finally {
      setBackend(previous);
    }
  });
});

describe('freeingInputs', () => {
  it('disposes each input batch when the next is asked for and the last at the end; targets stay', () => {
    const x = randn([10, 3]);
    const y = randint(0, 2, [10]);
    const loader = new DataLoader(new TensorDataset<[Tensor, Tensor]>(x, y), { batchSize: 4 });
    const batches = freeingInputs(loader);
    expect(batches.length).toBe(3);
    const seen: [Tensor, Tensor][] = [];
    for (const batch of batches) {
      if (seen.length > 0) expect(() => seen.at(-1)![0].dataSync()).toThrow(/used after dispose/);
      expect(batch[0].dataSync().length).toBe(batch[0].numel());
      seen.push(batch);
    }
    for (const [input, target] of seen) {
      expect(() => input.dataSync()).toThrow(/used after dispose/);
      expect(target.dataSync().length).toBe(target.numel());
    }
    expect(Array.from(x.dataSync()).length).toBe(30); // the dataset's own tensor is untouched
  });
});
