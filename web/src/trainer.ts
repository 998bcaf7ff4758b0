// @file The training run behind the playground: a neurite model, optimizer and loss on the chosen data,
// one epoch at a time, plus the snapshot the page draws. Pure TypeScript: runs in the worker and in Node tests.
// Values are read through ReadBatch (one batched `await` per epoch's metrics and per snapshot), so it runs on webgpu.
import { Generator, Tensor, data, io, manualSeed, nn, noGrad, optim, train as training } from 'neurite';
import { buildData, encodePoints, gridPoints, type PlaygroundData } from './data.js';
import { argmax, queueGridViews } from './grid-views.js';
import { dataLoss, probabilities, weightPenalty, type LossFunction } from './objective.js';
import type { EpochLog, HyperChange, HyperSettings, LayerWeights, Snapshot } from './protocol.js';
import type { SliceSource } from './surface.js';
import { buildModel, describeChanges, makeOptimizer, weightSeed, type Layer } from './network-setup.js';
import { ReadBatch } from './read-batch.js';
import type { Point, Settings } from './settings.js';
import { settingsToQuery } from './url-state.js';

export { buildModel, weightSeed };

interface Split {
  x: Tensor;
  /** Targets in the form the loss wants. */
  target: Tensor;
  /** Class indices, int32 [N] (zeros for regression). */
  labels: Tensor;
  /** The same class indices on the host, so scoring never reads them back. */
  labelValues: Int32Array;
}

/** A split's loss and accuracy (or mean absolute error). */
interface SplitScore {
  loss: number;
  accuracy: number;
  mae: number;
}

export class Trainer {
  readonly data: PlaygroundData;
  readonly model: nn.Sequential;
  readonly classes: number;
  readonly regression: boolean;
  epoch = 0;
  /** Hyper-parameter changes applied during this run. */
  readonly changes: HyperChange[] = [];
  /** True once early stopping ended the run (cleared by resume()). */
  stopped = false;
  stoppedEpoch: number | null = null;
  bestEpoch: number | null = null;
  private readonly optimizer: optim.Optimizer;
  private readonly lossFn: LossFunction;
  private hyper: HyperSettings;
  private train: Split;
  private readonly validation: Split;
  private loader: data.DataLoader<[Tensor, Tensor], [Tensor, Tensor]>;
  private readonly shuffle: Generator;
  private readonly earlyStopping: training.EarlyStopping | null;
  private readonly context: training.TrainContext;
  private readonly hiddenLayers: { linear: Layer; activation: Layer }[] = [];
  private readonly outputLayer: nn.Linear;

  constructor(public settings: Settings) {
    this.data = buildData(settings);
    this.classes = this.data.classes;
    this.regression = this.data.task === 'regression';
    const { lr, momentum, batchSize, weightDecay, regularization, regRate } = settings;
    this.hyper = { lr, momentum, batchSize, weightDecay, regularization, regRate };
    manualSeed(weightSeed(settings));
    this.model = buildModel(settings, this.classes);
    const children = [...this.model];
    const stride = settings.dropout > 0 ? 3 : 2;
    for (let i = 0; i < settings.hidden.length; i++) {
      this.hiddenLayers.push({ linear: children[i * stride]!, activation: children[i * stride + 1]! });
    }
    this.outputLayer = children[children.length - 1] as nn.Linear;
    this.optimizer = makeOptimizer(settings, this.model.parameters());
    this.lossFn = dataLoss(this.data.task, settings.loss, this.classes);
    this.train = this.split(this.data.train);
    this.validation = this.split(this.data.validation);
    this.shuffle = new Generator(settings.seed + 1);
    this.loader = this.makeLoader();
    this.earlyStopping =
      settings.patience > 0
        ? new training.EarlyStopping({
            monitor: this.data.validation.length > 0 ? 'valLoss' : 'loss',
            patience: settings.patience,
            restoreBestWeights: true,
          })
        : null;
    this.context = { model: this.model, epochs: Infinity, steps: 0, stopTraining: false };
    this.earlyStopping?.onTrainBegin();
  }

