// @file Sizes below which the wasm backend hands work to the js kernels (copying in and out costs more).

/** Per-call thresholds; a kernel call smaller than its threshold runs the js kernel instead. */
export interface WasmLimits {
  /** Multiply-adds of one matrix product (m·k·n). */
  readonly matmulMinWork: number;
  /**
   * Multiply-adds of a narrow product, one whose output has fewer than 4 rows or columns (m < 4 or n < 4, e.g. a
   * layer of 1 to 3 units): the SIMD kernel's tiles are then mostly padding, and the js kernel keeps up longer.
   */
  readonly matmulNarrowMinWork: number;
  /** Elements of the largest array that an elementwise, reduction, softmax or window kernel touches. */
  readonly minSize: number;
  /** Elements of a parameter that a fused optimizer step (optimizerStep) handles. */
  readonly optimMinSize: number;
}

/**
 * Measured on x64 (Node 20): the wasm matmul wins from about 6³ multiply-adds (7³: 1.3× faster than js), narrow
 * products from about 1024 (64×2·2×3: js 1.2× faster; 1×32·32×32: wasm 1.3× faster), and elementwise kernels
 * from a few hundred elements (a call costs about a microsecond of dispatch and copying). The fused optimizer
 * step copies two to five arrays in and one to four out; it wins from about 1024 elements (Adam, Adagrad,
 * Adadelta; plain SGD and SGD with momentum from about 1500) and starts at 2048, where every family is ahead
 * (µs per call, js/wasm: SGD 2.8/1.7, SGD with momentum 5.3/2.2, RMSprop 7.2/2.4, Adam 10.3/3.2).
 */
export const DEFAULT_LIMITS: WasmLimits = {
  matmulMinWork: 256,
  matmulNarrowMinWork: 1024,
  minSize: 1024,
  optimMinSize: 2048,
};

/** Limits that send every float32 call to wasm, however small (tests use it to cover tiny shapes). */
export const NO_LIMITS: WasmLimits = {
  matmulMinWork: 1,
  matmulNarrowMinWork: 1,
  minSize: 0,
  optimMinSize: 0,
};
