// @file CSV tables: a small RFC 4180 parser and a loader that turns numeric columns into features and a target.
import { readFileSync } from 'node:fs';
import { FormatError, ValueError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { TensorDataset } from '../tensor-dataset.js';

/** Parses CSV text: comma-separated, double-quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (quoted) throw new FormatError('parseCsv', 'unterminated quoted field at the end of the input');
  row.push(field);
  if (row.length > 1 || row[0] !== '') rows.push(row);
  return rows;
}

export type Task = 'classification' | 'regression';

export interface CsvOptions {
  /** The target column's header name; default: the last column. */
  target?: string;
  /** Force the task; default: classification when the target is non-numeric or has ≤ 20 distinct integers. */
  task?: Task;
}

/** A CSV file as a dataset: x float32 [n, features]; y int32 class indices (classification) or float32 [n, 1]. */
export interface CsvDataset extends TensorDataset<[Tensor, Tensor]> {
  featureNames: string[];
  targetName: string;
  task: Task;
  /** Class names in index order (classification only). */
  classNames: string[];
}

/**
 * Loads a CSV with a header row. Every column but the target must be numeric (a clear error names the first
 * row and column that is not); the target may be numbers or labels.
 */
export function loadCsv(source: string, options: CsvOptions & { text?: boolean } = {}): CsvDataset {
  const text = options.text ? source : readFileSync(source, 'utf8');
  const where = options.text ? 'CSV' : source;
  const rows = parseCsv(text);
  if (rows.length < 2)
    throw new FormatError('loadCsv', `${where} needs a header row and at least one data row`);
  const header = rows[0]!.map((h) => h.trim());
  const targetIndex = options.target === undefined ? header.length - 1 : header.indexOf(options.target);
  if (targetIndex < 0)
    throw new ValueError(
      'loadCsv',
      `target column '${options.target}' is not in the header [${header.join(', ')}]`,
    );
  if (header.length < 2)
    throw new FormatError('loadCsv', `${where} needs at least one feature column and a target`);
  const data = rows.slice(1);
  const n = data.length;
  const featureIndices = header.map((_, i) => i).filter((i) => i !== targetIndex);
  const x = new Float32Array(n * featureIndices.length);
  data.forEach((row, r) => {
    if (row.length !== header.length) {
      throw new FormatError(
        'loadCsv',
        `${where} row ${r + 2} has ${row.length} fields, the header has ${header.length}`,
      );
    }
    featureIndices.forEach((c, j) => {
      const cell = row[c]!.trim();
      const v = Number(cell);
      if (cell === '' || !Number.isFinite(v)) {
        throw new FormatError(
          'loadCsv',
          `${where} row ${r + 2}, column '${header[c]}': '${cell}' is not a number`,
        );
      }
      x[r * featureIndices.length + j] = v;
    });
  });
  const rawTarget = data.map((row) => row[targetIndex]!.trim());
  const numeric = rawTarget.every((v) => v !== '' && Number.isFinite(Number(v)));
  const distinct = [...new Set(rawTarget)];
  const inferred: Task =
    !numeric || (distinct.length <= 20 && rawTarget.every((v) => Number.isInteger(Number(v))))
      ? 'classification'
      : 'regression';
  const task = options.task ?? inferred;
  if (task === 'regression' && !numeric)
    throw new FormatError(
      'loadCsv',
      `target column '${header[targetIndex]}' is not numeric, so it cannot be regressed`,
    );
  let y: Tensor;
  let classNames: string[] = [];
  if (task === 'classification') {
    classNames = numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
    const index = new Map(classNames.map((name, i) => [name, i]));
    y = new Tensor(
      Int32Array.from(rawTarget, (v) => index.get(v)!),
      [n],
    );
  } else {
    y = new Tensor(Float32Array.from(rawTarget, Number), [n, 1]);
  }
  const dataset = new TensorDataset<[Tensor, Tensor]>(new Tensor(x, [n, featureIndices.length]), y);
  return Object.assign(dataset, {
    featureNames: featureIndices.map((i) => header[i]!),
    targetName: header[targetIndex]!,
    task,
    classNames,
  });
}
