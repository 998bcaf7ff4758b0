// @file The diagnostics page (web/diagnostics.html): runs diagnostics-worker.ts and shows what it found.

/** What the worker reports. */
export interface Diagnostics {
  backend: string;
  relaxedSimd: boolean;
  crossOriginIsolated: boolean;
  threads: number;
  /** Jobs split across helper workers during the threaded measurements. */
  splitJobs: number;
  matmulGflops: { oneThread: number; threads: number };
  convMs: { oneThread: number; threads: number };
  /** Whether the threaded results equal the single-thread ones bit for bit. */
  identical: boolean;
  error?: string;
}

const summary = document.querySelector<HTMLTableSectionElement>('#summary tbody')!;
const output = document.querySelector<HTMLPreElement>('#result')!;

function show(d: Diagnostics): void {
  const rows: [string, string][] = d.error
    ? [['error', d.error]]
    : [
        [
          'backend',
          `${d.backend}${d.backend === 'wasm' ? (d.relaxedSimd ? ' (relaxed SIMD: fused multiply-add)' : ' (SIMD)') : ''}`,
        ],
        [
          'cross-origin isolated',
          d.crossOriginIsolated ? 'yes' : 'no (SharedArrayBuffer unavailable: one thread)',
        ],
        ['threads', String(d.threads)],
        [
          'matmul 512², GFLOPS',
          `${d.matmulGflops.oneThread.toFixed(1)} on one thread, ${d.matmulGflops.threads.toFixed(1)} on ${d.threads}`,
        ],
        [
          'conv 16→32 3×3 on 32×16×28×28, ms',
          `${d.convMs.oneThread.toFixed(1)} on one thread, ${d.convMs.threads.toFixed(1)} on ${d.threads}`,
        ],
        ['jobs split across workers', String(d.splitJobs)],
        ['threaded results equal one thread’s', d.identical ? 'yes, bit for bit' : 'NO'],
      ];
  summary.replaceChildren(
    ...rows.map(([name, value]) => {
      const row = document.createElement('tr');
      for (const text of [name, value]) row.appendChild(document.createElement('td')).textContent = text;
      return row;
    }),
  );
  output.textContent = JSON.stringify(d, null, 2);
  output.dataset['done'] = 'true';
}

const worker = new Worker(new URL('./diagnostics-worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (event: MessageEvent<Diagnostics>) => show(event.data);
worker.onerror = (event) => show({ error: event.message } as Diagnostics);
