// @file `neurite eval RUN_DIR [DATASET]` and `neurite predict RUN_DIR --input …`: use a saved model.
import { readFileSync } from 'node:fs';
import { ValueError } from '../../errors.js';
import { loadCsv } from '../../data/datasets/csv.js';
import { predict } from '../../train/loop.js';
import { prepareData } from '../datasets.js';
import { describeLogs, loadRun, probabilities, score, type Session } from '../run.js';
import type { Print } from './train.js';

/** Scores a saved model on its own dataset's splits, or on another dataset with the same input shape. */
export function evalCommand(
  dir: string,
  dataset: string | undefined,
  print: Print,
  options: { dataDir?: string } = {},
): void {
  const { session } = loadRun(dir, options.dataDir ? { dataDir: options.dataDir } : {});
  let splits: Record<string, { x: Session['data']['train']['x']; y: Session['data']['train']['y'] } | null> =
    {
      train: session.data.train,
      validation: session.data.val,
      test: session.data.test,
    };
  if (dataset !== undefined && dataset !== session.config.dataset) {
    const other = prepareData(dataset, {
      valSplit: 0,
      seed: session.config.seed,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    });
    if (other.inputShape.join('x') !== session.data.inputShape.join('x')) {
      throw new ValueError(
        'eval',
        `the model takes inputs of shape [${session.data.inputShape.join(', ')}] but ${dataset} has [${other.inputShape.join(', ')}]`,
      );
    }
    splits = { [dataset]: other.test ?? other.train };
  }
  print(`neurite: evaluating ${session.config.model} trained on ${session.config.dataset}`);
  for (const [name, split] of Object.entries(splits))
    if (split) print(`${name.padEnd(10)} ${describeLogs(score(session, split))}`);
}

/** Parses --input '[[…], …]' (or a single row '[…]'). */
export function parseInputRows(text: string): number[][] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValueError('--input', `expected JSON such as '[[4, 5]]', got '${text}'`);
  }
  const rows = Array.isArray(value) && value.every((v) => typeof v === 'number') ? [value] : value;
  if (
    !Array.isArray(rows) ||
    rows.length === 0 ||
    !rows.every((r) => Array.isArray(r) && r.every((v) => typeof v === 'number' && Number.isFinite(v)))
  ) {
    throw new ValueError(
      '--input',
      `expected a non-empty array of rows of numbers such as '[[4, 5], [10, 2]]', got '${text}'`,
    );
  }
  return rows as number[][];
}

/** Prints the model's prediction for each input row (class and probabilities, or the regressed value). */
export function predictCommand(
  dir: string,
  print: Print,
  options: { input?: string; csv?: string; dataDir?: string },
): void {
  const { session } = loadRun(dir, options.dataDir ? { dataDir: options.dataDir } : {});
  let rows: number[][];
  if (options.input !== undefined) rows = parseInputRows(options.input);
  else if (options.csv !== undefined) {
    const table = loadCsv(readFileSync(options.csv, 'utf8') + '\n', { text: true });
    const [x] = table.tensors;
    const width = x.shape[1]!;
    rows = Array.from({ length: x.shape[0]! }, (_, i) =>
      Array.from(x.storage.subarray(i * width, (i + 1) * width)),
    );
  } else throw new ValueError('predict', "give the inputs with --input '[[…]]' or --csv PATH");
  const expected = session.data.inputShape.reduce((p, d) => p * d, 1);
  for (const row of rows) {
    if (row.length !== expected)
      throw new ValueError(
        'predict',
        `each input row needs ${expected} numbers (${session.data.featureNames.join(', ') || 'features'}), got ${row.length}`,
      );
  }
  const x = session.data.encode(rows);
  const names = session.data.featureNames;
  if (session.data.task === 'regression') {
    const out = predict(session.model, x);
    rows.forEach((row, i) => print(`${JSON.stringify(row)} → ${out.storage[i]!.toFixed(4)}`));
    return;
  }
  const probs = probabilities(session, x);
  const classes = session.data.classNames;
  rows.forEach((row, i) => {
    const p = session.binary
      ? [1 - probs.storage[i]!, probs.storage[i]!]
      : Array.from(probs.storage.subarray(i * classes.length, (i + 1) * classes.length));
    const best = p.indexOf(Math.max(...p));
    const input =
      names.length === row.length ? row.map((v, j) => `${names[j]} ${v}`).join(', ') : JSON.stringify(row);
    print(
      `${input} → ${classes[best] ?? best} (${p.map((v, k) => `${classes[k] ?? k} ${(v * 100).toFixed(1)}%`).join(', ')})`,
    );
  });
}
