// @file The matmul worker thread's program, as plain JavaScript source (run with `new Worker(source, { eval: true })`).
//
// Source text rather than a module file, so that it runs the same from src/ under tsx or vitest and from dist/:
// no path to resolve, no transform to go through. It must stay plain JavaScript that runs as a script or as a module (it is a module when the
// process runs with --input-type=module; helpers get only the parent's WebAssembly flags: see threads.ts).

/** Int32 slots of the control SharedArrayBuffer shared by the pool and its workers. */
export const CONTROL = {
  /** Workers still busy with the current job; the last one to finish notifies the calling thread. */
  pending: 0,
  /** Set to 1 by a worker whose job threw (its message follows on its port). */
  failed: 1,
  /** The job's parameters: kind (JOB), m, k, n, transA, transB and the float offsets of A, B, C in the data buffer. */
  kind: 2,
  m: 3,
  k: 4,
  n: 5,
  transA: 6,
  transB: 7,
  aAt: 8,
  bAt: 9,
  cAt: 10,
  /** Worker i's slots start at workers + 4·i: its generation (bumped to wake it), first row, end row. */
  workers: 16,
  slotSize: 4,
} as const;

/** Job kinds: a share of a matrix product, or a deliberate failure (tests use it to check error reporting). */
export const JOB = { gemm: 1, fail: 2 } as const;

/**
 * The worker: instantiates the kernels on its own memory (a new, larger memory when a job needs more, never
 * grown: see runtime.ts), then loops: sleep on its generation slot, drain its port (a new data buffer or
 * nothing), compute rows [rowStart, rowEnd) of C = op(A)·op(B) from the shared data buffer into it, count down
 * `pending`. The gemm is the one the calling thread runs, so every element is computed with the same blocking.
 */
export const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = process.getBuiltinModule('node:worker_threads');
const { module, control, slot, port } = workerData;
const C = ${JSON.stringify(CONTROL)};
const JOB = ${JSON.stringify(JOB)};
const PAGE = 65536;
const ALIGN = 64;
const aligned = (bytes) => Math.ceil(bytes / ALIGN) * ALIGN;
const ctrl = new Int32Array(control);
const mySlot = C.workers + C.slotSize * slot;
let memory, kernels, base, scratchBytes, heap, startError;
try {
  memory = new WebAssembly.Memory({ initial: 256 });
  kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  base = aligned(kernels.heapBase());
  scratchBytes = aligned(kernels.gemmScratchBytes());
  heap = new Float32Array(memory.buffer);
} catch (error) {
  startError = error; // reported by every job
}
let data = null;

function reserve(bytes) {
  const have = memory.buffer.byteLength;
  if (base + bytes <= have) return;
  const pages = Math.ceil(Math.max(base + bytes, 2 * have) / PAGE);
  memory = new WebAssembly.Memory({ initial: pages });
  kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  heap = new Float32Array(memory.buffer);
}

function run() {
  if (startError) throw startError;
  const kind = ctrl[C.kind];
  if (kind === JOB.fail) throw new Error('deliberate failure (test)');
  const m = ctrl[C.m], k = ctrl[C.k], n = ctrl[C.n];
  const transA = ctrl[C.transA] === 1, transB = ctrl[C.transB] === 1;
  const aAt = ctrl[C.aAt], bAt = ctrl[C.bAt], cAt = ctrl[C.cAt];
  const r0 = ctrl[mySlot + 1], r1 = ctrl[mySlot + 2];
  const rows = r1 - r0;
  // op(A)'s rows r0..r1: contiguous when A is not transposed, else columns of A (copy all of A, start at r0).
  const aFloats = transA ? k * m : rows * k;
  const aFrom = transA ? aAt : aAt + r0 * k;
  const aRegion = aligned(aFloats * 4), bRegion = aligned(k * n * 4);
  reserve(scratchBytes + aRegion + bRegion + rows * n * 4);
  const scratch = base, aPtr = base + scratchBytes, bPtr = aPtr + aRegion, cPtr = bPtr + bRegion;
  heap.set(data.subarray(aFrom, aFrom + aFloats), aPtr >> 2);
  heap.set(data.subarray(bAt, bAt + k * n), bPtr >> 2);
  kernels.gemm(
    transA ? aPtr + r0 * 4 : aPtr, transA ? 1 : k, transA ? m : 1,
    bPtr, transB ? 1 : n, transB ? k : 1,
    cPtr, rows, k, n, scratch,
  );
  data.set(heap.subarray(cPtr >> 2, (cPtr >> 2) + rows * n), cAt + r0 * n);
}

let generation = 0;
for (;;) {
  Atomics.wait(ctrl, mySlot, generation);
  generation = Atomics.load(ctrl, mySlot);
  try {
    for (let received; (received = receiveMessageOnPort(port)); ) data = new Float32Array(received.message);
    run();
  } catch (error) {
    Atomics.store(ctrl, C.failed, 1);
    port.postMessage(String((error && error.message) || error));
  }
  if (Atomics.sub(ctrl, C.pending, 1) === 1) Atomics.notify(ctrl, C.pending);
}
`;
