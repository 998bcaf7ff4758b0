// @file Softmax and log-softmax on WebGPU: one thread per line along the middle axis of [outer, size, inner].
import type { FloatArray } from '../../../tensor/dtype.js';
import type { GpuContext } from '../context.js';
import { ELEMENT_ENTRY, SPECIAL_FLOATS, elementGrid, pack, uniforms } from './common.js';

/**
 * Backend.softmax: with m = max_s x_s (NaN wins; 0 when every x_s is −∞), softmax_s = e^{x_s − m} / Σ e^{x_j − m}
 * and log-softmax_s = (x_s − m) − log Σ e^{x_j − m}, along the middle axis. The sum is f32 in s order: relative
 * error about size·2⁻²⁴ against the float64 reference.
 */
export function softmax(
  ctx: GpuContext,
  x: FloatArray,
  out: FloatArray,
  outer: number,
  size: number,
  inner: number,
  log: boolean,
): void {
  const lines = outer * inner;
  if (lines === 0 || size === 0) return;
  const words = uniforms().u32(lines).u32(size).u32(inner);
  ctx.dispatch(
    log ? 'softmax:log' : 'softmax',
    () => softmaxShader(log),
    [ctx.input(x), ctx.output(out)],
    pack(words),
    elementGrid(lines),
  );
}

function softmaxShader(log: boolean): string {
  const write = log ? 'out[at] = (x[at] - shift) - logSum;' : 'out[at] = exp(x[at] - shift) / sum;';
  return /* wgsl */ `
struct Params { lines: u32, size: u32, inner: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> pm: Params;
${SPECIAL_FLOATS}
${ELEMENT_ENTRY}
  if (index >= pm.lines) { return; }
  let o = index / pm.inner;
  let base = o * pm.size * pm.inner + index % pm.inner;
  var shift = neg_inf();
  for (var s = 0u; s < pm.size; s++) {
    let v = x[base + s * pm.inner];
    if (v > shift || is_nan(v)) { shift = v; }
  }
  if (shift == neg_inf()) { shift = 0.0; }
  var sum = 0.0;
  for (var s = 0u; s < pm.size; s++) { sum += exp(x[base + s * pm.inner] - shift); }
  let logSum = log(sum);
  for (var s = 0u; s < pm.size; s++) {
    let at = base + s * pm.inner;
    ${write}
  }
}
`;
}
