// @file The sequence page's training worker: runs SequenceTrainer in time slices so the page never freezes, and
// posts snapshots (curves, evaluation, attention weights of the shown examples) at a bounded rate.
import type { FromSequenceWorker, StepLog, ToSequenceWorker } from './protocol.js';
import { SequenceTrainer } from './trainer.js';
import { errorText, scheduler, workerScope } from '../worker-scope.js';

/** Longest stretch of training between two looks at the message queue, in ms. */
const SLICE_MS = 30;
/** Least time between two snapshots while training, in ms (a snapshot evaluates 256 held-out examples). */
const SNAPSHOT_INTERVAL_MS = 150;
/** Snapshots of large models space out so that evaluating takes at most this share of the worker's time. */
const SNAPSHOT_SHARE = 0.2;

const scope = workerScope<ToSequenceWorker, FromSequenceWorker>();

let trainer: SequenceTrainer | null = null;
let runId = 0;
let running = false;
let pending: StepLog[] = [];
let lastSnapshot = 0;
let snapshotInterval = SNAPSHOT_INTERVAL_MS;

function postSnapshot(): void {
  if (!trainer) return;
  const started = performance.now();
  const snapshot = trainer.snapshot(runId, running, pending);
  pending = [];
  lastSnapshot = performance.now();
  snapshotInterval = Math.max(SNAPSHOT_INTERVAL_MS, (lastSnapshot - started) / SNAPSHOT_SHARE);
  const buffers = snapshot.examples.map((example) => example.attention.buffer as ArrayBuffer);
  scope.postMessage({ type: 'snapshot', snapshot }, buffers);
}

function fail(error: unknown): void {
  running = false;
  scope.postMessage({ type: 'error', message: errorText(error) });
}

const schedule = scheduler(loop);

function loop(): void {
  if (!running || !trainer) return;
  try {
    const start = performance.now();
    do pending.push(trainer.trainStep());
    while (performance.now() - start < SLICE_MS);
    if (performance.now() - lastSnapshot >= snapshotInterval) postSnapshot();
    schedule();
  } catch (error) {
    fail(error);
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  try {
    switch (message.type) {
      case 'reset':
        runId = message.runId;
        pending = [];
        trainer = new SequenceTrainer(message.settings);
        postSnapshot();
        if (running) schedule();
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
      case 'step':
        if (!trainer) return;
        running = false;
        pending.push(trainer.trainStep());
        postSnapshot();
        break;
    }
  } catch (error) {
    fail(error);
  }
};
