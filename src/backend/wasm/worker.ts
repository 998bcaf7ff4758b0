// @file The kernel worker thread's program (matmul rows, convolution pieces), as plain JavaScript source (run with `new Worker(source, { eval: true })`).
//
// Source text rather than a module file, so that it runs the same from src/ under tsx or vitest and from dist/:
// no path to resolve, no transform to go through. It must stay plain JavaScript that runs as a script or as a module (it is a module when the
// process runs with --input-type=module; helpers get no execArgv: see threads.ts).

/** Int32 slots of the control SharedArrayBuffer shared by the pool and its workers. */
export const CONTROL = {
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
  /** 1: the share is a block of C's columns [start, end), else of its rows. */
  byColumns: 11,
  /**
   * Worker i's slots start at workers + slotSize·i: its generation (bumped to wake it), first and end row (or
   * piece), the last generation it finished (`done`, written when its job is over, then notified) and `ready`.
   */
  workers: 48,
  slotSize: 8,
  done: 3,
  /** Set to 1 by the worker once its kernels are instantiated (browsers use only ready helpers). */
  ready: 4,
} as const;

/**
 * A convolution job's parameters, from CONTROL.kind + 1 on (they share the slots of the matmul's): which map
 * (CONV_MAP), the geometry, Window2d's twelve fields, and the float offsets and per-image sizes of its inputs and
 * outputs in the data buffer. Pieces are `imagesPerPiece` images each; piece p's output lies at outAt + p·outPiece;
 * per-image inputs (bImage 0: b is shared, bSize floats) are read from image p·imagesPerPiece on.
 */
export const CONV = {
  map: 3,
  images: 4,
  inChannels: 5,
  outChannels: 6,
  groups: 7,
  window: 8, // 12 slots
  aAt: 20,
  aImage: 21,
  bAt: 22,
  bImage: 23,
  bSize: 24,
  /** −1 for none. */
  biasAt: 25,
  outAt: 26,
  outPiece: 27,
  imagesPerPiece: 28,
  colsFloats: 29,
} as const;

/** CONV.map values. */
export const CONV_MAP = { forward: 0, inputGrad: 1, weightGrad: 2 } as const;

/** Job kinds: a share of a matrix product or of a convolution, or a deliberate failure (tests use it to check error reporting). */
export const JOB = { gemm: 1, fail: 2, conv: 3 } as const;

/**
 * The worker: instantiates the kernels on its own memory (a new, larger memory when a job needs more, never
 * grown: see runtime.ts), then loops: sleep until its generation slot moves on, drain its port (a new data
 * buffer or nothing), compute its share (rows or columns of C = op(A)·op(B), or pieces of a convolution) from
 * the shared data buffer into it, and write the generation to its `done` slot. The kernels are the ones the
 * calling thread runs, so every element is computed the same way on any thread.
 */
