// @file The benchmark's table: throughput per library and neurite's speed relative to each TensorFlow.js backend.
import type { Case, Library } from './index.js';
import type { Timing } from './timing.js';

export interface Row {
  name: string;
  kind: Case['kind'];
  work: Case['work'];
  timings: Record<Library, Timing>;
}

/** "12.34 GFLOPS" for a matmul; "1.234 ms 9.7 GB/s" for an elementwise op (bytes read and written / time). */
function cell(row: Row, library: Library): string {
  const ms = row.timings[library].bestMs;
  const rate = row.work / ms / 1e6;
  if (row.kind === 'matmul') return `${rate.toFixed(2)} GFLOPS`;
  return `${ms.toFixed(3)} ms ${rate.toFixed(1)} GB/s`;
}

/** neurite's throughput over the other library's: above 1 means neurite is faster. */
function speedup(row: Row, other: Library): string {
  return `${(row.timings[other].bestMs / row.timings.neurite.bestMs).toFixed(2)}×`;
}

export function formatTable(rows: readonly Row[]): string {
  const header = ['case', 'neurite', 'tfjs-cpu', 'tfjs-wasm', 'vs cpu', 'vs wasm', 'neurite, detached†'];
  const body = rows.map((r) => [
    r.name,
    cell(r, 'neurite'),
    cell(r, 'tfjs-cpu'),
    cell(r, 'tfjs-wasm'),
    speedup(r, 'tfjs-cpu'),
    speedup(r, 'tfjs-wasm'),
    cell(r, 'neurite, detached'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
    'vs cpu, vs wasm: neurite throughput ÷ tfjs throughput in the same run (above 1: neurite is faster).',
    '† neurite again, in phase 2: after an ArrayBuffer has been detached in the process (as growing',
    '  WebAssembly memory does), V8 re-checks typed arrays on access, which slows all typed-array code.',
  ].join('\n');
}