  private split(points: readonly Point[]): Split {
    const n = points.length;
    const k = this.classes;
    const x = new Tensor(encodePoints(this.data, this.settings.features, points), [
      n,
      this.settings.features.length,
    ]);
    const labelValues = Int32Array.from(points, (p) => (this.regression ? 0 : p.label));
    const labels = new Tensor(labelValues.slice(), [n], 'int32');
    let target: Tensor;
    if (k <= 2)
      target = new Tensor(
        Float32Array.from(points, (p) => p.label),
        [n, 1],
      );
    else if (this.settings.loss === 'mse') {
      const onehot = new Float32Array(n * k);
      points.forEach((p, i) => (onehot[i * k + p.label] = 1));
      target = new Tensor(onehot, [n, k]);
    } else target = labels;
    return { x, target, labels, labelValues };
  }

  private makeLoader(): data.DataLoader<[Tensor, Tensor], [Tensor, Tensor]> {
    const dataset = new data.TensorDataset(this.train.x, this.train.target);
    return new data.DataLoader(dataset, {
      batchSize: this.hyper.batchSize,
      shuffle: true,
      generator: this.shuffle,
    });
  }

  /** Adds a point to the training set (from the next epoch on). */
  addPoint(point: Point): void {
    if (this.regression || point.label >= this.classes) return;
    this.data.train.push(point);
    this.train = this.split(this.data.train);
    this.loader = this.makeLoader();
  }

  /** The model, the training split and its loss, for the loss-surface view's slice through two weights. */
  sliceSource(): SliceSource {
    return { model: this.model, x: this.train.x, target: this.train.target, loss: this.lossFn };
  }

  /**
   * The hyper-parameters of the running optimizer and loss, changed in place (PyTorch's
   * `for g in optimizer.param_groups: g['lr'] = lr`); the batch size takes effect at the next epoch.
   * Records a marker at the current epoch.
   */
  setHyper(next: HyperSettings): void {
    const label = describeChanges(this.hyper, next);
    if (label === '') return;
    for (const group of this.optimizer.paramGroups as unknown as Record<string, unknown>[]) {
      group['lr'] = next.lr;
      group['weightDecay'] = next.weightDecay;
      if ('momentum' in group) group['momentum'] = next.momentum;
    }
    const batchChanged = next.batchSize !== this.hyper.batchSize;
    this.hyper = { ...next };
    this.settings = { ...this.settings, ...next };
    if (batchChanged) this.loader = this.makeLoader();
    this.changes.push({ epoch: this.epoch, label });
  }

  /** The hyper-parameters in effect now. */
  get hyperSettings(): HyperSettings {
    return { ...this.hyper };
  }

  /** The training objective of one batch: data loss plus the weight penalty. */
  private objective(output: Tensor, target: Tensor): Tensor {
    const loss = this.lossFn(output, target);
    const weights = [
      ...this.hiddenLayers.map((l) => (l.linear as nn.Linear).weight),
      this.outputLayer.weight,
    ];
    const penalty = weightPenalty(weights, this.hyper.regularization, this.hyper.regRate);
    return penalty ? loss.add(penalty) : loss;
  }

  /**
   * Queues the loss and accuracy (or MAE) of the model (eval mode) on a split into `batch`; the returned function
   * gives them once the batch is read. Null for an empty split.
   */
  private evaluate(split: Split, batch: ReadBatch): (() => SplitScore) | null {
    if (split.labelValues.length === 0) return null;
    return noGrad(() => {
      const logits = this.model.forward(split.x);
      const loss = batch.add(this.lossFn(logits, split.target));
      if (this.regression) {
        const mae = batch.add(logits.sub(split.target).abs().mean());
        return () => ({ loss: loss()[0]!, accuracy: NaN, mae: mae()[0]! });
      }
      const p = probabilities(logits, this.classes);
      const [n, k] = p.shape as [number, number];
      const values = batch.add(p);
      return () => {
        const predicted = argmax(values(), n, k);
        let correct = 0;
        predicted.forEach((c, i) => (correct += c === split.labelValues[i] ? 1 : 0));
        return { loss: loss()[0]!, accuracy: correct / n, mae: NaN };
      };
    });
  }

