// @file Worker threads for large wasm matmuls (Node): the thread count, and a pool that splits C's rows.
import type * as WorkerThreads from 'node:worker_threads';
import { ValueError } from '../../errors.js';
import { CONTROL, JOB, WORKER_SOURCE } from './worker.js';

type WorkerModule = typeof WorkerThreads;

/** Rows of a share are a multiple of the register tile's height, so that no share ends in a padded tile. */
const ROW_GRANULE = 4;
/** Products below this many multiply-adds stay on the calling thread (waking workers costs tens of µs). */
export const THREADED_MIN_WORK = 128 ** 3;

/**
 * node:worker_threads where a synchronous caller may use it: Node (≥ 20.16, for process.getBuiltinModule),
 * whose main thread may block in Atomics.wait. Browsers get null: their main thread may not block, and
 * SharedArrayBuffer needs cross-origin isolation there, so the wasm backend stays single-threaded.
 */
function workerThreads(): WorkerModule | null {
  const process = globalThis.process as (NodeJS.Process & { getBuiltinModule?: unknown }) | undefined;
  if (typeof process?.getBuiltinModule !== 'function' || typeof SharedArrayBuffer !== 'function') return null;
  try {
    return process.getBuiltinModule('node:worker_threads') ?? null;
  } catch {
    return null;
  }
}

const threadsModule = workerThreads();

function defaultThreads(): number {
  if (!threadsModule) return 1;
  const os = globalThis.process.getBuiltinModule('node:os');
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

let numThreads = defaultThreads();

/**
 * Threads that a large float32 matmul on the wasm backend is split across (the calling thread computes one
 * share). Defaults to the core count in Node and is 1 where threads are unsupported (browsers). Like
 * torch.get_num_threads().
 */
export function getNumThreads(): number {
  return numThreads;
}

/**
 * Sets the number of threads for large matmuls (like torch.set_num_threads(n)); 1 turns threading off and
 * stops the workers. Results do not depend on it: every element is computed the same way on any thread. Where
 * threads are unsupported the count stays 1.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1)
    throw new ValueError('setNumThreads', `expected an integer ≥ 1, got ${n}`);
  numThreads = threadsModule ? n : 1;
  for (const pool of poolsByFlavour.values()) pool.resize(numThreads - 1);
}

const poolsByFlavour = new Map<string, MatmulPool>();

interface Helper {
  worker: WorkerThreads.Worker;
  /** The calling thread's end of the helper's channel: new data buffers go out, error messages come back. */
  port: WorkerThreads.MessagePort;
}

/** One matrix product for the pool: C (m×n, written to `out` from `outOffset`) = op(A)·op(B). */
export interface MatmulJob {
  a: Float32Array;
  aOffset: number;
  b: Float32Array;
  bOffset: number;
  out: Float32Array;
  outOffset: number;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
}

/**
 * Helper threads, each running the same kernels on its own memory. A job is copied into a SharedArrayBuffer
 * (op(A)'s helper rows and all of B), each helper computes a block of C's rows into it while the calling thread
 * computes the first block itself (`computeOwnRows`), then the caller sleeps in Atomics.wait until the helpers'
 * count reaches zero and copies their rows out. Helpers are unref'd: they never keep a process alive.
 */
export class MatmulPool {
  private readonly module: WebAssembly.Module;
  private readonly helpers: Helper[] = [];
  private control = newControl();
  private data = new Float32Array(new SharedArrayBuffer(4));
  /** Per helper: whether it has been sent the current data buffer. */
  private readonly hasData: boolean[] = [];

  constructor(module: WebAssembly.Module) {
    this.module = module;
  }

  /** Helper threads that a job may use now (numThreads − 1, capped at 63). */
  get size(): number {
    return Math.min(numThreads - 1, 63);
  }

  /**
   * Keeps at most `count` helpers. Shrinking stops them all (they respawn on demand) and moves to a new control
   * buffer: a helper that is still shutting down must not take a later job from a reused slot.
   */
  resize(count: number): void {
    if (this.helpers.length <= count) return;
    for (const helper of this.helpers.splice(0)) void helper.worker.terminate();
    this.hasData.length = 0;
    this.control = newControl();
  }

