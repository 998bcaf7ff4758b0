// @file CSV tables from text (browser-safe, no file system): an RFC 4180 parser, a strict number grammar, and csv().
import { FormatError, ValueError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { TensorDataset } from '../tensor-dataset.js';

export type Task = 'classification' | 'regression';

/** The largest finite float32, 3.4028234663852886e38: cells beyond it cannot be stored in a float32 tensor. */
export const FLOAT32_MAX = 3.4028234663852886e38;
/** Most classes a target column may have, even with `task: 'classification'` forced. */
export const MAX_CLASSES = 1000;
/** A numeric target is inferred to be class labels only when it holds integers with at most this many values. */
export const MAX_INFERRED_INTEGER_CLASSES = 20;
/** A text target is inferred to be class labels only when it has at most this many distinct values. */
export const MAX_INFERRED_TEXT_CLASSES = 100;

/** Decimal numbers only: optional sign, digits with an optional point, optional exponent. No hex, `NaN`, `Infinity`, `_`. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads a cell as a number with a strict decimal grammar (`12`, `-0.5`, `1e-3`, `.5`); surrounding spaces are
 * ignored. Returns null for anything else: empty cells, `NA`, `NaN`, `Infinity`, hex (`0x10`), `1_000`, and
 * values that overflow float32 (|v| > 3.4028234663852886e38), which a float32 tensor could not hold.
 */
export function parseNumber(cell: string): number | null {
  const text = cell.trim();
  if (!DECIMAL.test(text)) return null;
  const value = Number(text);
  return Math.abs(value) <= FLOAT32_MAX ? value : null;
}

export interface ParseCsvOptions {
  /** Names the text in error messages, e.g. its file path; default 'CSV'. */
  source?: string;
  /** Field separator, one character; default ','. */
  delimiter?: string;
}

/** One record of a CSV text and the line it starts on (1-based; quoted fields may span lines). */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * Parses CSV text into records (RFC 4180): `delimiter`-separated fields; a field that starts with a double quote
 * may hold delimiters, newlines and doubled quotes (""). LF, CRLF and CR end records; blank lines and a leading
 * byte-order mark are skipped. Throws FormatError for an unterminated quoted field, naming its line.
 */
export function parseCsvRecords(text: string, options: ParseCsvOptions = {}): CsvRecord[] {
  const source = options.source ?? 'CSV';
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')
    throw new ValueError(
      'csv',
      `delimiter must be one character other than a quote or newline, got '${delimiter}'`,
    );
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;
  const endRecord = (): void => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '' || wasQuoted) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    wasQuoted = false;
  };
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
      wasQuoted = true;
      quoteLine = line;
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else field += ch;
  }
  if (quoted) throw new FormatError('csv', `${source} line ${quoteLine}: quoted field is never closed`);
  endRecord();
  return records;
}

/** Parses CSV text into rows of fields (see parseCsvRecords). */
export function parseCsv(text: string, options: ParseCsvOptions = {}): string[][] {
  return parseCsvRecords(text, options).map((record) => record.fields);
}

/** A CSV text with a header row: trimmed, distinct column names and records as wide as the header. */
export interface CsvTable {
  source: string;
  header: string[];
  records: CsvRecord[];
}

/** Parses CSV text with a header row; throws FormatError naming the line of a record whose width differs. */
export function parseCsvTable(text: string, options: ParseCsvOptions = {}): CsvTable {
  const source = options.source ?? 'CSV';
  const records = parseCsvRecords(text, options);
  const first = records[0];
  if (!first) throw new FormatError('csv', `${source} is empty: it needs a header row and data rows`);
  const header = first.fields.map((name) => name.trim());
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    if (name === '')
      throw new FormatError('csv', `${source} line ${first.line}: column ${i + 1} has no name`);
    if (seen.has(name))
      throw new FormatError('csv', `${source} line ${first.line}: column name '${name}' appears twice`);
    seen.set(name, i);
  });
  const body = records.slice(1);
  for (const record of body) {
    if (record.fields.length !== header.length) {
      throw new FormatError(
        'csv',
        `${source} line ${record.line} has ${record.fields.length} fields, the header has ${header.length}`,
      );
    }
  }
  return { source, header, records: body };
}

