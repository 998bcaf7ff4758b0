// @file Worker threads for large wasm kernels (Node, and Web Workers in cross-origin-isolated pages): the thread
// count, and a pool that splits a matmul's rows or columns or a convolution's images.
import type * as WorkerThreads from 'node:worker_threads';
import { NeuriteError, ValueError } from '../../errors.js';
import { ShareBalance } from './share-balance.js';
import { BROWSER_WORKER_SOURCE, CONTROL, JOB, WORKER_SOURCE } from './worker.js';

type WorkerModule = typeof WorkerThreads;

/** Rows of a share are a multiple of the register tile's height, so that no share ends in a padded tile. */
const ROW_GRANULE = 4;
/** Columns of a share are a multiple of the register tile's width, for the same reason. */
const COLUMN_GRANULE = 8;
/**
 * Jobs below this many multiply-adds stay on the calling thread, and so do jobs with fewer than
 * MIN_WORK_PER_FLOAT multiply-adds per float of their operands and result: a helper copies its share in and out
 * of its own memory, and waking it costs 0.1–2 ms on a virtual machine whose idle core was descheduled. Measured
 * on the 2-core bench machine (wasm, 2 threads vs 1, in training steps): matmul 1024³ (341 per float) 1.9×
 * faster, convolutions 16→32 3×3 on 14×14 and 6→16 5×5 (about 90) 1.3–1.5×, but the MLP's 64×784·256 (48) and
 * the CNN's 64×1568·128 (42) slower. So in `neurite train fashion-mnist --model cnn` (batch 64) the second
 * convolution's three maps are split (about 95 per float) and nothing else: the first convolution (1→16, 8.5 per
 * float: its output is large beside its work), whose input needs no gradient, and the dense products stay on the
 * calling thread; scoring's batches of 256 also split the first dense product (256×1568·128).
 */
export const THREADED_MIN_WORK = 2 ** 21;
export const MIN_WORK_PER_FLOAT = 64;

let thresholds = { minWork: THREADED_MIN_WORK, minWorkPerFloat: MIN_WORK_PER_FLOAT };

/** For tests: other thresholds (e.g. 1 and 0 to split every job), or the defaults when called without. */
export function setThreadingThresholds(
  minWork = THREADED_MIN_WORK,
  minWorkPerFloat = MIN_WORK_PER_FLOAT,
): void {
  thresholds = { minWork, minWorkPerFloat };
}

/** Whether a job of `work` multiply-adds over `floats` floats of operands and result is worth splitting. */
function worthSplitting(work: number, floats: number): boolean {
  return work >= thresholds.minWork && work >= thresholds.minWorkPerFloat * floats;
}

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

/**
 * Whether this is a browser's Web Worker that may start helper workers and block: a worker (a page's main thread
 * may not block in Atomics.wait) of a cross-origin-isolated page (SharedArrayBuffer), with nested workers.
 */
function browserWorker(): boolean {
  if (threadsModule) return false;
  const scope = globalThis as {
    WorkerGlobalScope?: abstract new () => unknown;
    crossOriginIsolated?: boolean;
    Worker?: unknown;
  };
  return (
    typeof scope.WorkerGlobalScope === 'function' &&
    globalThis instanceof scope.WorkerGlobalScope &&
    scope.crossOriginIsolated === true &&
    typeof SharedArrayBuffer === 'function' &&
    typeof scope.Worker === 'function' &&
    typeof Blob === 'function' &&
    typeof URL.createObjectURL === 'function'
  );
}

const inBrowserWorker = browserWorker();

/** Helpers a browser worker may start, at most (each is a thread with its own copy of the kernels). */
const BROWSER_MAX_THREADS = 8;

