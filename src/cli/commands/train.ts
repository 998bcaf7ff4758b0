// @file `neurite train DATASET`: train a model from the command line and save the run directory.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logs } from '../../train/callbacks/callback.js';
import {
  createSession,
  describeLogs,
  saveRun,
  score,
  trainSession,
  writePlots,
  type RunConfig,
  type Session,
} from '../run.js';

export type Print = (line: string) => void;

/** Test (or validation) loss and metric after training, keyed by split name. */
export function finalScores(session: Session): Record<string, Logs> {
  const final: Record<string, Logs> = { train: score(session, session.data.train) };
  if (session.data.val) final.validation = score(session, session.data.val);
  if (session.data.test) final.test = score(session, session.data.test);
  return final;
}

/** Trains a new run from `config` and writes it to `out`. */
export function trainCommand(config: RunConfig, out: string, print: Print, verbose = true): void {
  const session = createSession(config);
  const { data } = session;
  print(
    `neurite: ${config.model} on ${config.dataset} — ${data.train.x.shape[0]} training samples` +
      `${data.val ? `, ${data.val.x.shape[0]} validation` : ''}${data.test ? `, ${data.test.x.shape[0]} test` : ''}; ` +
      `${session.model.numParameters()} parameters; ${config.optimizer} lr ${config.lr}, batch ${config.batchSize}, ${config.epochs} epochs`,
  );
  const { encoding } = data;
  const target = encoding.targetName !== null ? ` of '${encoding.targetName}'` : '';
  print(
    encoding.task === 'regression'
      ? `Task: regression${target} (features and target standardized with the training split's mean and std; MAE in target units)`
      : `Task: classification${target} into ${encoding.classNames.length} classes${encoding.featureNames.length > 0 && config.dataset.startsWith('csv:') ? " (features standardized with the training split's mean and std)" : ''}`,
  );
  const result = trainSession(session, 0, config.epochs, { verbose });
  report(session, result, out, print);
}

/** Scores, saves and describes a finished (or resumed) training. */
export function report(
  session: Session,
  result: { logs: Logs[]; stoppedEpoch: number | null; bestEpoch: number | null },
  out: string,
  print: Print,
  previous: Logs[] = [],
): void {
  if (result.stoppedEpoch !== null) {
    print(
      `Early stopping after epoch ${result.stoppedEpoch + 1}; restored the weights of epoch ${(result.bestEpoch ?? result.stoppedEpoch) + 1}.`,
    );
  }
  const final = finalScores(session);
  for (const [split, logs] of Object.entries(final)) print(`${split.padEnd(10)} ${describeLogs(logs)}`);
  const history = [...previous, ...result.logs];
  const record = {
    epochsDone: history.length,
    history,
    stoppedEpoch: result.stoppedEpoch,
    bestEpoch: result.bestEpoch,
    final,
  };
  const dir = resolve(out);
  mkdirSync(dir, { recursive: true });
  const plots = writePlots(dir, session, record);
  saveRun(dir, session, record, plots);
  print(
    `Saved the run to ${dir}: model.safetensors, training-state.json, run.json${plots.map((p) => `, ${p}`).join('')}`,
  );
}