function columnIndex(table: CsvTable, name: string, role: string): number {
  const index = table.header.indexOf(name);
  if (index < 0)
    throw new ValueError(
      'csv',
      `${table.source} has no ${role} column '${name}' (columns: ${table.header.join(', ')})`,
    );
  return index;
}

/**
 * The named columns as a float32 [rows, columns] row-major array. Every cell must be a number in the strict
 * grammar of parseNumber; otherwise a FormatError names the source, line, column and cell.
 */
export function numericColumns(table: CsvTable, names: readonly string[]): Float32Array {
  const indices = names.map((name) => columnIndex(table, name, 'feature'));
  const out = new Float32Array(table.records.length * indices.length);
  table.records.forEach((record, r) => {
    indices.forEach((c, j) => {
      const cell = record.fields[c]!;
      const value = parseNumber(cell);
      if (value === null) throw notANumber(table, record, c, cell);
      out[r * indices.length + j] = value;
    });
  });
  return out;
}

function notANumber(
  table: CsvTable,
  record: CsvRecord,
  column: number,
  cell: string,
  hint = '',
): FormatError {
  const text = cell.trim();
  const what =
    text === '' ? 'is empty' : `'${text.length > 40 ? text.slice(0, 40) + '…' : text}' is not a number`;
  const range = text !== '' && DECIMAL.test(text) ? ' (outside the float32 range ±3.4e38)' : '';
  return new FormatError(
    'csv',
    `${table.source} line ${record.line}, column '${table.header[column]}': ${what}${range}${hint}`,
  );
}

/** Canonical text of a label: numbers compare as numbers ('1', '1.0' and '+1' are all '1'), other text as is. */
function labelOf(cell: string): string {
  const value = parseNumber(cell);
  return value === null ? cell.trim() : String(value);
}

/** A target column read as class indices or regression values. */
export interface CsvTarget {
  task: Task;
  /** Class names in index order (classification; numbers sorted numerically, text alphabetically), else []. */
  classNames: string[];
  /** int32 [rows] class indices, or float32 [rows, 1] values. */
  y: Tensor;
}

/**
 * Reads the target column. Inference, unless `task` is given: all cells numbers → classification when they are
 * integers with ≤ 20 distinct values, else regression; no cell a number → classification when there are ≤ 100
 * distinct labels; numbers mixed with text (`NA`, an empty cell) → a FormatError naming the first non-number.
 * With `classNames`, labels are mapped onto those classes (and must be among them).
 */
export function targetColumn(
  table: CsvTable,
  name: string,
  options: { task?: Task; classNames?: readonly string[] } = {},
): CsvTarget {
  const c = columnIndex(table, name, 'target');
  const { records } = table;
  const values = records.map((record) => parseNumber(record.fields[c]!));
  const firstText = values.findIndex((v) => v === null);
  const firstNumber = values.findIndex((v) => v !== null);
  const empty = records.findIndex((record) => record.fields[c]!.trim() === '');
  if (empty >= 0) throw notANumber(table, records[empty]!, c, '', ': a missing target value');
  let task = options.task;
  if (task === undefined) {
    if (firstText >= 0 && firstNumber >= 0) {
      throw notANumber(
        table,
        records[firstText]!,
        c,
        records[firstText]!.fields[c]!,
        `; the other values are numbers: fill or drop missing values, or force task 'classification' to read labels`,
      );
    }
    if (firstText < 0) {
      const integers = values.every((v) => Number.isInteger(v));
      task =
        integers && new Set(values).size <= MAX_INFERRED_INTEGER_CLASSES ? 'classification' : 'regression';
    } else task = 'classification';
  }
  if (task === 'regression') {
    if (firstText >= 0)
      throw notANumber(
        table,
        records[firstText]!,
        c,
        records[firstText]!.fields[c]!,
        ': regression needs numbers',
      );
    return {
      task,
      classNames: [],
      y: new Tensor(Float32Array.from(values as number[]), [records.length, 1]),
    };
  }
  const labels = records.map((record) => labelOf(record.fields[c]!));
  let classNames: string[];
  if (options.classNames) classNames = [...options.classNames];
  else {
    const distinct = [...new Set(labels)];
    const limit = options.task === undefined && firstNumber < 0 ? MAX_INFERRED_TEXT_CLASSES : MAX_CLASSES;
    if (distinct.length > limit) {
      throw new ValueError(
        'csv',
        `${table.source} column '${name}' has ${distinct.length} distinct labels in ${records.length} rows; ` +
          (limit === MAX_CLASSES
            ? `at most ${MAX_CLASSES} classes are supported`
            : `more than ${limit} is not inferred as classification (force task 'classification' for up to ${MAX_CLASSES} classes)`),
      );
    }
    if (distinct.length < 2)
      throw new ValueError('csv', `${table.source} column '${name}' has a single class '${distinct[0]}'`);
    const numeric = distinct.every((label) => parseNumber(label) !== null);
    classNames = numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
  }
  const index = new Map(classNames.map((label, i) => [labelOf(label), i]));
  const y = new Int32Array(records.length);
  labels.forEach((label, r) => {
    const k = index.get(label);
    if (k === undefined)
      throw new ValueError(
        'csv',
        `${table.source} line ${records[r]!.line}, column '${name}': label '${label}' is not one of the classes ${classNames.join(', ')}`,
      );
    y[r] = k;
  });
  return { task, classNames, y: new Tensor(y, [records.length]) };
}

