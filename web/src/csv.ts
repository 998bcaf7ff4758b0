// @file CSV import: two numeric feature columns and a label column become a playground data set.
// Fields are split by neurite's CSV parser (data.datasets.parseCsv) and numbers read by its strict grammar.
import { data } from 'neurite';
import { LIMITS, type CsvData, type Point } from './settings.js';

const LABEL_NAMES = ['label', 'class', 'target', 'y', 'category'];
const DELIMITERS = [',', ';', '\t'];

function isNumber(text: string): boolean {
  return data.datasets.parseNumber(text) !== null;
}

/** The delimiter (comma, semicolon or tab) that splits the first non-comment line into the most fields. */
function detectDelimiter(text: string): string {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.trim().startsWith('#')) ?? '';
  return DELIMITERS.reduce((best, d) => (first.split(d).length > first.split(best).length ? d : best));
}

/**
 * Parses CSV text into points. The delimiter (comma, semicolon or tab) and a header row are detected; lines
 * starting with # are comments. Features: the first two numeric columns that are not the label; label: the
 * column named label, class, target, y or category, else the last column. Numeric labels 0…k−1 stay class
 * indices; other labels are numbered in order (numbers sorted ascending). Throws an Error that says what is wrong.
 */
export function parseCsv(text: string): CsvData {
  let rows: string[][];
  try {
    rows = data.datasets
      .parseCsv(text, { source: 'the file', delimiter: detectDelimiter(text) })
      .map((fields) => fields.map((f) => f.trim()))
      .filter((fields) => !fields[0]!.startsWith('#'));
  } catch (error) {
    throw new Error(`CSV import: ${(error as Error).message.replace(/^csv: /, '')}`);
  }
  if (rows.length === 0) throw new Error('CSV import: the file is empty');
  const width = rows[0]!.length;
  if (width < 3) {
    throw new Error(`CSV import: expected at least 3 columns (two features and a label), found ${width}`);
  }
  const hasHeader = rows[0]!.some((cell, i) => i < width - 1 && !isNumber(cell));
  const header = hasHeader ? rows[0]! : rows[0]!.map((_, i) => (i === width - 1 ? 'label' : `x${i + 1}`));
  if (hasHeader) rows = rows.slice(1);
  rows = rows.filter((r) => r.length === width);
  if (rows.length === 0) throw new Error('CSV import: no data rows with as many columns as the first row');
  if (rows.length > LIMITS.maxCsvPoints) {
    throw new Error(
      `CSV import: the file has ${rows.length} rows; the playground takes at most ${LIMITS.maxCsvPoints}`,
    );
  }

  const named = header.findIndex((h) => LABEL_NAMES.includes(h.toLowerCase()));
  const labelColumn = named >= 0 ? named : width - 1;
  const numericColumns = header
    .map((_, i) => i)
    .filter((i) => i !== labelColumn && rows.every((r) => isNumber(r[i]!)));
  if (numericColumns.length < 2) {
    throw new Error('CSV import: need two columns whose every value is a number (the features)');
  }
  const [cx, cy] = numericColumns as [number, number];

  const rawLabels = rows.map((r) => r[labelColumn]!);
  const numeric = rawLabels.every(isNumber);
  let distinct = [...new Set(rawLabels)];
  if (numeric) distinct = distinct.sort((a, b) => Number(a) - Number(b));
  const indices = distinct.every((l, i) => numeric && Number(l) === i)
    ? null
    : new Map(distinct.map((l, i) => [l, i]));
  if (distinct.length < 2) throw new Error('CSV import: the label column has a single class');
  if (distinct.length > LIMITS.maxClasses) {
    throw new Error(
      `CSV import: the label column has ${distinct.length} classes; the playground shows up to ${LIMITS.maxClasses}`,
    );
  }
  const points: Point[] = rows.map((r) => ({
    x: Number(r[cx]),
    y: Number(r[cy]),
    label: indices ? indices.get(r[labelColumn]!)! : Number(r[labelColumn]),
  }));
  const classNames = indices ? distinct : distinct.map((l) => `class ${l}`);
  return { points, axisNames: [header[cx]!, header[cy]!], classNames };
}
