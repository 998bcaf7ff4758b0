// @file The command line's training loop: fit() over a session's loaders, with checkpoints, early stopping and NaN recovery.
import type { Callback, Logs } from '../train/callbacks/callback.js';
import { EarlyStopping } from '../train/callbacks/early-stopping.js';
import type { History } from '../train/callbacks/history.js';
import { fit, NonFiniteLossError, type FitOptions } from '../train/loop.js';
import { InferenceChain } from './inference-chain.js';
import type { Session } from './run.js';
import { lastGoodEpoch } from './run-store.js';
import { freeingInputs, metricFn } from './scoring.js';
import { clippedOptimizer, perplexityProgress, withPerplexity } from './text-session.js';

/** What trainSession returns: the logs of the epochs done, the early-stopping outcome, and a NaN stop. */
export interface TrainingResult {
  logs: Logs[];
  stoppedEpoch: number | null;
  bestEpoch: number | null;
  /** Set when the loss became NaN/±∞: `logs` then ends at the last good epoch, whose state the session holds. */
  failure: NonFiniteLossError | null;
}

/**
 * Trains epochs [from, to) and returns the per-epoch logs and early-stopping outcome. If the loss becomes NaN or
 * ±∞, the session is put back to the end of the last good epoch and the result says so (`failure`).
 */
export async function trainSession(
  session: Session,
  from: number,
  to: number,
  options: { verbose?: boolean; callbacks?: Callback[] } = {},
): Promise<TrainingResult> {
  const { config } = session;
  const checkpoint = lastGoodEpoch(session);
  const callbacks: Callback[] = [checkpoint.callback, ...(options.callbacks ?? [])];
  const metricName = session.binary ? 'binaryAccuracy' : session.metric;
  if (config.earlyStopping !== null && config.earlyStopping !== undefined) {
    callbacks.push(
      new EarlyStopping({
        monitor: session.valLoader ? 'valLoss' : 'loss',
        patience: config.earlyStopping,
        restoreBestWeights: true,
      }),
    );
  }
  const text = session.metric === 'perplexity';
  const verbose = options.verbose ?? true;
  const plan: FitOptions = {
    train: session.loader,
    // Validation never lets the event loop turn: each input batch is disposed once used.
    ...(session.valLoader ? { val: freeingInputs(session.valLoader) } : {}),
    epochs: to,
    initialEpoch: from,
    optimizer: clippedOptimizer(session.optimizer, session.model, config.clipNorm),
    loss: session.loss,
    metrics: text ? [] : [[session.metric, metricFn(metricName, session.data.encoding)]],
    callbacks: text ? [...perplexityProgress(verbose), ...callbacks] : callbacks,
    ...(session.scheduler
      ? {
          scheduler: session.scheduler,
          schedulerInterval: config.scheduler === 'onecycle' ? 'batch' : 'epoch',
        }
      : {}),
    verbose: text ? false : verbose,
  };
  let history: History;
  let failure: NonFiniteLossError | null = null;
  try {
    // Image and tabular models go through InferenceChain: training steps and validation passes return their
    // intermediate outputs to the arena once dead (text models keep their own layers' outputs: left to the GC).
    history = await fit(text ? session.model : new InferenceChain(session.model), plan);
  } catch (error) {
    if (!(error instanceof NonFiniteLossError)) throw error;
    // Back to the end of the last good epoch (weights, optimizer, schedule, generators), which is what is saved.
    failure = error;
    history = error.history;
  }
  const logs = history.epochs.map((_, i) => {
    const epoch = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[i]!]));
    return text ? withPerplexity(epoch) : epoch;
  });
  if (failure) {
    const good = checkpoint.restore();
    return {
      logs: logs.slice(0, good === null ? 0 : good + 1 - from),
      stoppedEpoch: null,
      bestEpoch: null,
      failure,
    };
  }
  return { logs, stoppedEpoch: history.stoppedEpoch, bestEpoch: history.bestEpoch, failure: null };
}
