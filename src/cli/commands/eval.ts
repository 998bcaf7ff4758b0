// @file `neurite eval RUN_DIR [DATASET]` and `neurite predict RUN_DIR --input …`: use a saved model.
import { ValueError } from '../../errors.js';
import { numericColumns } from '../../data/datasets/csv.js';
import { readCsvTable } from '../../data/datasets/csv-file.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { predict } from '../../train/loop.js';
import { prepareData } from '../datasets.js';
import { decodeTarget, encodeRows, encodeValues, inputSize } from '../encoding.js';
import { describeLogs, loadPredictor, loadRun, type Session } from '../run.js';
import { score } from '../scoring.js';
import { isTextDataset, isTextEncoding, refuseTextRun } from '../text-data.js';
import { unigramBaseline } from '../text-session.js';
import type { Print } from './train.js';

/**
 * Scores a saved model on its own dataset's splits, or on another dataset with the same input shape (a CSV is
 * read with the run's encoding: its feature columns by name, the run's classes and standardization).
 */
export async function evalCommand(
  dir: string,
  dataset: string | undefined,
  print: Print,
  options: { dataDir?: string } = {},
): Promise<void> {
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
      ...(dataset.startsWith('csv:') || isTextDataset(dataset) ? { encoding: session.data.encoding } : {}),
    });
    if (other.inputShape.join('x') !== session.data.inputShape.join('x')) {
      throw new ValueError(
        'eval',
        `the model takes inputs of shape [${session.data.inputShape.join(', ')}] but ${dataset} has [${other.inputShape.join(', ')}]`,
      );
    }
    if (other.task !== session.data.task || other.outputs !== session.data.outputs) {
      throw new ValueError(
        'eval',
        `the model was trained for ${session.data.task} with ${session.data.outputs} output(s) but ${dataset} is ${other.task} with ${other.outputs}`,
      );
    }
    splits = { [dataset]: other.test ?? other.train };
  }
  print(`neurite: evaluating ${session.config.model} trained on ${session.config.dataset}`);
  for (const [name, split] of Object.entries(splits)) {
    if (!split) continue;
    const logs = await score(session, split);
    const { encoding } = session.data;
    if (isTextEncoding(encoding))
      logs.unigramPerplexity = unigramBaseline(session.data.train, split, encoding.vocabulary.length);
    const bad = Object.entries(logs).find(([, v]) => !Number.isFinite(v));
    if (bad) {
      throw new ValueError(
        'eval',
        `the ${bad[0]} on the ${name} split is ${bad[1]}: the model's outputs are not finite (are the weights in ${dir}/model.safetensors finite?)`,
      );
    }
    print(`${name.padEnd(10)} ${describeLogs(logs)}`);
  }
}

/** Parses --input '[[…], …]' (or a single row '[…]'): finite numbers, within float32. */
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
    !rows.every((r) => Array.isArray(r) && r.every((v) => typeof v === 'number'))
  ) {
    throw new ValueError(
      '--input',
      `expected a non-empty array of rows of numbers such as '[[4, 5], [10, 2]]', got '${text}'`,
    );
  }
  return rows as number[][];
}

/**
 * Prints the model's prediction for each input row (class and probabilities, or the value in target units).
 * Needs only the run directory: the model is rebuilt from run.json's config and encoding, and inputs are
 * standardized with the training statistics. A CSV's feature columns are picked by name (others, such as the
 * target, are ignored). Non-finite outputs are refused.
 */
export function predictCommand(dir: string, print: Print, options: { input?: string; csv?: string }): void {
  if ((options.input === undefined) === (options.csv === undefined))
    throw new ValueError('predict', "give the inputs with either --input '[[…]]' or --csv PATH");
  const { model, binary, encoding } = loadPredictor(dir);
  refuseTextRun(encoding, 'predict', dir);
  let x;
  /** Each input row's values as the user wrote them, for the output. */
  let cells: string[][];
  if (options.input !== undefined) {
    const rows = parseInputRows(options.input);
    x = encodeRows(encoding, rows, '--input');
    cells = rows.map((row) => row.map(String));
  } else {
    const path = options.csv!;
    if (encoding.featureNames.length !== inputSize(encoding)) {
      throw new ValueError(
        '--csv',
        `this run's inputs (shape [${encoding.inputShape.join(', ')}]) have no column names; use --input`,
      );
    }
    const table = readCsvTable(path);
    if (table.records.length === 0) throw new ValueError('--csv', `${path} has a header but no data rows`);
    const values = numericColumns(table, encoding.featureNames);
    x = encodeValues(encoding, values, table.records.length, path);
    const columns = encoding.featureNames.map((name) => table.header.indexOf(name));
    cells = table.records.map((record) => columns.map((c) => record.fields[c]!.trim()));
  }
  const out = predict(model, x);
  const where = options.input !== undefined ? '--input' : options.csv!;
  const width = out.numel() / out.shape[0]!;
  const outputs = out.dataSync();
  outputs.forEach((v, i) => {
    if (!Number.isFinite(v)) {
      throw new ValueError(
        'predict',
        `the model's output for ${where} row ${Math.floor(i / width) + 1} is ${v}: its weights (${dir}/model.safetensors) or the input are not finite`,
      );
    }
  });
  const names = encoding.featureNames;
  /** A row as `name value, …`; a long unnamed row (an image) as `row i (n values)`. */
  const describe = (row: string[], i: number): string =>
    names.length === row.length
      ? row.map((v, j) => `${names[j]} ${v}`).join(', ')
      : row.length > 16
        ? `row ${i + 1} (${row.length} values)`
        : `[${row.join(', ')}]`;
  if (encoding.task === 'regression') {
    cells.forEach((row, i) =>
      print(`${describe(row, i)} → ${formatValue(decodeTarget(encoding, outputs[i]!))}`),
    );
    return;
  }
  const probs = noGrad(() => (binary ? out.sigmoid() : out.softmax(1))).dataSync();
  const classes = encoding.classNames;
  cells.forEach((row, i) => {
    const p = binary
      ? [1 - probs[i]!, probs[i]!]
      : Array.from(probs.subarray(i * classes.length, (i + 1) * classes.length));
    const best = p.indexOf(Math.max(...p));
    print(
      `${describe(row, i)} → ${classes[best]} (${p.map((v, k) => `${classes[k]} ${(v * 100).toFixed(1)}%`).join(', ')})`,
    );
  });
}

/** A regression answer: 4 decimals for ordinary magnitudes, 6 significant digits for large or tiny ones. */
function formatValue(v: number): string {
  return Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toPrecision(6) : v.toFixed(4);
}
