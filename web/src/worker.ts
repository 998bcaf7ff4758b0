// @file The training worker: runs the Trainer in time slices so the page never freezes, and posts
// snapshots (heatmap grid, neuron activations, weights, losses) only as fast as the page draws them. The Trainer
// reads with `await` (webgpu reads only so), so every slice and message runs one at a time through a queue.
import { getBackend, io } from 'neurite';
import { chooseBackend } from './backend-choice.js';
import type { EpochLog, FromWorker, ToWorker } from './protocol.js';
import { applyParameterEdit } from './model-edit.js';
import { buildProblem, descend, surfaceGrid, type SurfaceProblem } from './surface.js';
import { Trainer } from './trainer.js';
import { errorText, scheduler, workerScope } from './worker-scope.js';

/** Longest stretch of training between two looks at the message queue, in ms. */
const SLICE_MS = 30;
/**
 * Least time between two snapshots while training, in ms (at most 25 view updates a second, so most frames
 * have nothing to redraw). Past it, a snapshot also waits for the page to report that it drew the previous one
 * (`drawn`), so a slow page gets fewer snapshots instead of a growing queue.
 */
const SNAPSHOT_INTERVAL_MS = 40;
/** Heatmap and neuron thumbnails are computed on a GRID × GRID grid. */
const GRID = 50;
/** Loss surfaces are computed on a grid of this many cells per side (the network slice point by point). */
const SURFACE_GRID = { test: 96, network: 40 };

const scope = workerScope<ToWorker, FromWorker>();

let trainer: Trainer | null = null;
/** The backend the trainer's tensors were made on. */
let trainerBackend = '';
let runId = 0;
let running = false;
let pending: EpochLog[] = [];
let lastSnapshot = 0;
/** Sequence numbers of the last snapshot posted and the last one the page drew. */
let postedSeq = 0;
let drawnSeq = 0;
/** The page's count of play / pause / step messages, as of the last one received (echoed in snapshots). */
let control = 0;
/** The loss-surface view's current problem (a copy: training on does not change it). */
let surface: SurfaceProblem | null = null;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

async function postSnapshot(): Promise<void> {
  if (!trainer) return;
  const logs = pending;
  pending = [];
  const snapshot = await trainer.snapshot(runId, running, logs, GRID);
  lastSnapshot = performance.now();
  const buffers = [snapshot.output, ...snapshot.neurons].map((a) => a.buffer as ArrayBuffer);
  postedSeq++;
  post({ type: 'snapshot', snapshot, seq: postedSeq, control }, buffers);
}

function fail(error: unknown): void {
  running = false;
  post({ type: 'error', message: errorText(error) });
}

/** The end of the queue: each slice and message handler starts once the previous one has finished. */
let queue: Promise<void> = Promise.resolve();

/** Runs `task` after everything queued before it; an error it throws is reported to the page. */
function exclusive(task: () => Promise<void>): void {
  queue = queue.then(task).catch(fail);
}

const schedule = scheduler(() => exclusive(slice));

/** Trains whole epochs for about SLICE_MS, then posts a snapshot if the page is ready for one. */
async function slice(): Promise<void> {
  const current = trainer;
  if (!running || !current) return;
  const start = performance.now();
  do {
    pending.push(await current.trainEpoch());
    if (current.stopped) running = false;
  } while (running && performance.now() - start < SLICE_MS);
  const pageReady = drawnSeq >= postedSeq && performance.now() - lastSnapshot >= SNAPSHOT_INTERVAL_MS;
  if (!running || pageReady) await postSnapshot();
  if (running) schedule();
}

scope.onmessage = (event) => {
  const message = event.data;
  if ((message.type === 'play' || message.type === 'pause' || message.type === 'step') && message.control) {
    control = message.control;
  }
  // Counters and the run flag change at once; the rest waits for the slice in progress.
  if (message.type === 'drawn') {
    drawnSeq = Math.max(drawnSeq, message.seq);
    return;
  }
  if (message.type === 'pause') running = false;
  exclusive(() => handle(message));
};

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'reset':
      runId = message.runId;
      pending = [];
      trainer = new Trainer(message.settings);
      trainerBackend = getBackend();
      await postSnapshot();
      if (running) schedule();
      break;
    case 'play':
      if (!trainer) return;
      trainer.resume();
      running = true;
      schedule();
      break;
    case 'pause':
      running = false;
      await postSnapshot();
      break;
    case 'hyper':
      trainer?.setHyper(message.hyper);
      if (!running) await postSnapshot();
      break;
    case 'step':
      if (!trainer) return;
      running = false;
      trainer.resume();
      pending.push(await trainer.trainEpoch());
      await postSnapshot();
      break;
    case 'drawn':
      break;
    case 'setParameter':
      if (!trainer) return;
      await trainer.syncState();
      applyParameterEdit(trainer.model, message.edit);
      await postSnapshot();
      break;
    case 'addPoint':
      trainer?.addPoint(message.point);
      if (!running) await postSnapshot();
      break;
    case 'export':
      if (trainer) {
        const format = message.format ?? 'safetensors';
        const bytes = format === 'onnx' ? await trainer.exportOnnx() : await trainer.exportModel();
        post({ type: 'exported', bytes, format }, [bytes.buffer as ArrayBuffer]);
      }
      break;
    case 'surface': {
      if (!trainer) return;
      await trainer.syncState();
      surface = buildProblem(message.request, trainer.sliceSource());
      const { fn, axisNames } = surface;
      const size = fn.name === 'network' ? SURFACE_GRID.network : SURFACE_GRID.test;
      const values = await surfaceGrid(fn, size);
      const grid = {
        requestId: message.requestId,
        title: fn.label,
        axisNames,
        xRange: fn.xRange,
        yRange: fn.yRange,
        size,
        values,
        start: fn.start,
        minima: fn.minima,
      };
      post({ type: 'surface', grid }, [values.buffer as ArrayBuffer]);
      break;
    }
    case 'descend': {
      if (!surface) return;
      const fn = surface.fn;
      const trajectories = await Promise.all(
        message.runs.map((run) => descend(fn, run.optimizer, run.lr, message.start)),
      );
      const buffers = trajectories.flatMap((t) => [t.points.buffer, t.losses.buffer] as ArrayBuffer[]);
      post(
        { type: 'trajectories', requestId: message.requestId, start: message.start, trajectories },
        buffers,
      );
      break;
    }
    case 'backend': {
      const status = await chooseBackend(message.backend);
      // Tensors made on one backend are not moved to another (wasm's linear memory cannot hold GPU outputs), so a
      // new backend means a new run: the page answers with `reset` (same settings and seeds, so the same start).
      const restart = trainer !== null && status.backend !== trainerBackend;
      if (restart) trainer = null;
      post({ type: 'backend', status, restart });
      break;
    }
    case 'import': {
      if (!trainer) return;
      const { tensors, metadata } = io.deserialize(message.bytes);
      trainer.model.loadStateDict(tensors);
      const epoch = Number(metadata['playground.epoch']);
      if (Number.isSafeInteger(epoch) && epoch >= 0) trainer.epoch = epoch;
      await postSnapshot();
      post({ type: 'imported', message: `Loaded ${Object.keys(tensors).length} tensors` });
      break;
    }
  }
}
