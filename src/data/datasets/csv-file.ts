// @file CSV files (Node only): read a file with a size check and hand its text to the browser-safe csv().
import { readFileSync, statSync } from 'node:fs';
import { FormatError } from '../../errors.js';
import { csv, parseCsvTable, type CsvDataset, type CsvOptions, type CsvTable } from './csv.js';

/** Largest CSV file read: 256 MiB (a JavaScript string holds at most ~512 M characters; the floats take less). */
export const MAX_CSV_BYTES = 256 * 1024 * 1024;

/** The text of a CSV file; a FormatError names the file when it is not a regular file or is too large. */
export function readCsvText(path: string): string {
  const stat = statSync(path);
  if (!stat.isFile()) throw new FormatError('csv', `${path} is not a regular file`);
  if (stat.size > MAX_CSV_BYTES) {
    throw new FormatError(
      'csv',
      `${path} is ${(stat.size / 2 ** 20).toFixed(0)} MiB; CSV files up to ${MAX_CSV_BYTES / 2 ** 20} MiB are read`,
    );
  }
  return readFileSync(path, 'utf8');
}

/** Reads a CSV file as a dataset: `csv(text, { source: path, ...options })`. */
export function readCsv(path: string, options: CsvOptions = {}): CsvDataset {
  return csv(readCsvText(path), { source: path, ...options });
}

/** Reads a CSV file as a table of cells (header + records), for picking columns by name. */
export function readCsvTable(path: string, options: CsvOptions = {}): CsvTable {
  return parseCsvTable(readCsvText(path), { source: path, ...options });
}
