// @file The Fashion-MNIST page's training run: the CLI's CNN, Adam and shuffled batches of 64, stepped in time
// slices, with every value read asynchronously (`await t.data()`), so the same code runs on wasm and on WebGPU,
// where a read waits for the GPU. Pure TypeScript: runs in the worker and in Node tests.
import {
  Generator,
  ValueError,
  cat,
  manualSeed,
  nn,
  noGrad,
  optim,
  tensor,
  train,
  type Tensor,
} from 'neurite';
import type { FashionData, ImageSplit } from './idx-files.js';
import { CNN_TRAINING, fashionCnn } from './model.js';
import { SHOWN_IMAGES, type Evaluation, type LossPoint, type RunLimits } from './protocol.js';

/** Test images scored per forward pass (bounds the activations' memory). */
const EVAL_CHUNK = 500;
const PIXELS = 28 * 28;

/** Images `indices` of `split` as x float32 [n, 1, 28, 28] in [0, 1] and y int32 [n]. */
export function batchOf(split: ImageSplit, indices: ArrayLike<number>): { x: Tensor; y: Tensor } {
  const n = indices.length;
  const x = new Float32Array(n * PIXELS);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const image = indices[i]!;
    const pixels = split.pixels.subarray(image * PIXELS, (image + 1) * PIXELS);
    for (let p = 0; p < PIXELS; p++) x[i * PIXELS + p] = pixels[p]! / 255;
    y[i] = split.labels[image]!;
  }
  return { x: tensor(x, { shape: [n, 1, 28, 28] }), y: tensor(y, { dtype: 'int32' }) };
}

const range = (from: number, to: number): Int32Array =>
  Int32Array.from({ length: to - from }, (_, i) => from + i);

/**
 * Trains fashionCnn() with Adam (lr 1e-3) on mini-batches of 64 of the first `limits.train` training images,
 * reshuffled every epoch (the last batch of an epoch may be smaller, as DataLoader's default), and scores it on
 * test images: cross-entropy loss and accuracy = share of argmax(logits) = label.
 */
export class FashionTrainer {
  readonly model: nn.Sequential;
  readonly batchSize = CNN_TRAINING.batchSize;
  step = 0;
  epoch = 0;
  /** Whether an epoch ended since the last call of takeEpochEnd(). */
  private epochEnded = false;
  private readonly optimizer: optim.Adam;
  private readonly lossFn = new nn.CrossEntropyLoss();
  private readonly shuffles: Generator;
  private readonly trainCount: number;
  private order: Int32Array;
  private cursor = 0;

  constructor(
    private readonly data: FashionData,
    readonly limits: RunLimits,
  ) {
    manualSeed(limits.seed); // initial weights and dropout masks
    this.model = fashionCnn();
    this.optimizer = new optim.Adam(this.model.parameters(), { lr: CNN_TRAINING.lr });
    this.shuffles = new Generator(limits.seed + 1);
    this.trainCount = Math.min(limits.train, data.train.count);
    this.order = this.shuffles.permutation(this.trainCount);
  }

  /** One Adam step on the next batch; returns its loss, detached and not read (reading would wait for a GPU). */
  trainStep(): Tensor {
    const size = Math.min(this.batchSize, this.trainCount - this.cursor);
    const { x, y } = batchOf(this.data.train, this.order.subarray(this.cursor, this.cursor + size));
    this.model.train();
    const loss = this.lossFn.forward(this.model.forward(x), y);
    this.optimizer.zeroGrad();
    loss.backward();
    this.optimizer.step();
    // The batch is not needed past the step: its memory (wasm blocks, GPU buffers) goes back now, not at the next GC.
    x.dispose();
    y.dispose();
    this.step++;
    this.cursor += size;
    if (this.cursor >= this.trainCount) {
      this.epoch++;
      this.epochEnded = true;
      this.cursor = 0;
      this.order = this.shuffles.permutation(this.trainCount);
    }
    return loss.detach();
  }

  /**
   * Steps until `ms` have passed or an epoch ends, then reads the steps' mean loss once.
   * @throws ValueError when the loss is not finite.
   */
  async trainFor(ms: number): Promise<LossPoint> {
    const started = performance.now();
    let total: Tensor | null = null;
    let steps = 0;
    do {
      const loss = this.trainStep();
      total = total ? total.add(loss) : loss;
      steps++;
      await train.yieldToEventLoop();
    } while (performance.now() - started < ms && !this.epochEnded);
    const loss = (await total.data())[0]! / steps;
    if (!Number.isFinite(loss))
      throw new ValueError('FashionTrainer', `the training loss became ${loss} at step ${this.step}`);
    return { step: this.step, loss };
  }

  /** Whether an epoch ended since the last call (the worker then scores the whole test limit). */
  takeEpochEnd(): boolean {
    const ended = this.epochEnded;
    this.epochEnded = false;
    return ended;
  }

  /** The model (in eval mode: batch norm's running statistics, no dropout) on the first `count` test images. */
  async evaluate(count: number, full: boolean): Promise<Evaluation> {
    const test = this.data.test;
    const n = Math.max(1, Math.min(count, test.count));
    this.model.eval();
    const { lossSum, predicted } = noGrad(() => {
      const losses: Tensor[] = [];
      const predictions: Tensor[] = [];
      for (let from = 0; from < n; from += EVAL_CHUNK) {
        const { x, y } = batchOf(test, range(from, Math.min(n, from + EVAL_CHUNK)));
        const logits = this.model.forward(x);
        losses.push(nn.functional.crossEntropy(logits, y, { reduction: 'sum' }).reshape([1]));
        predictions.push(logits.argmax(1));
        x.dispose();
        y.dispose();
      }
      return { lossSum: cat(losses).sum(), predicted: cat(predictions) };
    });
    this.model.train();
    const labels = await predicted.data();
    const loss = (await lossSum.data())[0]! / n;
    let right = 0;
    for (let i = 0; i < n; i++) if (labels[i] === test.labels[i]) right++;
    return {
      step: this.step,
      epoch: this.epoch,
      count: n,
      accuracy: right / n,
      loss,
      full,
      predictions: Int32Array.from(labels.subarray(0, Math.min(SHOWN_IMAGES, n))),
    };
  }
}
