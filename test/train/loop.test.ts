// @file fit/evaluate/predict and the callbacks on a small model: loss falls, EarlyStopping restores the best epoch.
import { describe, expect, it } from 'vitest';
import { Tensor, linear, manualSeed, noGrad, randn, tensor, zeros } from '../../src/index.js';
import { Module } from '../../src/nn/module.js';
import { Parameter } from '../../src/nn/parameter.js';
import {
  EarlyStopping,
  LambdaCallback,
  NonFiniteLossError,
  ProgressBar,
  evaluate,
  fit,
  predict,
} from '../../src/train/index.js';

/** y = xW + b with plain gradient descent; enough to exercise the loop without other packages. */
class Affine extends Module {
  weight = new Parameter(zeros([1, 2]));
  bias = new Parameter(zeros([1]));
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

class PlainSGD {
  paramGroups = [{ lr: 0.1 }];
  constructor(private readonly params: Parameter[]) {}
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }
  step(): void {
    noGrad(() => {
      for (const p of this.params) if (p.grad) p.sub_(p.grad.mul(this.paramGroups[0]!.lr));
    });
  }
}

const mse = (out: Tensor, y: Tensor): Tensor => out.sub(y).square().mean();

function batches(x: Tensor, y: Tensor, size: number): Tensor[][] {
  const out: Tensor[][] = [];
  for (let i = 0; i < x.shape[0]!; i += size) {
    const n = Math.min(size, x.shape[0]! - i);
    out.push([x.narrow(0, i, n), y.narrow(0, i, n)]);
  }
  return out;
}

function data(seed: number): { train: Tensor[][]; val: Tensor[][] } {
  manualSeed(seed);
  const x = randn([64, 2]);
  const y = linear(x, tensor([[2, -3]]), tensor([0.5])).add(randn([64, 1]).mul(0.01));
  return {
    train: batches(x.narrow(0, 0, 48), y.narrow(0, 0, 48), 16),
    val: batches(x.narrow(0, 48, 16), y.narrow(0, 48, 16), 8),
  };
}

describe('fit', () => {
  it('trains: the loss falls and the weights approach the true ones', async () => {
    const { train, val } = data(0);
    const model = new Affine();
    const history = await fit(model, {
      train,
      val,
      epochs: 30,
      optimizer: new PlainSGD(model.parameters()),
      loss: mse,
      metrics: ['mae'],
      verbose: false,
    });
    const losses = history.history.loss!;
    expect(losses).toHaveLength(30);
    expect(losses[29]!).toBeLessThan(losses[0]! / 100);
    expect(history.history.valLoss).toHaveLength(30);
    expect(history.history.valMae![29]!).toBeLessThan(0.05);
    expect(history.history.lr![0]).toBe(0.1);
    expect(Array.from(model.weight.storage).map((v) => Math.round(v * 10) / 10)).toEqual([2, -3]);
    expect(model.training).toBe(false);
  });

  it('calls callbacks in order with batch and epoch logs', async () => {
    const { train } = data(1);
    const model = new Affine();
    const events: string[] = [];
    await fit(model, {
      train,
      epochs: 2,
      optimizer: new PlainSGD(model.parameters()),
      loss: mse,
      verbose: false,
      callbacks: [
        new LambdaCallback({
          onTrainBegin: () => events.push('begin'),
          onEpochBegin: (e) => events.push(`epoch${e}`),
          onBatchEnd: (b) => events.push(`batch${b}`),
          onEpochEnd: (e, logs) => events.push(`end${e}:${'loss' in logs}`),
          onTrainEnd: () => events.push('done'),
        }),
      ],
    });
    expect(events).toEqual([
      'begin',
      'epoch0',
      'batch0',
      'batch1',
      'batch2',
      'end0:true',
      'epoch1',
      'batch0',
      'batch1',
      'batch2',
      'end1:true',
      'done',
    ]);
  });

  it('throws a clear error when the loss diverges', async () => {
    const { train } = data(2);
    const model = new Affine();
    const optimizer = new PlainSGD(model.parameters());
    optimizer.paramGroups[0]!.lr = 1e6;
    await expect(fit(model, { train, epochs: 20, optimizer, loss: mse, verbose: false })).rejects.toThrow(
      /fit: the loss became (Infinity|NaN) at epoch/,
    );
  });
});

