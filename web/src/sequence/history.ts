// @file The curves' data: one point per snapshot (training loss and accuracy averaged over the steps since the
// previous one, and the held-out evaluation), thinned to a bounded number of points.
import type { SequenceSnapshot } from './protocol.js';

export interface HistoryPoint {
  step: number;
  /** Mean over the training steps since the previous point; null when the snapshot brought no steps. */
  trainLoss: number | null;
  trainAccuracy: number | null;
  evalLoss: number;
  tokenAccuracy: number;
  sequenceAccuracy: number;
}

/** The point a snapshot adds to the curves. */
export function historyPoint(snapshot: SequenceSnapshot): HistoryPoint {
  const { logs, evaluation } = snapshot;
  const mean = (values: number[]): number | null =>
    values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0) / values.length;
  return {
    step: snapshot.step,
    trainLoss: mean(logs.map((log) => log.loss)),
    trainAccuracy: mean(logs.map((log) => log.accuracy)),
    evalLoss: evaluation.loss,
    tokenAccuracy: evaluation.tokenAccuracy,
    sequenceAccuracy: evaluation.sequenceAccuracy,
  };
}

/**
 * Appends a point, or updates the last one if it is at the same step (a pause re-posts the current state without
 * new steps: the training values already there stay), and past `max` points drops every other one (the first and
 * the newest stay), so memory and drawing stay bounded.
 */
export function appendPoint(history: HistoryPoint[], point: HistoryPoint, max: number): HistoryPoint[] {
  const last = history[history.length - 1];
  const next =
    last && last.step === point.step
      ? [
          ...history.slice(0, -1),
          {
            ...point,
            trainLoss: point.trainLoss ?? last.trainLoss,
            trainAccuracy: point.trainAccuracy ?? last.trainAccuracy,
          },
        ]
      : [...history, point];
  if (next.length <= max) return next;
  return next.filter((_, i) => i === 0 || i === next.length - 1 || i % 2 === 0);
}