  /** After early stopping, lets training go on with a fresh patience counter. */
  resume(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.context.stopTraining = false;
    this.earlyStopping?.onTrainBegin();
  }

  /** Losses and accuracies of the model as it is now, in eval mode (one batched read). */
  async metrics(): Promise<EpochLog> {
    const batch = new ReadBatch();
    const log = this.queueMetrics(batch);
    await batch.read();
    return log();
  }

  /** Queues the metrics' values into `batch` (the model is put in eval mode); the result once it is read. */
  private queueMetrics(batch: ReadBatch): () => EpochLog {
    this.model.eval();
    const queuedTrain = this.evaluate(this.train, batch);
    const queuedValidation = this.evaluate(this.validation, batch);
    const epoch = this.epoch;
    return () => this.epochLog(epoch, queuedTrain?.() ?? null, queuedValidation?.() ?? null);
  }

  private epochLog(epoch: number, train: SplitScore | null, validation: SplitScore | null): EpochLog {
    const log: EpochLog = {
      epoch,
      loss: train?.loss ?? NaN,
      accuracy: train?.accuracy ?? NaN,
      valLoss: validation?.loss ?? null,
      valAccuracy: this.regression ? null : (validation?.accuracy ?? null),
    };
    if (this.regression) {
      log.mae = train?.mae ?? NaN;
      log.valMae = validation?.mae ?? null;
    }
    return log;
  }

  /**
   * One pass over the training set in shuffled mini-batches, then the epoch's losses and accuracies: nothing is
   * read during the pass, and the metrics in one batched read at its end.
   */
  async trainEpoch(): Promise<EpochLog> {
    this.model.train();
    for (const [x, target] of this.loader) {
      this.optimizer.zeroGrad();
      const loss = this.objective(this.model.forward(x), target);
      loss.backward();
      this.optimizer.step();
    }
    this.epoch++;
    const log = await this.metrics();
    if (this.earlyStopping) {
      const logs: Record<string, number> = { loss: log.loss };
      if (log.valLoss !== null) logs['valLoss'] = log.valLoss;
      this.earlyStopping.onEpochEnd(this.epoch, logs, this.context);
      if (this.context.stopTraining) {
        this.earlyStopping.onTrainEnd(this.context);
        this.stopped = true;
        this.stoppedEpoch = this.epoch;
        this.bestEpoch = this.earlyStopping.bestEpoch;
      }
    }
    return log;
  }

  /** Queues every Linear layer's weight and bias into `batch`. */
  private queueWeights(batch: ReadBatch): () => LayerWeights[] {
    const linears = [...this.hiddenLayers.map((l) => l.linear as nn.Linear), this.outputLayer];
    const queued = linears.map((linear) => ({
      linear,
      weight: batch.add(linear.weight),
      bias: linear.bias ? batch.add(linear.bias) : null,
    }));
    return () =>
      queued.map(({ linear, weight, bias }) => ({
        inFeatures: linear.inFeatures,
        outFeatures: linear.outFeatures,
        weight: Float32Array.from(weight()),
        bias: bias ? Float32Array.from(bias()) : new Float32Array(linear.outFeatures),
      }));
  }

  /** Every Linear layer's weight and bias, as the network view draws them. */
  async weights(): Promise<LayerWeights[]> {
    const batch = new ReadBatch();
    const weights = this.queueWeights(batch);
    await batch.read();
    return weights();
  }