describe('EarlyStopping', () => {
  it('stops after patience epochs without improvement and restores the best weights', async () => {
    const { train, val } = data(3);
    const model = new Affine();
    const snapshots: number[][] = [];
    // A validation loss that improves until epoch 3 and then worsens, whatever the model does.
    const fake = [5, 4, 3, 2, 2.5, 2.6, 2.7, 2.8, 2.9, 3];
    const stopper = new EarlyStopping({ monitor: 'valLoss', patience: 2, restoreBestWeights: true });
    const history = await fit(model, {
      train,
      val,
      epochs: 10,
      optimizer: new PlainSGD(model.parameters()),
      loss: mse,
      verbose: false,
      callbacks: [
        new LambdaCallback({
          onEpochEnd: (epoch, logs) => {
            logs.valLoss = fake[epoch]!;
            snapshots.push(Array.from(model.weight.storage));
          },
        }),
        stopper,
      ],
    });
    expect(history.epochs).toEqual([0, 1, 2, 3, 4, 5]);
    expect(stopper.stoppedEpoch).toBe(5);
    expect(history.stoppedEpoch).toBe(5);
    expect(history.bestEpoch).toBe(3);
    expect(Array.from(model.weight.storage)).toEqual(snapshots[3]);
  });

  it('uses max mode for accuracies, honours minDelta and baseline, and names a missing metric', async () => {
    const stopper = new EarlyStopping({ monitor: 'valAccuracy', minDelta: 0.05, patience: 0 });
    expect(stopper.mode).toBe('max');
    const context = { model: new Affine(), epochs: 5, steps: 1, stopTraining: false };
    stopper.onTrainBegin();
    stopper.onEpochEnd(0, { valAccuracy: 0.5 }, context);
    stopper.onEpochEnd(1, { valAccuracy: 0.52 }, context); // < minDelta: no improvement
    expect(context.stopTraining).toBe(true);
    const strict = new EarlyStopping({ monitor: 'loss', baseline: 1, patience: 1 });
    const c2 = { ...context, stopTraining: false };
    strict.onTrainBegin();
    strict.onEpochEnd(0, { loss: 2 }, c2);
    strict.onEpochEnd(1, { loss: 1.5 }, c2);
    expect(c2.stopTraining).toBe(true);
    expect(() => new EarlyStopping({ monitor: 'nope' }).onEpochEnd(0, { loss: 1 }, context)).toThrow(
      /monitored metric 'nope' is not in the logs/,
    );
  });
});

