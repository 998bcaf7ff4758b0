// @file `neurite train DATASET`: train a model from the command line and save the run directory.
import { ValueError } from '../../errors.js';
import type { Logs } from '../../train/callbacks/callback.js';
import {
  createSession,
  describeLogs,
  saveRun,
  trainSession,
  type RunConfig,
  type Session,
  type TrainingResult,
} from '../run.js';
import type { RunDirectoryWriter } from '../run-directory.js';
import { openRunOutput } from '../run-store.js';
import { score, type ScoredOutputs } from '../scoring.js';
import { isTextEncoding } from '../text-data.js';
import { unigramBaseline } from '../text-session.js';

export type Print = (line: string) => void;

/**
 * Test (or validation) loss and metric after training, keyed by split name; a text run's splits also get the
 * unigram baseline's perplexity (`unigramPerplexity`). With `keep`, the outputs of the image and tabular models
 * are kept there per split (for the plots). `validation`, when given, is the validation split's logs already
 * known for the current weights (lastValidation), which are then not computed again.
 */
export async function finalScores(
  session: Session,
  keep?: ScoredOutputs,
  validation?: Logs | null,
): Promise<Record<string, Logs>> {
  const { data } = session;
  const scored = async (split: NonNullable<typeof data.val>): Promise<Logs> => {
    const logs = await score(session, split, keep);
    if (isTextEncoding(data.encoding))
      logs.unigramPerplexity = unigramBaseline(data.train, split, data.encoding.vocabulary.length);
    return logs;
  };
  const final: Record<string, Logs> = { train: await scored(data.train) };
  if (data.val) final.validation = validation ?? (await scored(data.val));
  if (data.test) final.test = await scored(data.test);
  return final;
}

/**
 * The validation loss and metric that final scoring would compute, taken from the last epoch's logs when the
 * model still has that epoch's weights: no NaN rolled training back, no early stopping restored other weights,
 * and fit validated image or tabular models in the batches score() uses (the session's validation loader,
 * EVAL_BATCH in order, eval mode, the same loss and metric: evaluate() equals score(), test/cli/scoring.test.ts).
 * Only with a test split (otherwise the confusion matrix needs the validation outputs). Null when not known.
 */
export function lastValidation(session: Session, result: TrainingResult): Logs | null {
  const { data, config } = session;
  if (result.failure || result.stoppedEpoch !== null || (config.earlyStopping ?? null) !== null) return null;
  if (!data.val || !data.test || !session.valLoader || isTextEncoding(data.encoding)) return null;
  const last = result.logs.at(-1);
  const metricKey = `val${session.metric[0]!.toUpperCase()}${session.metric.slice(1)}`;
  const loss = last?.valLoss;
  const metric = last?.[metricKey];
  if (loss === undefined || metric === undefined) return null;
  return { loss, [session.metric]: metric };
}

/** The line that says what a run learns. */
function describeTask(session: Session): string {
  const { encoding } = session.data;
  const { config, data } = session;
  if (isTextEncoding(encoding)) {
    const baseline = data.val
      ? `; the unigram baseline's validation perplexity is ${unigramBaseline(data.train, data.val, encoding.vocabulary.length).toFixed(2)}`
      : '';
    return `Task: next character over ${encoding.vocabulary.length} characters in windows of ${encoding.inputShape[0]} (loss: cross-entropy per character in nats; perplexity = exp(loss))${baseline}`;
  }
  const target = encoding.targetName !== null ? ` of '${encoding.targetName}'` : '';
  return encoding.task === 'regression'
    ? `Task: regression${target} (features and target standardized with the training split's mean and std; MAE in target units)`
    : `Task: classification${target} into ${encoding.classNames.length} classes${encoding.featureNames.length > 0 && config.dataset.startsWith('csv:') ? " (features standardized with the training split's mean and std)" : ''}`;
}

/** Trains a new run from `config` and writes it to `out`. */
export async function trainCommand(
  config: RunConfig,
  out: string,
  print: Print,
  verbose = true,
): Promise<void> {
  // The output directory is checked and locked before any data is loaded or any epoch is trained.
  const writer = openRunOutput(out);
  try {
    await trainInto(writer, config, print, verbose);
  } finally {
    writer.release();
  }
}

async function trainInto(
  writer: RunDirectoryWriter,
  config: RunConfig,
  print: Print,
  verbose: boolean,
): Promise<void> {
  const session = createSession(config);
  const { data } = session;
  const samples = isTextEncoding(data.encoding) ? `windows of ${data.inputShape[0]} characters` : 'samples';
  print(
    `neurite: ${config.model} on ${config.dataset} — ${data.train.x.shape[0]} training ${samples}` +
      `${data.val ? `, ${data.val.x.shape[0]} validation` : ''}${data.test ? `, ${data.test.x.shape[0]} test` : ''}; ` +
      `${session.model.numParameters()} parameters; ${config.optimizer} lr ${config.lr}, batch ${config.batchSize}, ${config.epochs} epochs`,
  );
  print(describeTask(session));
  const result = await trainSession(session, 0, config.epochs, { verbose });
  await report(session, result, writer, print);
}

/**
 * Scores, saves and describes a finished (or resumed) training. If the loss became NaN, the run is saved as of
 * the last good epoch and the NaN is then reported as an error (exit status 1); with no good epoch nothing is
 * saved.
 */
export async function report(
  session: Session,
  result: TrainingResult,
  writer: RunDirectoryWriter,
  print: Print,
  previous: Logs[] = [],
): Promise<void> {
  const { failure } = result;
  const problem = failure ? failure.message.replace(/^fit: /, '') : '';
  if (failure && result.logs.length === 0) {
    throw new ValueError(
      'fit',
      `${problem}. No epoch completed, so nothing was saved${previous.length > 0 ? ` (${writer.path} is unchanged)` : ''}`,
    );
  }
  if (result.stoppedEpoch !== null) {
    print(
      `Early stopping after epoch ${result.stoppedEpoch + 1}; restored the weights of epoch ${(result.bestEpoch ?? result.stoppedEpoch) + 1}.`,
    );
  }
  const outputs: ScoredOutputs = new Map();
  const final = await finalScores(session, outputs, lastValidation(session, result));
  for (const [split, logs] of Object.entries(final)) print(`${split.padEnd(10)} ${describeLogs(logs)}`);
  const history = [...previous, ...result.logs];
  const record = {
    epochsDone: history.length,
    history,
    stoppedEpoch: result.stoppedEpoch,
    bestEpoch: result.bestEpoch,
    final,
  };
  const saved = saveRun(writer, session, record, outputs);
  print(`Saved the run to ${writer.path}: ${saved.files.join(', ')}`);
  if (failure) {
    throw new ValueError(
      'fit',
      `${problem}. Saved the run as of epoch ${history.length}, the last good one, to ${writer.path}`,
    );
  }
}
