// @file The training worker as the page sees it: messages out (play, pause and step counted, so snapshots can
// be matched to the latest click), and the acknowledgement that paces snapshots to the page's drawing.
import type { EpochLog, FromWorker, ToWorker } from './protocol.js';

type SnapshotMessage = Extract<FromWorker, { type: 'snapshot' }>;

/** Epoch logs kept for the curves; past this, every other one is dropped (the first and last stay). */
export const MAX_LOGS = 8000;

export class WorkerLink {
  /** Play, pause and step messages sent so far. */
  private controls = 0;
  /** The newest snapshot received, and whether the worker still waits to hear it was drawn. */
  private latestSeq = 0;
  private unacknowledged = false;

  constructor(private readonly worker: Worker) {}

  send(message: ToWorker): void {
    if (message.type === 'play' || message.type === 'pause' || message.type === 'step') {
      message = { ...message, control: ++this.controls };
    }
    this.worker.postMessage(message);
  }

  /**
   * Records a snapshot message. Returns whether its `running` flag is current: a snapshot posted before the
   * latest play/pause/step reached the worker must not undo that click; one posted after it (early stopping
   * ends a run by itself) must count.
   */
  received(message: SnapshotMessage): boolean {
    this.latestSeq = Math.max(this.latestSeq, message.seq);
    this.unacknowledged = true;
    return message.control === this.controls;
  }

  /** Tells the worker the newest snapshot is drawn (or dropped), so it may post the next one. */
  acknowledge(): void {
    if (!this.unacknowledged) return;
    this.unacknowledged = false;
    this.send({ type: 'drawn', seq: this.latestSeq });
  }
}

/** Appends a snapshot's epoch logs, halving the older ones past MAX_LOGS (first and last kept). */
export function appendLogs(logs: EpochLog[], more: readonly EpochLog[]): EpochLog[] {
  logs.push(...more);
  return logs.length > MAX_LOGS ? logs.filter((_, i) => i % 2 === 0 || i === logs.length - 1) : logs;
}
