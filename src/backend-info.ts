// @file What this engine gives neurite (backend, kernel build, threads), for diagnostics pages and bug reports.
import { backend } from './backend/index.js';
import { getNumThreads, threadedJobCount } from './backend/wasm/threads.js';

/** A snapshot of the runtime: which backend runs the kernels, which wasm build, and the thread pool. */
export interface BackendInfo {
  /** The active backend's name: 'wasm' or 'js'. */
  backend: string;
  /** The wasm kernels in use: 'simd' (plain, the same bits everywhere) or 'relaxed-simd' (fused multiply-add); null on js. */
  kernelBuild: 'simd' | 'relaxed-simd' | null;
  /** Threads that large matmuls and convolutions may use (setNumThreads). */
  threads: number;
  /** How many jobs have been split across helper threads so far in this process or worker. */
  threadedJobs: number;
}

/**
 * The backend in use and how it runs, e.g. `{ backend: 'wasm', kernelBuild: 'simd', threads: 2, threadedJobs: 0 }`.
 * In a browser's main thread, await `backendReady` first: the wasm backend may arrive asynchronously.
 */
export function backendInfo(): BackendInfo {
  const active = backend();
  return {
    backend: active.name,
    kernelBuild: active.kernelBuild ?? null,
    threads: getNumThreads(),
    threadedJobs: threadedJobCount(),
  };
}
