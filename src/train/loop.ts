// @file fit(), evaluate() and predict(): the training loop of the lecture (init, gradient, update, repeat) as one call.
import { noGrad } from '../autograd/grad-mode.js';
import { ValueError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { readsSynchronously } from '../ops/read.js';
import { Tensor } from '../tensor/tensor.js';
import type { Callback, Logs, TrainContext } from './callbacks/callback.js';
import { EarlyStopping } from './callbacks/early-stopping.js';
import { History } from './callbacks/history.js';
import { ProgressBar } from './callbacks/progress-bar.js';
import { concatRows, lossOf, resolveMetrics, runEpochEval, split } from './batch-steps.js';
import { metricsOnDevice, readScalars, runEpochEvalOnDevice } from './async-reads.js';
import type { MetricFn } from './metrics.js';
import { yieldToEventLoop } from './event-loop.js';

/** Batches of [input, target] tensors, e.g. a DataLoader. */
export type Batches = Iterable<readonly Tensor[]> & { readonly length?: number };

/** What fit() needs of an optimizer. */
export interface OptimizerLike {
  zeroGrad(): void;
  step(): unknown;
  paramGroups?: readonly { lr: number }[];
}

/** What fit() needs of a learning-rate scheduler; ReduceLROnPlateau-style schedulers (with `patience`) take the monitored value. */
export type SchedulerLike = { step(): unknown } | { step(metric: number): unknown; patience: number };

export type LossFn = Module<[Tensor, Tensor], Tensor> | ((output: Tensor, target: Tensor) => Tensor);

/** Metrics by name ('accuracy', 'binaryAccuracy', 'precision', 'recall', 'f1', 'mae') or as [name, fn]. */
export type MetricSpec = string | readonly [string, MetricFn];

export interface FitOptions {
  train: Batches;
  val?: Batches;
  epochs: number;
  optimizer: OptimizerLike;
  loss: LossFn;
  metrics?: readonly MetricSpec[];
  callbacks?: readonly Callback[];
  scheduler?: SchedulerLike;
  /** When the scheduler steps: after each epoch (default) or after each batch (OneCycleLR). */
  schedulerInterval?: 'epoch' | 'batch';
  /** The log a ReduceLROnPlateau-style scheduler receives (default valLoss, or loss without validation data). */
  schedulerMonitor?: string;
  /** Show a ProgressBar (default true); a number n shows every n-th epoch line when not on a terminal. */
  verbose?: boolean | number;
  /** Epoch to start counting from, when resuming (default 0). */
  initialEpoch?: number;
}

/**
 * fit() stopped because the loss became NaN or ±∞. Thrown before that batch's backward pass and step, after
 * every callback's onTrainEnd; `history` holds the epochs completed before it (`epoch` counts from 0).
 */
export class NonFiniteLossError extends ValueError {
  constructor(
    readonly loss: number,
    readonly epoch: number,
    readonly batch: number,
    readonly history: History,
  ) {
    super(
      'fit',
      `the loss became ${loss} at epoch ${epoch + 1}, batch ${batch + 1}; lower the learning rate or check the data`,
    );
    this.name = 'NonFiniteLossError';
  }
}

/**
 * Trains `model` for `epochs` passes over `train` (torch-style loop: zeroGrad, forward, loss, backward, step
 * for every batch), evaluating on `val` after each epoch in eval mode. Logs per epoch: `loss` (the mean
 * training loss), each metric, `valLoss` and `val<Metric>` with validation data, and `lr`. Callbacks see every
 * batch and epoch; EarlyStopping can end training early. Returns the History of all epochs.
 *
 * A NaN or infinite loss stops training with a NonFiniteLossError before that batch's update, so the weights
 * stay finite; the callbacks' onTrainEnd still runs (EarlyStopping({ restoreBestWeights: true }) restores).
 * On a backend that reads asynchronously (webgpu) nothing is read per batch: the losses stay on the device and
 * are read once per epoch (then onBatchEnd runs for each batch, and a non-finite loss is found after its update),
 * as are the outputs and targets the metrics need.
 *
 * Asynchronous (`await fit(…)`, like TensorFlow.js's model.fit): between batches it lets the event loop turn
 * about every 10 ms (yieldToEventLoop), so the wasm backend recycles dead tensors' memory and a page stays
 * responsive.
 */
export async function fit(model: Module<[Tensor], Tensor>, options: FitOptions): Promise<History> {
  const { train, val } = options;
  if (!Number.isInteger(options.epochs) || options.epochs < 0)
    throw new ValueError('fit', `epochs must be a non-negative integer, got ${options.epochs}`);
  const metrics = resolveMetrics(options.metrics);
  const history = new History();
  const callbacks: Callback[] = [history];
  const verbose = options.verbose ?? true;
  if (verbose !== false)
    callbacks.push(new ProgressBar(typeof verbose === 'number' ? { every: verbose } : {}));
  for (const cb of options.callbacks ?? []) {
    if (cb instanceof EarlyStopping && !cb.history) cb.history = history;
    callbacks.push(cb);
  }
  const initialEpoch = options.initialEpoch ?? 0;
  const context: TrainContext = {
    model,
    epochs: options.epochs,
    steps: train.length ?? NaN,
    stopTraining: false,
  };
  const monitor = options.schedulerMonitor ?? (val ? 'valLoss' : 'loss');
  const interval = options.schedulerInterval ?? 'epoch';
  for (const cb of callbacks) cb.onTrainBegin?.(context);
  try {
    await runEpochs(model, options, {
      metrics,
      callbacks,
      context,
      history,
      monitor,
      interval,
      initialEpoch,
    });
  } catch (error) {
    // Training stopped on a non-finite loss: the callbacks still end (EarlyStopping restores the best weights).
    if (error instanceof NonFiniteLossError) {
      for (const cb of callbacks) cb.onTrainEnd?.(context);
      model.eval();
    }
    throw error;
  }
  for (const cb of callbacks) cb.onTrainEnd?.(context);
  model.eval();
  return history;
}

/** The epochs of fit(): what fit() set up, run from `initialEpoch` until done or stopped. */
async function runEpochs(
  model: Module<[Tensor], Tensor>,
  options: FitOptions,
  setup: {
    metrics: [string, MetricFn][];
    callbacks: Callback[];
    context: TrainContext;
    history: History;
    monitor: string;
    interval: 'epoch' | 'batch';
    initialEpoch: number;
  },
): Promise<void> {
  const { train, val, optimizer, loss } = options;
  const { metrics, callbacks, context, history, monitor, interval, initialEpoch } = setup;
  for (let epoch = initialEpoch; epoch < options.epochs && !context.stopTraining; epoch++) {
    model.train();
    for (const cb of callbacks) cb.onEpochBegin?.(epoch, context);
    let lossSum = 0;
    let count = 0;
    let batchIndex = 0;
    const outputs: Tensor[] = [];
    const targets: Tensor[] = [];
    // A device backend (webgpu) keeps the batch losses on the device and reads them once per epoch.
    const deviceLosses: Tensor[] | null = readsSynchronously() ? null : [];
    const batchSizes: number[] = [];
    for (const batch of train) {
      const [x, y] = split('fit', batch);
      optimizer.zeroGrad();
      const output = model.forward(x);
      const value = lossOf(loss, output, y);
      if (value.numel() !== 1)
        throw new ValueError(
          'fit',
          `the loss must be a scalar (reduction 'mean' or 'sum'), got ${value.numel()} elements`,
        );
      let item = NaN;
      if (deviceLosses === null) {
        item = value.item();
        // Checked before backward and step, so a non-finite loss never reaches the weights.
        if (!Number.isFinite(item)) throw new NonFiniteLossError(item, epoch, batchIndex, history);
      } else deviceLosses.push(value.detach());
      value.backward();
      optimizer.step();
      if (options.scheduler && interval === 'batch' && !('patience' in options.scheduler))
        options.scheduler.step();
      const n = x.shape[0] ?? 1;
      if (metrics.length > 0) {
        outputs.push(output.detach());
        targets.push(y);
      }
      if (deviceLosses === null) {
        lossSum += item * n;
        count += n;
        for (const cb of callbacks) cb.onBatchEnd?.(batchIndex, { loss: lossSum / count }, context);
      } else batchSizes.push(n);
      batchIndex++;
      await yieldToEventLoop();
    }
    if (deviceLosses !== null) {
      // Read once: a non-finite loss is found here, after that batch's update (the weights may hold it).
      const values = await readScalars(deviceLosses);
      for (let i = 0; i < batchSizes.length; i++) {
        if (!Number.isFinite(values[i]!)) throw new NonFiniteLossError(values[i]!, epoch, i, history);
        lossSum += values[i]! * batchSizes[i]!;
        count += batchSizes[i]!;
        for (const cb of callbacks) cb.onBatchEnd?.(i, { loss: lossSum / count }, context);
      }
    }
    const logs: Logs = { loss: count > 0 ? lossSum / count : NaN };
    if (deviceLosses !== null && metrics.length > 0 && outputs.length > 0) {
      Object.assign(logs, await metricsOnDevice(outputs, targets, metrics));
    } else if (metrics.length > 0 && outputs.length > 0) {
      const output = concatRows(outputs);
      const target = concatRows(targets);
      for (const [name, fn] of metrics) logs[name] = fn(output, target);
    }
    if (val) {
      model.eval();
      const valLogs = readsSynchronously()
        ? runEpochEval(model, val, loss, metrics)
        : await runEpochEvalOnDevice(model, val, loss, metrics);
      for (const [key, value] of Object.entries(valLogs))
        logs[`val${key[0]!.toUpperCase()}${key.slice(1)}`] = value;
      model.train();
    }
    const lr = optimizer.paramGroups?.[0]?.lr;
    if (lr !== undefined) logs.lr = lr;
    if (options.scheduler && interval === 'epoch') {
      const scheduler = options.scheduler;
      if ('patience' in scheduler) {
        const value = logs[monitor];
        if (value === undefined)
          throw new ValueError(
            'fit',
            `schedulerMonitor '${monitor}' is not in the logs (${Object.keys(logs).join(', ')})`,
          );
        scheduler.step(value);
      } else scheduler.step();
    }
    for (const cb of callbacks) cb.onEpochEnd?.(epoch, logs, context);
  }
}

export interface EvaluateOptions {
  loss?: LossFn;
  metrics?: readonly MetricSpec[];
}

/** Mean loss and metrics of `model` over `batches`, in eval mode and without gradients. */
export function evaluate(
  model: Module<[Tensor], Tensor>,
  batches: Batches,
  options: EvaluateOptions = {},
): Logs {
  const wasTraining = model.training;
  model.eval();
  try {
    return runEpochEval(model, batches, options.loss, resolveMetrics(options.metrics));
  } finally {
    model.train(wasTraining);
  }
}

/**
 * The model's outputs for `input` (one tensor, processed in chunks of `batchSize` rows, or batches whose first
 * tensor is the input), in eval mode and without gradients, concatenated along dim 0.
 */
export function predict(
  model: Module<[Tensor], Tensor>,
  input: Tensor | Batches,
  options: { batchSize?: number } = {},
): Tensor {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const outputs: Tensor[] = [];
      if (input instanceof Tensor) {
        const rows = input.shape[0] ?? 1;
        const size = options.batchSize ?? 1024;
        if (input.ndim === 0) return model.forward(input);
        for (let start = 0; start < rows; start += size)
          outputs.push(model.forward(input.narrow(0, start, Math.min(size, rows - start))));
        if (rows === 0) return model.forward(input);
      } else {
        for (const batch of input) outputs.push(model.forward(batch[0]!));
      }
      if (outputs.length === 0) throw new ValueError('predict', 'no input batches');
      return outputs.length === 1 ? outputs[0]! : concatRows(outputs);
    });
  } finally {
    model.train(wasTraining);
  }
}