function defaultThreads(): number {
  if (inBrowserWorker) {
    const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
      ?.hardwareConcurrency;
    return Math.max(1, Math.min(cores ?? 1, BROWSER_MAX_THREADS));
  }
  if (!threadsModule) return 1;
  const os = globalThis.process.getBuiltinModule('node:os');
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

let numThreads = defaultThreads();

/**
 * Threads that a large float32 matmul or convolution on the wasm backend is split across (the calling thread
 * computes one share). Defaults to the core count in Node and in Web Workers of cross-origin-isolated pages
 * (at most 8 there), and is 1 where threads are unsupported (a page's main thread, pages without cross-origin
 * isolation). Like torch.get_num_threads().
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
  numThreads = threadsModule || inBrowserWorker ? n : 1;
  for (const pool of poolsByFlavour.values()) pool.resize(numThreads - 1);
}

const poolsByFlavour = new Map<string, KernelPool>();

interface Helper {
  /** A Node worker thread, or a browser Web Worker. */
  worker: { terminate(): unknown };
  /** Node: the calling thread's end of the helper's channel (new data buffers out, error messages back). */
  port: WorkerThreads.MessagePort | null;
}

/** The largest data buffer a browser pool may grow to (a growable SharedArrayBuffer reserves this much). */
const BROWSER_MAX_DATA_BYTES = 1 << 30;

