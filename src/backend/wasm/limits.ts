// @file Sizes below which the wasm backend hands work to the js kernels (copying in and out costs more).

/** Per-call thresholds; a kernel call smaller than its threshold runs the js kernel instead. */
export interface WasmLimits {
  /** Multiply-adds of one matrix product (m·k·n). */
  readonly matmulMinWork: number;
  /** Elements of the largest array that an elementwise, reduction, softmax or window kernel touches. */
  readonly minSize: number;
}

/**
 * Measured on x64 (Node 20): the wasm matmul wins from about 6³ multiply-adds, and elementwise kernels from a
 * few hundred elements (a call costs about a microsecond of dispatch and copying).
 */
export const DEFAULT_LIMITS: WasmLimits = { matmulMinWork: 256, minSize: 1024 };

/** Limits that send every float32 call to wasm, however small (tests use it to cover tiny shapes). */
export const NO_LIMITS: WasmLimits = { matmulMinWork: 1, minSize: 0 };
