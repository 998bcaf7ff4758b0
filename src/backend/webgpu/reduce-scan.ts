// @file WebGPU running sums and products along one axis (cumsum, cumprod) and cumprod's gradient: one thread per line.
import type { TypedArray } from '../../tensor/dtype.js';
import type { Backend } from '../types.js';
import { type GpuContext, UniformWords, wgslElementType, workgroupsFor } from './context.js';
import { MATH_WGSL } from './elementwise-wgsl.js';

const LINES_PER_WORKGROUP = 64;

/** The head of a kernel over the lines of [outer, size, inner]: `start` is line's first element, `u.inner` its step. */
const LINE_ENTRY = /* wgsl */ `
struct U { outer: u32, size: u32, inner: u32, pad: u32 }
@compute @workgroup_size(${LINES_PER_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let line = gid.y * nwg.x * ${LINES_PER_WORKGROUP}u + gid.x;
  if (line >= u.outer * u.inner) { return; }
  let start = (line / u.inner) * u.size * u.inner + line % u.inner;
  let step = u.inner;`;

/** The scan kernels of the webgpu backend, on `ctx`. Lines run sequentially in f32 (cumsum's order). */
export function scanKernels(ctx: GpuContext): Pick<Backend, 'scan' | 'cumprodGrad'> {
  const lineUniforms = (outer: number, size: number, inner: number): Uint32Array =>
    new UniformWords().u32(outer).u32(size).u32(inner).u32(0).finish();

  function scan(
    op: 'sum' | 'prod',
    x: TypedArray,
    outer: number,
    size: number,
    inner: number,
    out: TypedArray,
  ): void {
    const lines = outer * inner;
    if (lines === 0 || size === 0) return;
    const [xt, ot] = [wgslElementType(x), wgslElementType(out)];
    const ct = xt === 'f32' ? 'f32' : 'i32';
    const wgsl = () => /* wgsl */ `
@group(0) @binding(0) var<storage, read> X: array<${xt}>;
@group(0) @binding(1) var<storage, read_write> Y: array<${ot}>;
@group(0) @binding(2) var<uniform> u: U;
${LINE_ENTRY}
  var acc: ${ct} = ${op === 'sum' ? `${ct}(0)` : `${ct}(1)`};
  for (var i = 0u; i < u.size; i++) {
    let at = start + i * step;
    acc = acc ${op === 'sum' ? '+' : '*'} ${ct}(X[at]);
    Y[at] = ${ot}(acc);
  }
}`;
    const bindings = [ctx.input(x), ctx.output(out)];
    const grid = workgroupsFor(lines, LINES_PER_WORKGROUP);
    ctx.dispatch(`scan:${op}:${xt}:${ot}`, wgsl, bindings, lineUniforms(outer, size, inner), grid);
  }

  /** PyTorch's cumprod gradient per line, as backend/js/scan.ts (division before the first zero, products at it). */
  function cumprodGrad(
    x: TypedArray,
    output: TypedArray,
    grad: TypedArray,
    outer: number,
    size: number,
    inner: number,
    out: TypedArray,
  ): void {
    const lines = outer * inner;
    if (lines === 0 || size === 0) return;
    const wgsl = () => /* wgsl */ `
${MATH_WGSL}
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read> P: array<f32>;
@group(0) @binding(2) var<storage, read> G: array<f32>;
@group(0) @binding(3) var<storage, read_write> Y: array<f32>;
@group(0) @binding(4) var<uniform> u: U;
${LINE_ENTRY}
  if (u.size == 1u) { Y[start] = G[start]; return; }
  var z1 = 0u;
  while (z1 < u.size && nonzero_f32(X[start + z1 * step])) { z1++; }
  var tail = 0.0;
  for (var i = i32(z1) - 1; i >= 0; i--) {
    let at = start + u32(i) * step;
    tail += G[at] * P[at];
    Y[at] = div_f32(tail, X[at]);
  }
  if (z1 == u.size) { return; }
  let at = start + z1 * step;
  var acc = G[at];
  var product = 1.0;
  for (var j = z1 + 1u; j < u.size && nonzero_f32(X[start + j * step]); j++) {
    product *= X[start + j * step];
    acc += G[start + j * step] * product;
  }
  var before = 1.0;
  if (z1 > 0u) { before = P[at - step]; }
  Y[at] = before * acc;
  for (var i = z1 + 1u; i < u.size; i++) { Y[start + i * step] = 0.0; }
}`;
    const bindings = [ctx.input(x), ctx.input(output), ctx.input(grad), ctx.output(out)];
    const grid = workgroupsFor(lines, LINES_PER_WORKGROUP);
    ctx.dispatch('cumprodGrad', wgsl, bindings, lineUniforms(outer, size, inner), grid);
  }

  return { scan, cumprodGrad };
}