  private spawn(): void {
    const workerModule = threadsModule!;
    const { port1, port2 } = new workerModule.MessageChannel();
    const slot = this.helpers.length;
    const worker = new workerModule.Worker(WORKER_SOURCE, {
      eval: true,
      // Not the parent's loaders or --input-type (tsx, vitest): the helper is plain JavaScript, and it must not
      // depend on the parent's event loop to start, since the parent may be blocked in Atomics.wait.
      execArgv: process.execArgv.filter((flag) => /^--(no-)?(experimental-)?wasm/.test(flag)),
      workerData: { module: this.module, control: this.control.buffer, slot, port: port2 },
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    // A helper that dies between jobs (killed, out of memory) takes the pool down; the next job starts afresh.
    worker.once('exit', () => {
      if (this.helpers.some((h) => h.worker === worker)) this.resize(0);
    });
    this.helpers.push({ worker, port: port1 });
    this.hasData.push(false);
  }

  /** How many threads (the caller included) share a product of m rows and `work` multiply-adds: 1 = do not split. */
  shares(m: number, work: number): number {
    if (work < THREADED_MIN_WORK || this.size < 1) return 1;
    return Math.min(this.size + 1, Math.floor(m / ROW_GRANULE));
  }

  /**
   * Runs `job` on `shares` threads: rows [0, r) on the caller through `computeOwnRows(r)`, the rest on helpers.
   * Throws an Error naming `op` when a helper fails or does not answer.
   */
  run(op: string, job: MatmulJob, shares: number, computeOwnRows: (rows: number) => void): void {
    const { m, k, n, transA, transB } = job;
    // The caller takes the first block of rows, helpers the following ones (the last may be shorter).
    const rowsPerShare = Math.ceil(m / shares / ROW_GRANULE) * ROW_GRANULE;
    const helperCount = Math.ceil(m / rowsPerShare) - 1;
    while (this.helpers.length < helperCount) this.spawn();
    const firstHelperRow = rowsPerShare;
    const aFloats = m * k;
    const bFloats = k * n;
    const cFloats = m * n;
    const aAt = 0;
    const bAt = aFloats;
    const cAt = bAt + bFloats;
    this.ensureData(cAt + cFloats);
    const data = this.data;
    if (transA) data.set(job.a.subarray(job.aOffset, job.aOffset + aFloats), aAt);
    else
      data.set(
        job.a.subarray(job.aOffset + firstHelperRow * k, job.aOffset + aFloats),
        aAt + firstHelperRow * k,
      );
    data.set(job.b.subarray(job.bOffset, job.bOffset + bFloats), bAt);
    const control = this.control;
    const params = [JOB.gemm, m, k, n, transA ? 1 : 0, transB ? 1 : 0, aAt, bAt, cAt];
    if (failNextJob) params[0] = JOB.fail;
    failNextJob = false;
    params.forEach((value, i) => Atomics.store(control, CONTROL.kind + i, value));
    Atomics.store(control, CONTROL.failed, 0);
    Atomics.store(control, CONTROL.pending, helperCount);
    for (let h = 0; h < helperCount; h++) {
      const helper = this.helpers[h]!;
      if (!this.hasData[h]) {
        helper.port.postMessage(data.buffer);
        this.hasData[h] = true;
      }
      const slot = CONTROL.workers + CONTROL.slotSize * h;
      const start = firstHelperRow + h * rowsPerShare;
      Atomics.store(control, slot + 1, start);
      Atomics.store(control, slot + 2, Math.min(m, start + rowsPerShare));
      Atomics.add(control, slot, 1);
      Atomics.notify(control, slot);
    }
    try {
      computeOwnRows(Math.min(m, rowsPerShare));
    } finally {
      this.await(op, k * m * n);
    }
    if (Atomics.load(control, CONTROL.failed) !== 0) {
      const messages: unknown[] = [];
      for (const helper of this.helpers) {
        for (let got; (got = threadsModule!.receiveMessageOnPort(helper.port));) messages.push(got.message);
      }
      throw new Error(`${op}: a worker thread failed: ${String(messages[0] ?? 'unknown error')}`);
    }
    job.out.set(data.subarray(cAt + firstHelperRow * n, cAt + cFloats), job.outOffset + firstHelperRow * n);
  }

  /** Sleeps until every helper has finished; a helper that stays silent far too long is taken for dead. */
  private await(op: string, work: number): void {
    const deadline = Date.now() + 30_000 + work / 1e5;
    for (;;) {
      const pending = Atomics.load(this.control, CONTROL.pending);
      if (pending === 0) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.resize(0);
        throw new Error(`${op}: worker threads did not finish (${pending} still busy); they were stopped`);
      }
      Atomics.wait(this.control, CONTROL.pending, pending, left);
    }
  }

  /** A shared data buffer of at least `floats` floats (a new, larger one is sent to each helper before use). */
  private ensureData(floats: number): void {
    if (this.data.length >= floats) return;
    this.data = new Float32Array(new SharedArrayBuffer(4 * Math.max(floats, 2 * this.data.length)));
    this.hasData.fill(false);
  }
}

let failNextJob = false;

/** Room for the job's parameters and 63 helpers' slots, all zero. */
function newControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * (CONTROL.workers + CONTROL.slotSize * 64)));
}

/** For tests: makes the helpers of the next threaded job throw, to exercise error reporting. */
export function failNextThreadedJob(): void {
  failNextJob = true;
}

/**
 * The pool for one build of the kernels (`flavour`: which build; every module of a flavour has the same bytes),
 * made with `module` on first request; helpers start on first use. Null where threads are unsupported.
 */
export function matmulPool(flavour: string, module: WebAssembly.Module): MatmulPool | null {
  if (!threadsModule) return null;
  let pool = poolsByFlavour.get(flavour);
  if (!pool) {
    pool = new MatmulPool(module);
    poolsByFlavour.set(flavour, pool);
  }
  return pool;
}