  /**
   * What the page draws now: grid views, weights, confusion matrix and (when `logs` has none to reuse) metrics,
   * read in one batch.
   */
  async snapshot(runId: number, running: boolean, logs: EpochLog[], gridSize: number): Promise<Snapshot> {
    const batch = new ReadBatch();
    const points = gridPoints(this.data.domain, gridSize);
    const x = new Tensor(encodePoints(this.data, this.settings.features, points), [
      gridSize * gridSize,
      this.settings.features.length,
    ]);
    const { model, hiddenLayers, outputLayer, classes, regression } = this;
    const grid = queueGridViews({ model, hiddenLayers, outputLayer, classes, regression }, x, batch);
    const useValidation = this.validation.labelValues.length > 0;
    const split = useValidation ? this.validation : this.train;
    const logits =
      !this.regression && split.labelValues.length > 0 ? noGrad(() => this.model.forward(split.x)) : null;
    const logitValues = logits ? batch.add(logits) : null;
    const weights = this.queueWeights(batch);
    const metrics = !this.stopped && logs.length > 0 ? null : this.queueMetrics(batch);
    await batch.read();
    const { output, neurons } = grid();
    const confusion = this.regression
      ? []
      : logits === null || logitValues === null
        ? Array.from({ length: this.classes }, () => new Array<number>(this.classes).fill(0))
        : training.confusionMatrix(
            new Tensor(Float32Array.from(logitValues()), [...logits.shape]),
            new Tensor(split.labelValues.slice(), [split.labelValues.length], 'int32'),
            this.classes,
          );
    return {
      runId,
      epoch: this.epoch,
      running,
      logs,
      metrics: metrics ? metrics() : logs[logs.length - 1]!,
      gridSize,
      task: this.data.task,
      classes: this.classes,
      output,
      neurons,
      weights: weights(),
      changes: [...this.changes],
      confusion,
      confusionOf: useValidation ? 'validation' : 'training',
      stoppedEpoch: this.stoppedEpoch,
      bestEpoch: this.bestEpoch,
      trainCount: this.data.train.length,
      validationCount: this.data.validation.length,
    };
  }

  /**
   * Reads every parameter and buffer once (batched), so that afterwards their host copies are current and the
   * synchronous readers (export, weight edits, the loss-surface slice) work on a backend that reads only
   * asynchronously, until the next kernel writes them.
   */
  async syncState(): Promise<void> {
    const batch = new ReadBatch();
    for (const value of Object.values(this.model.stateDict())) batch.add(value);
    await batch.read();
  }

  /**
   * The network as ONNX (opset 17, dynamic batch) for ONNX Runtime: its input is the feature vector the network
   * sees (`playground.inputs` in the metadata: features, then (v − center)/scale), its output the logits.
   */
  private outputKind(): string {
    return this.regression ? 'identity' : this.classes === 2 ? 'sigmoid' : 'softmax';
  }

  async exportOnnx(): Promise<Uint8Array> {
    await this.syncState();
    const example = new Tensor(new Float32Array(2 * this.train.x.shape[1]!), [2, this.train.x.shape[1]!]);
    return io.exportOnnx(this.model, example, {
      metadata: {
        'playground.query': settingsToQuery(this.settings),
        'playground.inputs': JSON.stringify({
          features: this.settings.features,
          center: this.data.center,
          scale: this.data.scale,
          output: this.outputKind(),
        }),
      },
    });
  }

  /**
   * The trained weights as a safetensors file (PyTorch key names such as `0.weight`); the metadata holds
   * the playground settings that rebuild the model (`playground.query`) and the input encoding.
   */
  async exportModel(): Promise<Uint8Array> {
    await this.syncState();
    return io.serialize(this.model.stateDict(), {
      format: 'pt',
      'playground.query': settingsToQuery(this.settings),
      'playground.epoch': String(this.epoch),
      'playground.inputs': JSON.stringify({
        features: this.settings.features,
        center: this.data.center,
        scale: this.data.scale,
        output: this.outputKind(),
      }),
    });
  }
}
