// @file The browser bench's table: one row per workload, each contender's best time per call and throughput, and
// ratios against TensorFlow.js webgpu on the same adapter (tfjs time / contender time: above 1 is faster).
import type { BenchReport } from './page.js';
import { WORKLOAD_NAMES, throughput, type ContenderId, type Outcome, type WorkloadId } from './workload.js';

const BASELINE: ContenderId = 'tfjs-webgpu';

function cell(id: WorkloadId, outcome: Outcome | undefined): string {
  if (!outcome) return '–';
  if ('unavailable' in outcome) return 'not available';
  if ('error' in outcome) return 'failed';
  const { value, unit } = throughput(id, outcome.ms);
  return `${outcome.ms.toFixed(2)} ms (${value.toFixed(value >= 100 ? 0 : 1)} ${unit})`;
}

function ratio(outcome: Outcome | undefined, baseline: Outcome | undefined): string {
  if (!outcome || !baseline || !('ms' in outcome) || !('ms' in baseline)) return '–';
  return `${(baseline.ms / outcome.ms).toFixed(2)}×`;
}

/** The report as a Markdown table, the adapter above it and the failures' messages below. */
export function formatReport(report: BenchReport): string {
  const lines = [
    `adapter: ${report.adapter ?? 'none (no WebGPU adapter)'}`,
    `browser: ${report.userAgent}`,
    '',
  ];
  if (report.error) lines.push(`the page failed: ${report.error}`, '');
  if (report.sizes.batch !== 64) {
    const { matmulSide, addSide, batch } = report.sizes;
    lines.push(
      `small sizes (matmul ${matmulSide}², add ${addSide}², batch ${batch}): a smoke test, not a benchmark`,
      '',
    );
  }
  const others = report.contenders.filter((c) => c !== BASELINE);
  const header = [
    'workload',
    ...report.contenders,
    ...(report.contenders.includes(BASELINE) ? others.map((c) => `${c} vs tfjs-webgpu`) : []),
  ];
  lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`);
  const notes: string[] = [];
  for (const id of report.workloads) {
    const results = report.results[id] ?? {};
    const row = [WORKLOAD_NAMES[id], ...report.contenders.map((c) => cell(id, results[c]))];
    if (report.contenders.includes(BASELINE))
      row.push(...others.map((c) => ratio(results[c], results[BASELINE])));
    lines.push(`| ${row.join(' | ')} |`);
    for (const c of report.contenders) {
      const outcome = results[c];
      if (outcome && 'error' in outcome) notes.push(`${c} on ${id} failed: ${outcome.error}`);
    }
  }
  const unavailable = new Map<string, string>();
  for (const id of report.workloads) {
    for (const c of report.contenders) {
      const outcome = report.results[id]?.[c];
      if (outcome && 'unavailable' in outcome) unavailable.set(c, outcome.unavailable);
    }
  }
  for (const [c, why] of unavailable) notes.push(`${c}: ${why}`);
  lines.push(
    '',
    'Best time per call after a warm-up; every timed batch ends with a readback, so GPU work is complete.',
    'Ratios are tfjs-webgpu time / contender time on the same adapter (above 1: faster than TensorFlow.js).',
    ...notes,
  );
  return lines.join('\n');
}
