// @file The training worker: runs the Trainer in time slices so the page never freezes, and posts
// snapshots (heatmap grid, neuron activations, weights, losses) only as fast as the page draws them.
import { io } from 'neurite';
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

function postSnapshot(): void {
  if (!trainer) return;
  const snapshot = trainer.snapshot(runId, running, pending, GRID);
  pending = [];
  lastSnapshot = performance.now();
  const buffers = [snapshot.output, ...snapshot.neurons].map((a) => a.buffer as ArrayBuffer);
  postedSeq++;
  post({ type: 'snapshot', snapshot, seq: postedSeq, control }, buffers);
}

function fail(error: unknown): void {
  running = false;
  post({ type: 'error', message: errorText(error) });
}

const schedule = scheduler(loop);

function loop(): void {
  if (!running || !trainer) return;
  try {
    const start = performance.now();
    do {
      pending.push(trainer.trainEpoch());
      if (trainer.stopped) running = false;
    } while (running && performance.now() - start < SLICE_MS);
    const pageReady = drawnSeq >= postedSeq && performance.now() - lastSnapshot >= SNAPSHOT_INTERVAL_MS;
    if (!running || pageReady) postSnapshot();
    if (running) schedule();
  } catch (error) {
    fail(error);
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  if ((message.type === 'play' || message.type === 'pause' || message.type === 'step') && message.control) {
    control = message.control;
  }
  try {
    switch (message.type) {
      case 'reset':
        runId = message.runId;
        pending = [];
        trainer = new Trainer(message.settings);
        postSnapshot();
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
        postSnapshot();
        break;
      case 'hyper':
        trainer?.setHyper(message.hyper);
        if (!running) postSnapshot();
        break;
      case 'step':
        if (!trainer) return;
        running = false;
        trainer.resume();
        pending.push(trainer.trainEpoch());
        postSnapshot();
        break;
      case 'drawn':
        drawnSeq = Math.max(drawnSeq, message.seq);
        break;
      case 'setParameter':
        if (!trainer) return;
        applyParameterEdit(trainer.model, message.edit);
        postSnapshot();
        break;
      case 'addPoint':
        trainer?.addPoint(message.point);
        if (!running) postSnapshot();
        break;
      case 'export':
        if (trainer) {
          const format = message.format ?? 'safetensors';
          const bytes = format === 'onnx' ? trainer.exportOnnx() : trainer.exportModel();
          post({ type: 'exported', bytes, format }, [bytes.buffer as ArrayBuffer]);
        }
        break;
      case 'surface': {
        if (!trainer) return;
        surface = buildProblem(message.request, trainer.sliceSource());
        const { fn, axisNames } = surface;
        const size = fn.name === 'network' ? SURFACE_GRID.network : SURFACE_GRID.test;
        const values = surfaceGrid(fn, size);
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
        const trajectories = message.runs.map((run) => descend(fn, run.optimizer, run.lr, message.start));
        const buffers = trajectories.flatMap((t) => [t.points.buffer, t.losses.buffer] as ArrayBuffer[]);
        post(
          { type: 'trajectories', requestId: message.requestId, start: message.start, trajectories },
          buffers,
        );
        break;
      }
      case 'backend':
        // Tensors stay readable across the CPU backends, so the run goes on where it was.
        void chooseBackend(message.backend, {
          needsSyncReads: 'the playground reads its network’s values synchronously for every snapshot',
        })
          .then((status) => post({ type: 'backend', status }))
          .catch(fail);
        break;
      case 'import': {
        if (!trainer) return;
        const { tensors, metadata } = io.deserialize(message.bytes);
        trainer.model.loadStateDict(tensors);
        const epoch = Number(metadata['playground.epoch']);
        if (Number.isSafeInteger(epoch) && epoch >= 0) trainer.epoch = epoch;
        postSnapshot();
        post({ type: 'imported', message: `Loaded ${Object.keys(tensors).length} tensors` });
        break;
      }
    }
  } catch (error) {
    fail(error);
  }
};
