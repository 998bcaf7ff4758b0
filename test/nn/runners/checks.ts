// @file What a shared case runner needs from its host: decoding fixture tensors, reporting mismatches, the comparisons to make.
import type { Tensor } from '../../../src/index.js';
import type { Encoded } from '../../helpers/golden.js';

/** How a case decodes fixture tensors and reports mismatches that are not about values. */
export interface CaseChecks {
  decode(e: Encoded, requiresGrad?: boolean): Tensor;
  fail(message: string): void;
}

/**
 * One tensor to compare with PyTorch's, within `tol`. Runners return these once nothing will change the tensors
 * again, so the Node suites compare at once and the WebGPU page with `await t.data()`.
 */
export interface Comparison {
  actual: Tensor;
  expected: Encoded;
  what: string;
  tol: { rtol: number; atol: number };
}

/** The project's tolerances: float32 rtol 1e-4, atol 1e-5; float64 1e-7 both. */
export function toleranceOf(e: Encoded): { rtol: number; atol: number } {
  return e.dtype === 'float64' ? { rtol: 1e-7, atol: 1e-7 } : { rtol: 1e-4, atol: 1e-5 };
}