const WORKER_BODY = `
const C = ${JSON.stringify(CONTROL)};
const JOB = ${JSON.stringify(JOB)};
const CONV = ${JSON.stringify(CONV)};
const PAGE = 65536;
const ALIGN = 64;
const aligned = (bytes) => Math.ceil(bytes / ALIGN) * ALIGN;
// serve(): the helper's life. currentData() returns the shared data buffer (as floats) to read this job from;
// report(text) passes an error message on. Never returns.
function serve(module, control, slot, currentData, report) {
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
Atomics.store(ctrl, mySlot + C.ready, 1);

function reserve(bytes) {
  const have = memory.buffer.byteLength;
  if (base + bytes <= have) return;
  const pages = Math.ceil(Math.max(base + bytes, 2 * have) / PAGE);
  memory = new WebAssembly.Memory({ initial: pages });
  kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
  heap = new Float32Array(memory.buffer);
}

// Pieces [p0, p1) of a convolution map: this thread's images' inputs in, the kernel over them, their outputs out.
function runConv() {
  const at = (slot) => ctrl[slot];
  const map = at(CONV.map), images = at(CONV.images), ipp = at(CONV.imagesPerPiece);
  const p0 = ctrl[mySlot + 1], p1 = ctrl[mySlot + 2];
  const n0 = p0 * ipp, n1 = Math.min(images, p1 * ipp);
  const aImage = at(CONV.aImage), bImage = at(CONV.bImage), outPiece = at(CONV.outPiece);
  const aFloats = (n1 - n0) * aImage;
  const bFloats = bImage > 0 ? (n1 - n0) * bImage : at(CONV.bSize);
  const biasAt = at(CONV.biasAt), outChannels = at(CONV.outChannels);
  const regions = [scratchBytes, aligned(at(CONV.colsFloats) * 4), aligned(aFloats * 4), aligned(bFloats * 4),
    aligned(biasAt >= 0 ? outChannels * 4 : 0), (p1 - p0) * outPiece * 4];
  reserve(regions.reduce((sum, r) => sum + r, 0));
  const ptrs = [];
  let next = base;
  for (const r of regions) { ptrs.push(next); next += r; }
  const [scratch, cols, aPtr, bPtr, biasPtr, outPtr] = ptrs;
  const aFrom = at(CONV.aAt) + n0 * aImage;
  heap.set(data.subarray(aFrom, aFrom + aFloats), aPtr >> 2);
  const bFrom = at(CONV.bAt) + (bImage > 0 ? n0 * bImage : 0);
  heap.set(data.subarray(bFrom, bFrom + bFloats), bPtr >> 2);
  if (biasAt >= 0) heap.set(data.subarray(biasAt, biasAt + outChannels), biasPtr >> 2);
  const window = [];
  for (let i = 0; i < 12; i++) window.push(at(CONV.window + i));
  const shape = [at(CONV.inChannels), outChannels, at(CONV.groups), cols, scratch];
  // Forward and input-gradient pieces are single images with contiguous outputs: one call covers them all.
  const calls = map === 2 ? p1 - p0 : 1;
  for (let i = 0; i < calls; i++) {
    const s0 = map === 2 ? (p0 + i) * ipp - n0 : 0;
    const s1 = map === 2 ? Math.min(images, (p0 + i + 1) * ipp) - n0 : n1 - n0;
    const out = outPtr + i * outPiece * 4;
    if (map === 0) kernels.conv2dForward(aPtr, bPtr, out, s0, s1, ...shape, biasAt >= 0 ? biasPtr : 0, ...window);
    else if (map === 1) kernels.conv2dInputGrad(aPtr, bPtr, out, s0, s1, ...shape, ...window);
    else kernels.conv2dWeightGrad(aPtr, bPtr, out, s0, s1, ...shape, ...window);
  }
  const outFloats = (p1 - p0) * outPiece;
  data.set(heap.subarray(outPtr >> 2, (outPtr >> 2) + outFloats), at(CONV.outAt) + p0 * outPiece);
}

function run() {
  if (startError) throw startError;
  const kind = ctrl[C.kind];
  if (kind === JOB.fail) throw new Error('deliberate failure (test)');
  if (kind === JOB.conv) return runConv();
  const m = ctrl[C.m], k = ctrl[C.k], n = ctrl[C.n];
  const transA = ctrl[C.transA] === 1, transB = ctrl[C.transB] === 1;
  const aAt = ctrl[C.aAt], bAt = ctrl[C.bAt], cAt = ctrl[C.cAt];
  if (ctrl[C.byColumns] === 1) return runColumns(m, k, n, transA, transB, aAt, bAt, cAt);
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

// Columns [c0, c1) of C = op(A)·op(B): all of A, this block of op(B) (compacted), the block of C out as rows × width.
function runColumns(m, k, n, transA, transB, aAt, bAt, cAt) {
  const c0 = ctrl[mySlot + 1], c1 = ctrl[mySlot + 2];
  const width = c1 - c0;
  const aRegion = aligned(m * k * 4), bRegion = aligned(k * width * 4);
  reserve(scratchBytes + aRegion + bRegion + m * width * 4);
  const scratch = base, aPtr = base + scratchBytes, bPtr = aPtr + aRegion, cPtr = bPtr + bRegion;
  heap.set(data.subarray(aAt, aAt + m * k), aPtr >> 2);
  if (transB) {
    // Stored Bᵀ is n × k: the block is its rows c0..c1.
    heap.set(data.subarray(bAt + c0 * k, bAt + c1 * k), bPtr >> 2);
  } else {
    // Stored B is k × n: gather the block's part of each row.
    for (let p = 0; p < k; p++) heap.set(data.subarray(bAt + p * n + c0, bAt + p * n + c1), (bPtr >> 2) + p * width);
  }
  kernels.gemm(
    aPtr, transA ? 1 : k, transA ? m : 1,
    bPtr, transB ? 1 : width, transB ? k : 1,
    cPtr, m, k, width, scratch,
  );
  data.set(heap.subarray(cPtr >> 2, (cPtr >> 2) + m * width), cAt + m * c0);
}

let generation = 0;
for (;;) {
  // Sleep until the generation moves on (re-checked, so no wake-up is ever taken for a job).
  while (Atomics.load(ctrl, mySlot) === generation) Atomics.wait(ctrl, mySlot, generation);
  generation = Atomics.load(ctrl, mySlot);
  try {
    data = currentData();
    run();
  } catch (error) {
    Atomics.store(ctrl, C.failed, 1);
    report(String((error && error.message) || error));
  }
  Atomics.store(ctrl, mySlot + C.done, generation);
  Atomics.notify(ctrl, mySlot + C.done);
}
}
`;

/** The helper in Node (worker_threads, evaluated source): new data buffers arrive on its port. */
export const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = process.getBuiltinModule('node:worker_threads');
const { module, control, slot, port } = workerData;
let latest = null;
const currentData = () => {
  for (let received; (received = receiveMessageOnPort(port)); ) latest = new Float32Array(received.message);
  return latest;
};
${WORKER_BODY}
serve(module, control, slot, currentData, (text) => port.postMessage(text));
`;

/**
 * The helper in a browser (a Web Worker started from a Blob URL, inside a cross-origin-isolated worker): its first
 * message brings the module, the control buffer, its slot and the data buffer, a growable SharedArrayBuffer read
 * through a length-tracking view, so that it never needs another message (it blocks in Atomics.wait from then on).
 */
export const BROWSER_WORKER_SOURCE = `
${WORKER_BODY}
self.onmessage = (event) => {
  self.onmessage = null;
  const { module, control, slot, buffer } = event.data;
  const view = new Float32Array(buffer);
  serve(module, control, slot, () => view, (text) => console.error('neurite kernel worker: ' + text));
};
`;