export interface CsvOptions extends ParseCsvOptions {
  /** The target column's header name; default: the last column. */
  target?: string;
  /** Force the task; default: inferred from the target column (see targetColumn). */
  task?: Task;
  /** Feature columns in this order; default: every column but the target. */
  features?: readonly string[];
  /** Map labels onto these classes (e.g. a trained model's), instead of collecting them from the column. */
  classNames?: readonly string[];
}

/** A CSV table as a dataset: x float32 [n, features]; y int32 class indices (classification) or float32 [n, 1]. */
export interface CsvDataset extends TensorDataset<[Tensor, Tensor]> {
  featureNames: string[];
  targetName: string;
  task: Task;
  /** Class names in index order (classification only). */
  classNames: string[];
}

/**
 * A CSV text with a header row as a dataset, like reading it with pandas and wrapping the columns in a
 * `torch.utils.data.TensorDataset`: features are every column but the target (all numbers, strictly decimal), the
 * target is class labels or a number (see targetColumn). Values are not standardized. Errors are FormatError or
 * ValueError naming `source`, the line and the column. Browser-safe: reading files is `readCsv` (Node).
 *
 * @example
 * const ds = data.datasets.csv('size,rooms,price\n50,2,120000\n80,3,185000\n', { target: 'price' });
 * const [x, y] = ds.tensors; // x [2, 2], y [2, 1]; ds.task === 'regression'
 */
export function csv(text: string, options: CsvOptions = {}): CsvDataset {
  const table = parseCsvTable(text, options);
  if (table.records.length === 0)
    throw new FormatError('csv', `${table.source} has a header but no data rows`);
  const targetName = options.target ?? table.header[table.header.length - 1]!;
  columnIndex(table, targetName, 'target');
  const featureNames = options.features
    ? [...options.features]
    : table.header.filter((h) => h !== targetName);
  if (featureNames.length === 0)
    throw new FormatError(
      'csv',
      `${table.source} needs at least one feature column besides the target '${targetName}'`,
    );
  if (featureNames.includes(targetName))
    throw new ValueError('csv', `column '${targetName}' cannot be both a feature and the target`);
  const x = new Tensor(numericColumns(table, featureNames), [table.records.length, featureNames.length]);
  const target = targetColumn(table, targetName, {
    ...(options.task ? { task: options.task } : {}),
    ...(options.classNames ? { classNames: options.classNames } : {}),
  });
  const dataset = new TensorDataset<[Tensor, Tensor]>(x, target.y);
  return Object.assign(dataset, {
    featureNames,
    targetName,
    task: target.task,
    classNames: target.classNames,
  });
}
