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
 * step costs about 2–2.7 µs per call; arrays of 1024 elements and more live in wasm memory (arena-storage.ts)
 * and are not copied, smaller ones are copied in and out. Measured per call (3 Dec 2026, Zen, js/wasm µs): at
 * 1000 elements Adam 8.9/4.3, RMSprop 6.6/3.7, SGD with momentum 4.5/3.2, SGD 2.3/2.5; at 1500 (in wasm memory)
 * Adam 13.2/5.3, SGD 3.5/2.5; Adam breaks even near 350 elements, SGD near 1000. It starts at 1024, where every
 * family is ahead or even.
 */
export const DEFAULT_LIMITS: WasmLimits = {
  matmulMinWork: 256,
  matmulNarrowMinWork: 1024,
  minSize: 1024,
  optimMinSize: 1024,
};

/** Limits that send every float32 call to wasm, however small (tests use it to cover tiny shapes). */
export const NO_LIMITS: WasmLimits = {
  matmulMinWork: 1,
  matmulNarrowMinWork: 1,
  minSize: 0,
  optimMinSize: 0,
};
