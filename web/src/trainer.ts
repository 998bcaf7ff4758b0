// @file The training run behind the playground: a neurite model, optimizer and loss on the chosen data,
// one epoch at a time, plus the snapshot the page draws. Pure TypeScript: runs in the worker and in Node tests.
import { Generator, Tensor, data, io, manualSeed, nn, noGrad, optim, train as training } from 'neurite';
import { buildData, encodePoints, gridPoints, type PlaygroundData } from './data.js';
import { dataLoss, probabilities, weightPenalty, type LossFunction } from './objective.js';
import type { EpochLog, HyperChange, HyperSettings, LayerWeights, Snapshot } from './protocol.js';
import type { SliceSource } from './surface.js';
import { buildModel, describeChanges, makeOptimizer, weightSeed, type Layer } from './network-setup.js';
import type { Point, Settings } from './settings.js';
import { settingsToQuery } from './url-state.js';

export { buildModel, weightSeed };

interface Split {
  x: Tensor;
  /** Targets in the form the loss wants. */
  target: Tensor;
  /** Class indices, int32 [N] (zeros for regression). */
  labels: Tensor;
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
    const labels = new Tensor(
      Int32Array.from(points, (p) => (this.regression ? 0 : p.label)),
      [n],
      'int32',
    );
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
    return { x, target, labels };
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

  /** Loss and accuracy (or MAE) of the model (eval mode) on a split; null for an empty split. */
  private evaluate(split: Split): { loss: number; accuracy: number; mae: number; logits: Tensor } | null {
    if (split.labels.numel() === 0) return null;
    return noGrad(() => {
      const logits = this.model.forward(split.x);
      const loss = this.lossFn(logits, split.target).item();
      if (this.regression) {
        const mae = logits.sub(split.target).abs().mean().item();
        return { loss, accuracy: NaN, mae, logits };
      }
      const p = probabilities(logits, this.classes);
      const predicted = this.argmax(p);
      const labels = split.labels.dataSync();
      let correct = 0;
      predicted.forEach((c, i) => (correct += c === labels[i] ? 1 : 0));
      return { loss, accuracy: correct / predicted.length, mae: NaN, logits };
    });
  }

  private argmax(p: Tensor): Int32Array {
    const [n, k] = p.shape as [number, number];
    const out = new Int32Array(n);
    const pv = p.dataSync();
    if (k === 1) {
      for (let i = 0; i < n; i++) out[i] = pv[i]! > 0.5 ? 1 : 0;
      return out;
    }
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (pv[i * k + c]! > pv[i * k + best]!) best = c;
      out[i] = best;
    }
    return out;
  }

  /** After early stopping, lets training go on with a fresh patience counter. */
  resume(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.context.stopTraining = false;
    this.earlyStopping?.onTrainBegin();
  }

  /** Losses and accuracies of the model as it is now, in eval mode. */
  metrics(): EpochLog {
    this.model.eval();
    const train = this.evaluate(this.train);
    const validation = this.evaluate(this.validation);
    const log: EpochLog = {
      epoch: this.epoch,
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

  /** One pass over the training set in shuffled mini-batches, then the epoch's losses and accuracies. */
  trainEpoch(): EpochLog {
    this.model.train();
    for (const [x, target] of this.loader) {
      this.optimizer.zeroGrad();
      const loss = this.objective(this.model.forward(x), target);
      loss.backward();
      this.optimizer.step();
    }
    this.epoch++;
    const log = this.metrics();
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

  /** Class probabilities and every hidden neuron's activation over a gridSize × gridSize grid. */
  private gridViews(gridSize: number): { output: Float32Array; neurons: Float32Array[] } {
    const cells = gridSize * gridSize;
    const x = new Tensor(
      encodePoints(this.data, this.settings.features, gridPoints(this.data.domain, gridSize)),
      [cells, this.settings.features.length],
    );
    return noGrad(() => {
      this.model.eval();
      let h = x;
      const neurons: Float32Array[] = [];
      for (const layer of this.hiddenLayers) {
        h = layer.activation.forward(layer.linear.forward(h));
        const units = h.shape[1]!;
        const unitMajor = new Float32Array(units * cells);
        const hv = h.dataSync();
        for (let i = 0; i < cells; i++)
          for (let j = 0; j < units; j++) unitMajor[j * cells + i] = hv[i * units + j]!;
        neurons.push(unitMajor);
      }
      const out = this.outputLayer.forward(h);
      if (this.regression) return { output: Float32Array.from(out.dataSync()), neurons };
      const p = probabilities(out, this.classes);
      const k = this.classes;
      const output = new Float32Array(cells * k);
      const pv = p.dataSync();
      if (k === 2) {
        for (let i = 0; i < cells; i++) {
          output[2 * i] = 1 - pv[i]!;
          output[2 * i + 1] = pv[i]!;
        }
      } else output.set(pv);
      return { output, neurons };
    });
  }

  weights(): LayerWeights[] {
    const linears = [...this.hiddenLayers.map((l) => l.linear as nn.Linear), this.outputLayer];
    return linears.map((linear) => ({
      inFeatures: linear.inFeatures,
      outFeatures: linear.outFeatures,
      weight: Float32Array.from(linear.weight.dataSync()),
      bias: linear.bias ? Float32Array.from(linear.bias.dataSync()) : new Float32Array(linear.outFeatures),
    }));
  }

  snapshot(runId: number, running: boolean, logs: EpochLog[], gridSize: number): Snapshot {
    const { output, neurons } = this.gridViews(gridSize);
    const useValidation = this.validation.labels.numel() > 0;
    const split = useValidation ? this.validation : this.train;
    const logits = split.labels.numel() > 0 ? noGrad(() => this.model.forward(split.x)) : null;
    const confusion = this.regression
      ? []
      : logits === null
        ? Array.from({ length: this.classes }, () => new Array<number>(this.classes).fill(0))
        : training.confusionMatrix(logits, split.labels, this.classes);
    return {
      runId,
      epoch: this.epoch,
      running,
      logs,
      metrics: !this.stopped && logs.length > 0 ? logs[logs.length - 1]! : this.metrics(),
      gridSize,
      task: this.data.task,
      classes: this.classes,
      output,
      neurons,
      weights: this.weights(),
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
   * The network as ONNX (opset 17, dynamic batch) for ONNX Runtime: its input is the feature vector the network
   * sees (`playground.inputs` in the metadata: features, then (v − center)/scale), its output the logits.
   */
  private outputKind(): string {
    return this.regression ? 'identity' : this.classes === 2 ? 'sigmoid' : 'softmax';
  }

  exportOnnx(): Uint8Array {
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
  exportModel(): Uint8Array {
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
