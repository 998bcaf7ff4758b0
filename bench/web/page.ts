// @file The browser bench page: times every workload for neurite (webgpu, wasm), TensorFlow.js (webgpu) and
// jax-js (webgpu) in this page, on one adapter, and publishes the results as `window.benchReport` (read by
// bench/web/index.ts) and as a table on the page. Query: ?workloads=matmul,add&contenders=…&budget=MS&warmup=N.
import { backendReady, getBackend, setBackend } from '../../src/index.js';
import { jaxWorkload, startJaxWebGpu } from './jax-side.js';
import { neuriteWorkload } from './neurite-side.js';
import { startTfjsWebGpu, tfjsWorkload } from './tfjs-side.js';
import {
  CONTENDERS,
  RUN_ORDER,
  SIZES,
  WORKLOAD_IDS,
  WORKLOAD_NAMES,
  timeWorkload,
  useSmallSizes,
  type ContenderId,
  type Outcome,
  type Workload,
  type WorkloadId,
} from './workload.js';

/** What the page reports when it is done. */
export interface BenchReport {
  adapter: string | null;
  userAgent: string;
  options: { budgetMs: number; warmupCalls: number; minRounds: number };
  /** The workloads' sizes (small ones only in smoke tests). */
  sizes: typeof SIZES;
  workloads: WorkloadId[];
  contenders: ContenderId[];
  /** results[workload][contender]. */
  results: Record<string, Record<string, Outcome>>;
  error?: string;
}

declare global {
  interface Window {
    benchReport?: BenchReport;
  }
}

const query = new URLSearchParams(location.search);
const list = <T extends string>(key: string, all: readonly T[]): T[] => {
  const wanted = query.get(key)?.split(',');
  return wanted ? all.filter((id) => wanted.includes(id)) : [...all];
};
const positive = (key: string, fallback: number): number => {
  const value = Number(query.get(key));
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

if (query.get('small') === '1') useSmallSizes();
const workloads = list('workloads', WORKLOAD_IDS);
const contenders = list('contenders', CONTENDERS);
const options = {
  budgetMs: positive('budget', 1500),
  warmupCalls: positive('warmup', 3),
  minRounds: positive('rounds', 3),
};
/** A workload that has not finished after this long is reported as timed out (a hang must not stall the run). */
const TIMEOUT_MS = positive('timeout', 120_000);

function log(text: string): void {
  const line = document.createElement('div');
  line.textContent = text;
  document.getElementById('log')?.append(line);
  (window as { benchLog?: (text: string) => void }).benchLog?.(text);
}

async function describeAdapter(): Promise<string | null> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } })
    .gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  if (!adapter) return null;
  const info = adapter.info ?? {};
  return [info['vendor'], info['architecture'], info['description']].filter(Boolean).join(' ') || 'unnamed';
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), TIMEOUT_MS)),
  ]);
}

/** Starts a contender's backend; returns why it cannot run, or null. */
async function start(contender: ContenderId): Promise<string | null> {
  switch (contender) {
    case 'neurite-wasm':
      await backendReady;
      try {
        setBackend('wasm');
        return null;
      } catch (error) {
        return `no wasm backend here (${String(error)})`;
      }
    case 'neurite-webgpu':
      try {
        const pending: unknown = setBackend('webgpu');
        await pending;
        return getBackend() === 'webgpu' ? null : `setBackend('webgpu') left ${getBackend()} active`;
      } catch (error) {
        return `not available: ${error instanceof Error ? error.message : String(error)}`;
      }
    case 'tfjs-webgpu':
      return (await startTfjsWebGpu()) ? null : 'not available: tfjs could not start its webgpu backend';
    case 'jax-webgpu':
      return (await startJaxWebGpu()) ? null : 'not available: jax-js could not start its webgpu device';
  }
}

function build(contender: ContenderId, id: WorkloadId): Workload {
  if (contender === 'tfjs-webgpu') return tfjsWorkload(id);
  if (contender === 'jax-webgpu') return jaxWorkload(id);
  return neuriteWorkload(id);
}

async function run(): Promise<BenchReport> {
  const report: BenchReport = {
    adapter: await describeAdapter(),
    userAgent: navigator.userAgent,
    options,
    sizes: { ...SIZES },
    workloads,
    contenders,
    results: Object.fromEntries(workloads.map((id) => [id, {}])),
  };
  log(`adapter: ${report.adapter ?? 'none'}`);
  for (const contender of RUN_ORDER.filter((c) => contenders.includes(c))) {
    const unavailable = await start(contender);
    for (const id of workloads) {
      let outcome: Outcome;
      if (unavailable) outcome = { unavailable };
      else {
        let workload: Workload | null = null;
        try {
          workload = build(contender, id);
          outcome = await withTimeout(timeWorkload(workload, options), `${contender} ${id}`);
        } catch (error) {
          outcome = { error: error instanceof Error ? error.message : String(error) };
        } finally {
          try {
            workload?.dispose();
          } catch {
            // A failed workload may not dispose cleanly; its outcome already says so.
          }
        }
      }
      report.results[id]![contender] = outcome;
      log(`${WORKLOAD_NAMES[id]} · ${contender}: ${JSON.stringify(outcome)}`);
    }
  }
  return report;
}

run()
  .then((report) => {
    window.benchReport = report;
    log('done');
  })
  .catch((error: unknown) => {
    window.benchReport = {
      adapter: null,
      userAgent: navigator.userAgent,
      options,
      sizes: { ...SIZES },
      workloads,
      contenders,
      results: {},
      error: String(error),
    };
    log(`failed: ${String(error)}`);
  });
