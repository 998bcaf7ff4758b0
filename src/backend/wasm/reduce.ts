// @file The wasm backend's reductions: float32 sums (accumulated in float64, like js) and softmax.
import type { FloatArray, TypedArray } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import { jsBackend } from '../js/index.js';
import type { Backend } from '../types.js';
import type { WasmLimits } from './limits.js';
import type { WasmRuntime } from './runtime.js';
import { input, output, scratch, stage } from './staging.js';

/** Runs of reduced and kept dims after dropping size-1 dims and merging neighbours of the same kind. */
interface Run {
  readonly size: number;
  readonly reduced: boolean;
}

export function reductionRuns(shape: Shape, axes: readonly number[]): Run[] {
  const runs: { size: number; reduced: boolean }[] = [];
  shape.forEach((size, d) => {
    if (size === 1) return;
    const reduced = axes.includes(d);
    const last = runs[runs.length - 1];
    if (last && last.reduced === reduced) last.size *= size;
    else runs.push({ size, reduced });
  });
  return runs;
}

/**
 * Backend.reduce: float32 sums whose dims merge into one of [R], [K, R], [R, K], [K, R, K′] or [R, K, R′]
 * (R reduced, K kept) run in wasm; other ops, dtypes, layouts and small inputs go to the js kernel.
 */
export function wasmReduce(runtime: WasmRuntime, limits: WasmLimits): Backend['reduce'] {
  return (op, x, shape, axes, out) => {
    const runs =
      op === 'sum' && x.length >= limits.minSize && isF32(x) && isF32(out) ? reductionRuns(shape, axes) : [];
    const pattern = runs.map((r) => (r.reduced ? 'R' : 'K')).join('');
    const sizes = runs.map((r) => r.size);
    // [outer, size, inner] for sumMiddle, or [before, kept, after] for sumOuterInner.
    let middle: [number, number, number] | null = null;
    let outerInner: [number, number, number] | null = null;
    if (pattern === 'R') middle = [1, sizes[0]!, 1];
    else if (pattern === 'KR') middle = [sizes[0]!, sizes[1]!, 1];
    else if (pattern === 'RK') middle = [1, sizes[0]!, sizes[1]!];
    else if (pattern === 'KRK') middle = [sizes[0]!, sizes[1]!, sizes[2]!];
    else if (pattern === 'RKR') outerInner = [sizes[0]!, sizes[1]!, sizes[2]!];
    if (!middle && !outerInner) {
      jsBackend.reduce(op, x, shape, axes, out);
      return;
    }
    const n = x.length;
    const m = out.length;
    const call = stage(runtime, [
      input(x.subarray(0, n) as Float32Array),
      scratch(m * 8),
      output(out.subarray(0, m) as Float32Array),
    ]);
    const [xAt, accAt, outAt] = call.at;
    if (middle) runtime.kernels.sumMiddle(xAt!, ...middle, accAt!, outAt!);
    else runtime.kernels.sumOuterInner(xAt!, ...outerInner!, accAt!, outAt!);
    call.finish();
  };
}

/** Backend.softmax on float32 (any middle axis); float64 and small inputs go to the js kernel. */
export function wasmSoftmax(runtime: WasmRuntime, limits: WasmLimits): Backend['softmax'] {
  return (x, out, outer, size, inner, log) => {
    const n = outer * size * inner;
    if (n < limits.minSize || !isF32(x) || !isF32(out)) {
      jsBackend.softmax(x, out, outer, size, inner, log);
      return;
    }
    const call = stage(runtime, [input(x.subarray(0, n)), output(out.subarray(0, n))]);
    const [xAt, outAt] = call.at;
    runtime.kernels.softmax(xAt!, outAt!, outer, size, inner, log);
    call.finish();
  };
}

function isF32(x: TypedArray | FloatArray): x is Float32Array {
  return x instanceof Float32Array;
}
