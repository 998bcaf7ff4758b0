// @file The Fashion-MNIST page's training worker: loads the IDX files, picks the backend, trains in time slices
// (one loss read per slice) and scores the model on test images, a live subset now and then and the whole test
// limit at each epoch's end; snapshots go to the page at a bounded rate.
import { getBackend } from 'neurite';
import { chooseBackend, type BackendChoice } from '../backend-choice.js';
import { errorText, scheduler, workerScope } from '../worker-scope.js';
import { fetchFiles, parseFiles, readPickedFiles, type FashionData } from './idx-files.js';
import {
  SHOWN_IMAGES,
  type DataSource,
  type Evaluation,
  type FromFashionWorker,
  type LossPoint,
  type RunLimits,
  type ToFashionWorker,
} from './protocol.js';
import { FashionTrainer } from './trainer.js';

/** Longest stretch of training between two looks at the message queue, in ms. */
const SLICE_MS = 120;
/** Least time between two snapshots, in ms. */
const SNAPSHOT_INTERVAL_MS = 250;
/** Live scoring takes at most this share of the worker's time (the interval grows with its cost). */
const LIVE_SHARE = 0.15;
/** Least time between two live scores, in ms. */
const LIVE_INTERVAL_MS = 1000;

const scope = workerScope<ToFashionWorker, FromFashionWorker>();
const post = (message: FromFashionWorker, transfer: Transferable[] = []): void =>
  scope.postMessage(message, transfer);

let data: FashionData | null = null;
let limits: RunLimits | null = null;
let trainer: FashionTrainer | null = null;
let backend: BackendChoice | null = null;
let runId = 0;
let running = false;
/** Messages are handled one after another: a load or backend switch waits for the slice in progress. */
let busy: Promise<void> = Promise.resolve();

let losses: LossPoint[] = [];
let evaluations: Evaluation[] = [];
let trainingMs = 0;
let lastSnapshot = 0;
let lastLive = 0;
let liveInterval = LIVE_INTERVAL_MS;
let recentSteps: { at: number; step: number }[] = [];

function stepsPerSecond(): number {
  const first = recentSteps[0];
  const last = recentSteps[recentSteps.length - 1];
  if (!first || !last || last.at <= first.at) return 0;
  return ((last.step - first.step) / (last.at - first.at)) * 1000;
}

function postSnapshot(): void {
  if (!trainer) return;
  const snapshot = {
    runId,
    running,
    step: trainer.step,
    epoch: trainer.epoch,
    batchSize: trainer.batchSize,
    losses,
    evaluations,
    trainingMs,
    stepsPerSecond: stepsPerSecond(),
    backend: getBackend(),
  };
  losses = [];
  evaluations = [];
  lastSnapshot = performance.now();
  post({ type: 'snapshot', snapshot });
}

function fail(error: unknown): void {
  running = false;
  post({ type: 'error', message: errorText(error) });
}

/**
 * A failure on webgpu (a kernel it lacks, a lost device) starts the run again on wasm, playing if it was, and the
 * backend line says what happened; a failure on wasm stops training with the error.
 */
async function recover(error: unknown): Promise<void> {
  if (getBackend() !== 'webgpu' || !data) {
    fail(error);
    return;
  }
  const wasRunning = running;
  running = false;
  const status = await chooseBackend('wasm');
  backend = 'wasm';
  const note = `webgpu stopped: ${errorText(error)}; training on wasm`;
  post({ type: 'backend', status: { ...status, requested: 'webgpu', note } });
  await newRun();
  if (wasRunning) {
    running = true;
    schedule();
  }
}

async function score(full: boolean): Promise<void> {
  if (!trainer || !limits) return;
  const started = performance.now();
  evaluations.push(await trainer.evaluate(full ? limits.test : limits.live, full));
  const took = performance.now() - started;
  trainingMs += took;
  if (!full) liveInterval = Math.max(LIVE_INTERVAL_MS, took / LIVE_SHARE);
  lastLive = performance.now();
}

async function newRun(): Promise<void> {
  if (!data || !limits) return;
  runId++;
  trainer = new FashionTrainer(data, limits);
  losses = [];
  evaluations = [];
  trainingMs = 0;
  recentSteps = [];
  await score(false);
  postSnapshot();
}

async function slice(): Promise<void> {
  if (!running || !trainer) return;
  const started = performance.now();
  losses.push(await trainer.trainFor(SLICE_MS));
  const now = performance.now();
  trainingMs += now - started;
  recentSteps.push({ at: now, step: trainer.step });
  if (recentSteps.length > 20) recentSteps.shift();
  if (trainer.takeEpochEnd()) await score(true);
  else if (now - lastLive >= liveInterval) await score(false);
  if (performance.now() - lastSnapshot >= SNAPSHOT_INTERVAL_MS) postSnapshot();
}

const schedule = scheduler(() => {
  busy = busy
    .then(slice)
    .then(() => {
      if (running) schedule();
    })
    .catch(recover)
    .catch(fail);
});

async function load(source: DataSource, runLimits: RunLimits): Promise<void> {
  post({ type: 'progress', message: 'Reading the Fashion-MNIST files…' });
  const bytes = source.kind === 'server' ? await fetchFiles(source.url) : await readPickedFiles(source.files);
  post({ type: 'progress', message: 'Unpacking and checking the images…' });
  data = await parseFiles(bytes);
  limits = runLimits;
  const shown = Math.min(SHOWN_IMAGES, data.test.count);
  post({
    type: 'loaded',
    data: {
      trainCount: Math.min(runLimits.train, data.train.count),
      testCount: Math.min(runLimits.test, data.test.count),
      shownPixels: data.test.pixels.slice(0, shown * 28 * 28),
      shownLabels: data.test.labels.slice(0, shown),
    },
  });
  await newRun();
}

async function handle(message: ToFashionWorker): Promise<void> {
  switch (message.type) {
    case 'backend': {
      if (message.backend === backend) return;
      backend = message.backend;
      const status = await chooseBackend(message.backend);
      post({ type: 'backend', status });
      // Tensors of one backend are not moved to another: a switch starts the run again.
      if (trainer) await newRun();
      break;
    }
    case 'load':
      running = false;
      await load(message.source, message.limits);
      break;
    case 'reset':
      await newRun();
      break;
    case 'play':
      if (!trainer) return;
      running = true;
      schedule();
      break;
    case 'pause':
      running = false;
      postSnapshot();
      break;
  }
}

scope.onmessage = (event) => {
  busy = busy
    .then(() => handle(event.data))
    .catch(recover)
    .catch(fail);
};