describe('evaluate and predict', () => {
  it('evaluate averages the loss over samples and restores the training flag', async () => {
    const model = new Affine();
    model.train();
    const x = tensor([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    const y = tensor([[1], [1], [1]]);
    const logs = evaluate(
      model,
      [
        [x.narrow(0, 0, 2), y.narrow(0, 0, 2)],
        [x.narrow(0, 2, 1), y.narrow(0, 2, 1)],
      ],
      { loss: mse, metrics: ['mae'] },
    );
    expect(logs.loss).toBeCloseTo(1, 6);
    expect(logs.mae).toBeCloseTo(1, 6);
    expect(model.training).toBe(true);
  });

  it('predict runs in chunks without gradients', async () => {
    const model = new Affine();
    noGrad(() => model.weight.copy_(tensor([[1, 2]])));
    const out = predict(
      model,
      tensor([
        [1, 1],
        [2, 0],
        [0, 3],
      ]),
      { batchSize: 2 },
    );
    expect(out.requiresGrad).toBe(false);
    expect(out.toArray()).toEqual([[3], [2], [6]]);
  });
});

describe('ProgressBar', () => {
  it('prints plain epoch lines when not interactive', async () => {
    const lines: string[] = [];
    const bar = new ProgressBar({ stream: { write: (t: string) => lines.push(t) }, interactive: false });
    const context = { model: new Affine(), epochs: 3, steps: 2, stopTraining: false };
    bar.onTrainBegin();
    bar.onEpochBegin();
    bar.onBatchEnd(0, { loss: 1 }, context);
    bar.onEpochEnd(0, { loss: 0.5, accuracy: 0.75 }, context);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Epoch 1\/3 - [\d.]+s - loss: 0\.5000 - accuracy: 0\.7500\n$/);
  });

  it('prints only every n-th epoch line, plus the first and last, when asked', async () => {
    const lines: string[] = [];
    const bar = new ProgressBar({
      stream: { write: (t: string) => lines.push(t) },
      interactive: false,
      every: 10,
    });
    const context = { model: new Affine(), epochs: 25, steps: 1, stopTraining: false };
    bar.onTrainBegin();
    for (let e = 0; e < 25; e++) {
      bar.onEpochBegin();
      bar.onEpochEnd(e, { loss: 1 }, context);
    }
    expect(lines.map((l) => /^Epoch (\d+)/.exec(l)![1])).toEqual(['1', '10', '20', '25']);
  });

  it('redraws a bar with ETA on a terminal', async () => {
    const out: string[] = [];
    const bar = new ProgressBar({
      stream: { write: (t: string) => out.push(t), isTTY: true },
      interactive: true,
      width: 10,
    });
    const context = { model: new Affine(), epochs: 1, steps: 4, stopTraining: false };
    bar.onTrainBegin();
    bar.onEpochBegin();
    bar.onBatchEnd(3, { loss: 0.25 }, context);
    expect(out[0]).toContain('Epoch 1/1 [==========] 4/4 - loss: 0.2500 - ETA');
  });
});

describe('a non-finite loss stops training without losing the good epochs', () => {
  /** MSE until batch `batch` of epoch `epoch` (both from 0), then NaN: a loss that breaks down late. */
  function breaksAt(
    epoch: number,
    batch = 0,
  ): { loss: (out: Tensor, y: Tensor) => Tensor; callback: LambdaCallback } {
    let current = 0;
    let calls = 0;
    return {
      loss: (out, y) => (current >= epoch && calls++ >= batch ? mse(out, y).mul(NaN) : mse(out, y)),
      callback: new LambdaCallback({
        onEpochBegin: (e) => {
          current = e;
          calls = 0;
        },
      }),
    };
  }

  it('calls onTrainEnd, so EarlyStopping({ restoreBestWeights }) restores the best epoch, and keeps the history', async () => {
    const { train } = data(2);
    const model = new Affine();
    const optimizer = new PlainSGD(model.parameters());
    const { loss, callback } = breaksAt(4, 2); // two updates of epoch 5 happen before the NaN
    const snapshots: number[][] = [];
    const ended: string[] = [];
    const record = new LambdaCallback({
      onEpochEnd: () => snapshots.push([...model.weight.storage, ...model.bias.storage]),
      onTrainEnd: () => ended.push('end'),
    });
    // The loss falls every epoch here, so the best epoch is the last good one (epoch 4, index 3).
    const stopper = new EarlyStopping({ monitor: 'loss', patience: 50, restoreBestWeights: true });
    let caught: unknown;
    try {
      await fit(model, {
        train,
        epochs: 10,
        optimizer,
        loss,
        callbacks: [callback, record, stopper],
        verbose: false,
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NonFiniteLossError);
    const error = caught as NonFiniteLossError;
    expect(error.message).toMatch(/fit: the loss became NaN at epoch 5, batch 3/);
    expect(error.epoch).toBe(4);
    expect(error.history.epochs).toEqual([0, 1, 2, 3]);
    expect(ended).toEqual(['end']);
    expect(stopper.bestEpoch).toBe(3);
    // Restored: the weights after epoch 4, not those after two batches of epoch 5.
    expect([...model.weight.storage, ...model.bias.storage]).toEqual(snapshots[3]);
    expect(snapshots).toHaveLength(4);
    expect(model.training).toBe(false);
  });

  it('stops before the step: without callbacks the weights stay those of the last good batch', async () => {
    const { train } = data(2);
    const model = new Affine();
    const optimizer = new PlainSGD(model.parameters());
    const { loss, callback } = breaksAt(2);
    const snapshots: number[][] = [];
    const record = new LambdaCallback({
      onEpochEnd: () => snapshots.push([...model.weight.storage, ...model.bias.storage]),
    });
    await expect(
      fit(model, { train, epochs: 5, optimizer, loss, callbacks: [callback, record], verbose: false }),
    ).rejects.toThrow(NonFiniteLossError);
    // The NaN appears on the first batch of epoch 3, before any update of that epoch.
    expect([...model.weight.storage, ...model.bias.storage]).toEqual(snapshots[1]);
    expect([...model.weight.storage].every(Number.isFinite)).toBe(true);
  });
});