/** A growable SharedArrayBuffer (browsers' helpers keep one length-tracking view of it), or null if unsupported. */
function growableBuffer(bytes: number): SharedArrayBuffer | null {
  try {
    const Growable = SharedArrayBuffer as unknown as new (
      length: number,
      options: { maxByteLength: number },
    ) => SharedArrayBuffer & { grow(length: number): void; maxByteLength: number; growable: boolean };
    const buffer = new Growable(bytes, { maxByteLength: BROWSER_MAX_DATA_BYTES });
    return buffer.growable ? buffer : null;
  } catch {
    return null;
  }
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
 * Helper threads, each running the same kernels on its own memory. A job's inputs are copied into a shared data
 * buffer; each helper copies its share (rows or columns of a product, images of a convolution) into its own
 * memory, computes it and writes the result back, while the calling thread computes the first share itself; the
 * caller then sleeps in Atomics.wait until every helper has acknowledged the job's generation, and copies their
 * results out. Node helpers are unref'd: they never keep a process alive.
 */
export class KernelPool {
  private readonly module: WebAssembly.Module;
  private readonly helpers: Helper[] = [];
  private control = newControl();
  private data = new Float32Array(new SharedArrayBuffer(4));
  /** Browsers: the growable buffer behind `data` (a length-tracking view), shared with every helper once. */
  private readonly growable: (SharedArrayBuffer & { grow(length: number): void }) | null = null;
  /** Per helper: whether it has been sent the current data buffer. */
  private readonly hasData: boolean[] = [];
  /** How much of each kind of job the caller keeps (more than an even share: helpers also copy). */
  readonly balance = new ShareBalance();

  constructor(module: WebAssembly.Module) {
    this.module = module;
    if (inBrowserWorker) {
      this.growable = growableBuffer(1 << 16) as typeof this.growable;
      if (this.growable) this.data = new Float32Array(this.growable);
    }
  }

  /**
   * Helper threads that a job may use now: numThreads − 1, capped at 63. In a browser, helpers start
   * asynchronously (they are all started on the first call), and only those that have reported ready count.
   */
  get size(): number {
    const wanted = Math.min(numThreads - 1, 63);
    if (!inBrowserWorker) return wanted;
    if (!this.growable) return 0;
    while (this.helpers.length < wanted) this.spawn();
    let ready = 0;
    while (
      ready < wanted &&
      Atomics.load(this.control, CONTROL.workers + CONTROL.slotSize * ready + CONTROL.ready) === 1
    )
      ready++;
    return ready;
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
    if (inBrowserWorker) {
      this.spawnBrowser();
      return;
    }
    const workerModule = threadsModule!;
    const { port1, port2 } = new workerModule.MessageChannel();
    const slot = this.helpers.length;
    const worker = new workerModule.Worker(WORKER_SOURCE, {
      eval: true,
      // Not the parent's loaders or --input-type (tsx, vitest): the helper is plain JavaScript, and it must not
      // depend on the parent's event loop to start, since the parent may be blocked in Atomics.wait. No V8 flags
      // either: Worker refuses them (ERR_WORKER_INVALID_EXEC_ARGV, e.g. --experimental-wasm-relaxed-simd), and
      // they are process-wide, so the helper has the parent's already; it gets the module compiled here.
      execArgv: [],
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

  /** A browser helper: a classic Web Worker from a Blob URL, given everything it needs in its first message. */
  private spawnBrowser(): void {
    const slot = this.helpers.length;
    const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
    const WebWorker = (globalThis as unknown as { Worker: new (url: string) => Worker }).Worker;
    const worker = new WebWorker(url);
    URL.revokeObjectURL(url);
    worker.postMessage({ module: this.module, control: this.control.buffer, slot, buffer: this.growable });
    // A helper that fails to start (or dies) takes the pool down; the next job starts afresh.
    worker.addEventListener('error', () => {
      if (this.helpers.some((h) => h.worker === worker)) this.resize(0);
    });
    this.helpers.push({ worker, port: null });
    this.hasData.push(true); // it holds the growable buffer for good
  }

  /**
   * How a product of m×n outputs and `work` multiply-adds is split: across `shares` threads (the caller included;
   * 1 = not split), by columns when C has fewer rows than columns.
   */
  split(m: number, n: number, work: number): { shares: number; byColumns: boolean } {
    const byColumns = m < n;
    const k = work / (m * n);
    const floats = m * k + k * n + m * n;
    if (!worthSplitting(work, floats) || this.size < 1) return { shares: 1, byColumns };
    const extent = byColumns ? Math.floor(n / COLUMN_GRANULE) : Math.floor(m / ROW_GRANULE);
    return { shares: Math.max(1, Math.min(this.size + 1, extent)), byColumns };
  }

  /**
   * The shared data buffer for a piece job (runPieces), of at least `floats` floats: the caller writes the helpers'
   * inputs into it, and reads their outputs back from it. Valid until the next job.
   */
  dataFor(floats: number): Float32Array | null {
    return this.ensureData(floats) ? this.data : null;
  }

  /**
   * How many threads (the caller included) share `pieces` pieces of `work` multiply-adds over `floats` floats of
   * inputs and outputs: 1 = do not split.
   */
  pieceShares(pieces: number, work: number, floats: number): number {
    if (!worthSplitting(work, floats) || this.size < 1) return 1;
    return Math.min(this.size + 1, pieces);
  }

  /** The caller's pieces of a piece job on `shares` threads (ShareBalance): the helpers' inputs start there. */
  ownPieces(op: string, pieces: number, shares: number): number {
    return this.balance.ownCount(op, pieces, shares, 1);
  }

  /**
   * Runs a job of `pieces` pieces on `shares` threads: pieces [0, own) on the caller through `computeOwn(own)`
   * (own from ownPieces()), the rest in equal ranges on helpers, which read their inputs from and write their
   * outputs to the buffer of dataFor() as the job's parameters (`params`, written from CONTROL.kind on) say.
   * Throws an Error naming `op` when a helper fails or does not answer.
   */
  runPieces(
    op: string,
    params: readonly number[],
    pieces: number,
    own: number,
    shares: number,
    work: number,
    computeOwn: (ownPieces: number) => void,
  ): void {
    this.dispatch(op, params, pieces, own, Math.ceil((pieces - own) / (shares - 1)), work, computeOwn);
  }

  /**
   * The common part of every job: `extent` units (rows, columns or pieces), [0, own) for the caller and the rest
   * in ranges of `perHelper` for helpers; writes `params` from CONTROL.kind on, wakes the helpers, runs
   * `computeOwn(own)`, waits for every helper, tells the balance how long each side took, and throws if a helper
   * failed.
   */
  private dispatch(
    op: string,
    params: readonly number[],
    extent: number,
    own: number,
    perHelper: number,
    work: number,
    computeOwn: (ownCount: number) => void,
  ): void {
    const helperCount = Math.ceil((extent - own) / perHelper);
    while (this.helpers.length < helperCount) this.spawn();
    const control = this.control;
    params.forEach((value, i) => Atomics.store(control, CONTROL.kind + i, value));
    if (failNextJob) Atomics.store(control, CONTROL.kind, JOB.fail);
    failNextJob = false;
    Atomics.store(control, CONTROL.failed, 0);
    const woken: number[] = [];
    for (let h = 0; h < helperCount; h++) {
      const start = own + h * perHelper;
      woken.push(this.wake(h, start, Math.min(extent, start + perHelper)));
    }
    if (helperCount > 0) splitJobs++;
    const started = performance.now();
    let computed = started;
    try {
      computeOwn(own);
      computed = performance.now();
    } finally {
      this.await(op, work, woken);
    }
    this.throwIfFailed(op);
    const ownMs = computed - started;
    this.balance.record(op, extent, own, helperCount, ownMs, performance.now() - computed);
  }

  /**
   * Hands helper h the range [start, end) of the current job and wakes it (sending a new data buffer first).
   * Returns the job's generation for that helper: the helper writes it to its `done` slot when finished.
   */
  private wake(h: number, start: number, end: number): number {
    const helper = this.helpers[h]!;
    if (!this.hasData[h]) {
      helper.port?.postMessage(this.data.buffer);
      this.hasData[h] = true;
    }
    const slot = CONTROL.workers + CONTROL.slotSize * h;
    Atomics.store(this.control, slot + 1, start);
    Atomics.store(this.control, slot + 2, end);
    const generation = Atomics.add(this.control, slot, 1) + 1;
    Atomics.notify(this.control, slot);
    return generation;
  }

  /** After a job: throws the first helper's error message, if any helper failed. */
  private throwIfFailed(op: string): void {
    if (Atomics.load(this.control, CONTROL.failed) === 0) return;
    const messages: unknown[] = [];
    for (const helper of this.helpers) {
      if (!helper.port) continue; // browsers: the helper logged its error to the console
      for (let got; (got = threadsModule!.receiveMessageOnPort(helper.port));) messages.push(got.message);
    }
    throw new NeuriteError(op, `a worker thread failed: ${String(messages[0] ?? 'unknown error')}`);
  }

  /**
   * Runs `job` on `shares` threads, split by rows of C when `byColumns` is false, else by columns: the caller
   * computes the first block through `computeOwn(count)` (rows [0, count) or columns [0, count)), helpers the
   * following ones. By rows, each thread packs all of op(B); by columns, only its block of op(B) (better when C
   * has few rows, e.g. a batch of 64 through a wide layer). Throws an Error naming `op` when a helper fails.
   */
  run(
    op: string,
    job: MatmulJob,
    shares: number,
    byColumns: boolean,
    computeOwn: (count: number) => void,
  ): void {
    const { m, k, n, transA, transB } = job;
    const extent = byColumns ? n : m;
    const granule = byColumns ? COLUMN_GRANULE : ROW_GRANULE;
    // The caller takes the first block, helpers the following ones (the last may be shorter).
    const kind = byColumns ? `${op} by columns` : op;
    const firstHelper = this.balance.ownCount(kind, extent, shares, granule);
    const perHelper = Math.ceil((extent - firstHelper) / (shares - 1) / granule) * granule;
    const aFloats = m * k;
    const bFloats = k * n;
    const cFloats = m * n;
    const aAt = 0;
    const bAt = aFloats;
    const cAt = bAt + bFloats;
    if (!this.ensureData(cAt + cFloats)) {
      computeOwn(extent); // the shared buffer cannot grow that far: all of it here
      return;
    }
    const data = this.data;
    const a = job.a.subarray(job.aOffset, job.aOffset + aFloats);
    const b = job.b.subarray(job.bOffset, job.bOffset + bFloats);
    // What helpers read: by rows, their rows of A (all of A when transposed) and all of B; by columns, all of A
    // and their columns of B (rows of the stored Bᵀ when transposed, else all of B).
    if (byColumns || transA) data.set(a, aAt);
    else data.set(a.subarray(firstHelper * k), aAt + firstHelper * k);
    if (byColumns && transB) data.set(b.subarray(firstHelper * k), bAt + firstHelper * k);
    else data.set(b, bAt);
    const params = [JOB.gemm, m, k, n, transA ? 1 : 0, transB ? 1 : 0, aAt, bAt, cAt, byColumns ? 1 : 0];
    this.dispatch(kind, params, extent, firstHelper, perHelper, k * m * n, computeOwn);
    if (!byColumns) {
      job.out.set(data.subarray(cAt + firstHelper * n, cAt + cFloats), job.outOffset + firstHelper * n);
      return;
    }
    // Helper h's block of columns [c0, c1) is stored m × (c1 − c0) from cAt + m·c0.
    for (let c0 = firstHelper; c0 < n; c0 += perHelper) {
      const width = Math.min(n, c0 + perHelper) - c0;
      scatterColumns(data, cAt + m * c0, m, width, job.out, job.outOffset + c0, n);
    }
  }

  /**
   * Sleeps until helper h (for each h < generations.length) has written generations[h] to its `done` slot; a
   * helper that stays silent far too long is taken for dead. Each helper acknowledges its own generation, so a
   * helper can never be counted twice or for another job.
   */
  private await(op: string, work: number, generations: readonly number[]): void {
    const deadline = Date.now() + 30_000 + work / 1e5;
    for (let h = 0; h < generations.length; h++) {
      const done = CONTROL.workers + CONTROL.slotSize * h + CONTROL.done;
      for (;;) {
        const seen = Atomics.load(this.control, done);
        if (seen === generations[h]) break;
        const left = deadline - Date.now();
        if (left <= 0) {
          this.resize(0);
          const busy = generations.length - h;
          throw new NeuriteError(op, `worker threads did not finish (${busy} still busy); they were stopped`);
        }
        Atomics.wait(this.control, done, seen, left);
      }
    }
  }

  /** A shared data buffer of at least `floats` floats (a new, larger one is sent to each helper before use). */
  /**
   * Makes the data buffer hold at least `floats` floats: a new, larger SharedArrayBuffer (sent to each helper
   * before its next job) in Node; the growable buffer grown in place in browsers. False when a browser's buffer
   * cannot grow that far (the caller then computes everything itself).
   */
  private ensureData(floats: number): boolean {
    if (this.data.length >= floats) return true;
    if (this.growable) {
      const bytes = Math.min(BROWSER_MAX_DATA_BYTES, Math.max(4 * floats, 2 * this.growable.byteLength));
      if (bytes < 4 * floats) return false;
      this.growable.grow(bytes);
      return true;
    }
    this.data = new Float32Array(new SharedArrayBuffer(4 * Math.max(floats, 2 * this.data.length)));
    this.hasData.fill(false);
    return true;
  }
}

/** Copies a block of `rows` × `width` floats (row-major, from `from`) into `out` from `at`, rows `stride` apart. */
export function scatterColumns(
  source: Float32Array,
  from: number,
  rows: number,
  width: number,
  out: Float32Array,
  at: number,
  stride: number,
): void {
  for (let r = 0; r < rows; r++) {
    out.set(source.subarray(from + r * width, from + (r + 1) * width), at + r * stride);
  }
}

let failNextJob = false;
let splitJobs = 0;

/** How many jobs have been split across helper threads in this process (diagnostics, tests). */
export function threadedJobCount(): number {
  return splitJobs;
}

/** Room for the job's parameters and 63 helpers' slots, all zero. */
function newControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * (CONTROL.workers + CONTROL.slotSize * 64)));
}

/** For tests: makes the helpers of the next threaded job throw, to exercise error reporting. */
/**
 * For tests: the fraction of every split job the calling thread computes, in every pool (null: learned by each
 * pool's ShareBalance, the default).
 */
export function fixCallerShare(fraction: number | null): void {
  callerShare = fraction;
  for (const pool of poolsByFlavour.values()) pool.balance.fixed = fraction;
}

let callerShare: number | null = null;

export function failNextThreadedJob(fail = true): void {
  failNextJob = fail;
}

/**
 * The pool for one build of the kernels (`flavour`: which build; every module of a flavour has the same bytes),
 * made with `module` on first request; helpers start on first use. Null where threads are unsupported.
 */
export function kernelPool(flavour: string, module: WebAssembly.Module): KernelPool | null {
  if (!threadsModule && !inBrowserWorker) return null;
  let pool = poolsByFlavour.get(flavour);
  if (!pool) {
    pool = new KernelPool(module);
    pool.balance.fixed = callerShare;
    poolsByFlavour.set(flavour, pool);
  }
  return pool;
}
