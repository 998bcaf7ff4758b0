// @file The sequence page's training run: the model, Adam and seeded batches of the task, one step at a time,
// plus the snapshot the page draws. Pure TypeScript: runs in the worker and in Node tests.
import { Generator, Tensor, ValueError, getBackend, manualSeed, nn, noGrad, optim, tensor } from 'neurite';
import { SequenceModel } from './model.js';
import type { Evaluation, ExampleView, SequenceSnapshot, StepLog } from './protocol.js';
import type { SequenceSettings } from './settings.js';
import { exampleRow, makeBatch, vocabularySize, type SequenceBatch } from './tasks.js';

/**
 * Examples the model is scored on: fixed per run and drawn by their own generator, so they are not the training
 * batches (though with few possible sequences, e.g. 4 digits, the same sequence may also come up in training).
 */
export const EVALUATION_COUNT = 256;
/** Examples shown with their attention weights: the first ones of the evaluation set. */
export const SHOWN_EXAMPLES = 6;

interface EncodedBatch {
  inputs: Tensor;
  /** Class indices flattened to [count · length]. */
  targets: Tensor;
  batch: SequenceBatch;
}

function encode(batch: SequenceBatch): EncodedBatch {
  return {
    inputs: tensor(batch.inputs, { dtype: 'int32' }).reshape([batch.count, batch.length]),
    targets: tensor(batch.targets, { dtype: 'int32' }),
    batch,
  };
}

/** The share of positions where argmax(logits) equals the target, and of rows where every position does. */
export function scorePredictions(
  predicted: Int32Array,
  targets: Int32Array,
  length: number,
): { tokenAccuracy: number; sequenceAccuracy: number } {
  let tokens = 0;
  let sequences = 0;
  const count = targets.length / length;
  for (let row = 0; row < count; row++) {
    let allRight = true;
    for (let i = row * length; i < (row + 1) * length; i++) {
      if (predicted[i] === targets[i]) tokens++;
      else allRight = false;
    }
    if (allRight) sequences++;
  }
  return { tokenAccuracy: tokens / targets.length, sequenceAccuracy: sequences / count };
}

/**
 * Trains a SequenceModel on endless fresh batches of the task: per step, logits = model(x), loss = mean
 * cross-entropy over every output position, then one Adam step (the seed fixes the initial weights, the batches
 * and the evaluation set).
 */
export class SequenceTrainer {
  readonly model: SequenceModel;
  readonly vocabularySize: number;
  step = 0;
  /** Milliseconds spent in trainStep. */
  trainingMs = 0;
  private readonly optimizer: optim.Adam;
  private readonly batches: Generator;
  private readonly evaluation: EncodedBatch;

  constructor(readonly settings: SequenceSettings) {
    this.vocabularySize = vocabularySize(settings.vocabulary);
    manualSeed(settings.seed);
    this.model = new SequenceModel({
      vocabularySize: this.vocabularySize,
      length: settings.length,
      dModel: settings.dModel,
      numHeads: settings.numHeads,
      numLayers: settings.numLayers,
    });
    this.optimizer = new optim.Adam(this.model.parameters(), { lr: settings.lr });
    this.batches = new Generator(settings.seed + 1);
    const { task, vocabulary, length } = settings;
    this.evaluation = encode(
      makeBatch(task, vocabulary, length, EVALUATION_COUNT, new Generator(settings.seed + 2)),
    );
  }

  get parameterCount(): number {
    return this.model.parameters().reduce((sum, p) => sum + p.numel(), 0);
  }

  /**
   * One Adam step on a fresh random batch; returns its loss and token accuracy.
   * @throws ValueError when the loss is not finite, before the step, so the model stays as it was.
   */
  trainStep(): StepLog {
    const started = performance.now();
    const { task, vocabulary, length, batchSize } = this.settings;
    const { inputs, targets, batch } = encode(makeBatch(task, vocabulary, length, batchSize, this.batches));
    this.model.train();
    const logits = this.model.forward(inputs).logits.reshape([batchSize * length, this.vocabularySize]);
    const loss = nn.functional.crossEntropy(logits, targets);
    const value = loss.item();
    if (!Number.isFinite(value)) {
      throw new ValueError(
        'SequenceTrainer',
        `the loss became ${value} at step ${this.step + 1}; lower the learning rate and reset`,
      );
    }
    this.optimizer.zeroGrad();
    loss.backward();
    this.optimizer.step();
    const predicted = logits.argmax(1).dataSync() as Int32Array;
    this.step++;
    this.trainingMs += performance.now() - started;
    const accuracy = scorePredictions(predicted, batch.targets, length).tokenAccuracy;
    return { step: this.step, loss: value, accuracy };
  }

  /** The model on the evaluation set, and the shown examples with their predictions and attention weights. */
  evaluate(): { evaluation: Evaluation; examples: ExampleView[] } {
    const { length } = this.settings;
    const { inputs, targets, batch } = this.evaluation;
    this.model.eval();
    return noGrad(() => {
      const { logits, attention } = this.model.forward(inputs);
      const flat = logits.reshape([batch.count * length, this.vocabularySize]);
      const loss = nn.functional.crossEntropy(flat, targets).item();
      const predicted = flat.argmax(1).dataSync() as Int32Array;
      const scores = scorePredictions(predicted, batch.targets, length);
      const examples: ExampleView[] = [];
      const perLayer = this.settings.numHeads * length * length;
      for (let example = 0; example < Math.min(SHOWN_EXAMPLES, batch.count); example++) {
        const weights = new Float32Array(attention.length * perLayer);
        attention.forEach((layer, l) => {
          const values = layer.dataSync() as Float32Array;
          weights.set(values.subarray(example * perLayer, (example + 1) * perLayer), l * perLayer);
        });
        examples.push({
          input: exampleRow(batch.inputs, length, example),
          target: exampleRow(batch.targets, length, example),
          predicted: exampleRow(predicted, length, example),
          attention: weights,
        });
      }
      return { evaluation: { loss, ...scores, count: batch.count }, examples };
    });
  }

  snapshot(runId: number, running: boolean, logs: StepLog[]): SequenceSnapshot {
    const { evaluation, examples } = this.evaluate();
    return {
      runId,
      step: this.step,
      running,
      trainingMs: this.trainingMs,
      logs,
      evaluation,
      examples,
      length: this.settings.length,
      numLayers: this.settings.numLayers,
      numHeads: this.settings.numHeads,
      vocabulary: this.settings.vocabulary,
      parameterCount: this.parameterCount,
      backend: getBackend(),
    };
  }
}
