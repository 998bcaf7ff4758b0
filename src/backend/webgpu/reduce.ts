// @file WebGPU reductions: sum/prod/max/min over any axes (f32 tree order), and argmax/argmin along one axis.
import type { TypedArray } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import type { Backend, ReduceOp } from '../types.js';
import { type GpuContext, UniformWords, wgslElementType, workgroupsFor } from './context.js';
import { MATH_WGSL } from './elementwise-wgsl.js';
import { coalesce, contiguousStrides } from './strided-index.js';

/** Threads of one workgroup reducing one output (tree reduction in workgroup memory). */
const TREE_WORKGROUP = 256;
/**
 * Reductions of at most this many elements per output run as one loop per thread instead; so do those with
 * many outputs (at least LOOP_OUTPUTS) unless each is longer than TREE_SPAN, where the loop's sequential f32
 * sum would lose too much.
 */
const LOOP_MAX = 64;
const LOOP_OUTPUTS = 8192;
const TREE_SPAN = 2048;

/** The combine step, identity and WGSL names of each reduction in compute type `ct`. */
function reduction(
  op: ReduceOp,
  float: boolean,
): { identity: string; combine: (a: string, b: string) => string } {
  switch (op) {
    case 'sum':
      return { identity: float ? '0.0' : '0', combine: (a, b) => `${a} + ${b}` };
    case 'prod':
      return { identity: float ? '1.0' : '1', combine: (a, b) => `${a} * ${b}` };
    case 'max':
      return float
        ? { identity: '-inf_f32()', combine: (a, b) => `maximum_f32(${a}, ${b})` }
        : { identity: 'i32(-2147483647 - 1)', combine: (a, b) => `max(${a}, ${b})` };
    case 'min':
      return float
        ? { identity: 'inf_f32()', combine: (a, b) => `minimum_f32(${a}, ${b})` }
        : { identity: '2147483647', combine: (a, b) => `min(${a}, ${b})` };
  }
}

/** WGSL that turns a row-major position `pos` over `dims` (uniform arrays `shape`/`stride`) into an offset. */
function offsetWgsl(fn: string, rank: number, shape: string, stride: string): string {
  const steps: string[] = [];
  for (let d = rank - 1; d >= 0; d--) {
    const at = `[${d >> 2}][${d & 3}]`;
    steps.push(
      `  { let size = u.${shape}${at}; at += i32(rem % size) * u.${stride}${at}; rem = rem / size; }`,
    );
  }
  return `fn ${fn}(pos: u32) -> i32 {\n  var rem = pos;\n  var at = 0;\n${steps.join('\n')}\n  return at;\n}`;
}

/** The reduction kernels of the webgpu backend, on `ctx`. */
export function reduceKernels(ctx: GpuContext): Pick<Backend, 'reduce' | 'argReduce'> {
  function reduce(op: ReduceOp, x: TypedArray, shape: Shape, axes: readonly number[], out: TypedArray): void {
    const count = out.length;
    if (count === 0) return;
    const own = contiguousStrides(shape);
    const reduced = new Set(axes);
    const keptDims = shape.map((_, d) => d).filter((d) => !reduced.has(d));
    const kept = coalesce(
      keptDims.map((d) => shape[d]!),
      [{ strides: keptDims.map((d) => own[d]!), offset: 0 }],
    );
    const inner = coalesce(
      axes.map((d) => shape[d]!),
      [{ strides: axes.map((d) => own[d]!), offset: 0 }],
    );
    const span = axes.reduce((p, d) => p * shape[d]!, 1);
    const kv = Math.max(1, Math.ceil(kept.shape.length / 4));
    const rv = Math.max(1, Math.ceil(inner.shape.length / 4));
    const words = new UniformWords().u32(count).u32(span).align4();
    const vec = (values: readonly number[], n: number, signed: boolean) => {
      for (let d = 0; d < n * 4; d++) {
        if (signed) words.i32(values[d] ?? 0);
        else words.u32(values[d] ?? 1);
      }
    };
    vec(kept.shape, kv, false);
    vec(kept.strides[0]!, kv, true);
    vec(inner.shape, rv, false);
    vec(inner.strides[0]!, rv, true);

    const xt = wgslElementType(x);
    const ot = wgslElementType(out);
    const float = xt === 'f32';
    const ct = float ? 'f32' : 'i32';
    const { identity, combine } = reduction(op, float);
    const tree = span > LOOP_MAX && (count < LOOP_OUTPUTS || span > TREE_SPAN);
    const header = /* wgsl */ `
${MATH_WGSL}
struct U {
  count: u32, span: u32, pad0: u32, pad1: u32,
  kshape: array<vec4u, ${kv}>, kstride: array<vec4i, ${kv}>,
  rshape: array<vec4u, ${rv}>, rstride: array<vec4i, ${rv}>,
}
@group(0) @binding(0) var<storage, read> X: array<${xt}>;
@group(0) @binding(1) var<storage, read_write> Y: array<${ot}>;
@group(0) @binding(2) var<uniform> u: U;
${offsetWgsl('kept_offset', kept.shape.length, 'kshape', 'kstride')}
${offsetWgsl('reduced_offset', inner.shape.length, 'rshape', 'rstride')}
`;
    const loopBody = /* wgsl */ `
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = gid.y * nwg.x * 64u + gid.x;
  if (o >= u.count) { return; }
  let base = kept_offset(o);
  var acc: ${ct} = ${identity};
  for (var r = 0u; r < u.span; r++) {
    acc = ${combine('acc', `${ct}(X[base + reduced_offset(r)])`)};
  }
  Y[o] = ${ot}(acc);
}`;
    const treeBody = /* wgsl */ `
var<workgroup> partial: array<${ct}, ${TREE_WORKGROUP}>;
@compute @workgroup_size(${TREE_WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let o = wid.y * nwg.x + wid.x;
  if (o >= u.count) { return; }
  let base = kept_offset(o);
  var acc: ${ct} = ${identity};
  for (var r = lid; r < u.span; r += ${TREE_WORKGROUP}u) {
    acc = ${combine('acc', `${ct}(X[base + reduced_offset(r)])`)};
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var half = ${TREE_WORKGROUP / 2}u; half > 0u; half = half / 2u) {
    if (lid < half) { partial[lid] = ${combine('partial[lid]', 'partial[lid + half]')}; }
    workgroupBarrier();
  }
  if (lid == 0u) { Y[o] = ${ot}(partial[0]); }
}`;
    const key = `reduce:${op}:${tree}:${xt}:${ot}:${kept.shape.length}:${inner.shape.length}`;
    const grid = tree ? workgroupsFor(count, 1) : workgroupsFor(count, 64);
    const bindings = [ctx.input(x), ctx.output(out)];
    ctx.dispatch(key, () => header + (tree ? treeBody : loopBody), bindings, words.finish(), grid);
  }

  function argReduce(
    op: 'max' | 'min',
    x: TypedArray,
    outer: number,
    size: number,
    inner: number,
    values: TypedArray,
    indices: Int32Array,
  ): void {
    const count = outer * inner;
    if (count === 0) return;
    const xt = wgslElementType(x);
    const vt = wgslElementType(values);
    const float = xt === 'f32';
    const ct = float ? 'f32' : 'i32';
    const better = op === 'max' ? 'v > best' : 'v < best';
    // The first extreme wins; in floats the first NaN wins and ends the search (PyTorch).
    const nanWins = float ? 'if (is_nan(v)) { best = v; at = j; break; }' : '';
    const wgsl = () => /* wgsl */ `
${MATH_WGSL}
struct U { outer: u32, size: u32, inner: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> X: array<${xt}>;
@group(0) @binding(1) var<storage, read_write> V: array<${vt}>;
@group(0) @binding(2) var<storage, read_write> I: array<i32>;
@group(0) @binding(3) var<uniform> u: U;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = gid.y * nwg.x * 64u + gid.x;
  if (o >= u.outer * u.inner) { return; }
  let base = (o / u.inner) * u.size * u.inner + o % u.inner;
  var best: ${ct} = ${ct}(X[base]);
  var at = 0u;
  for (var j = 0u; j < u.size; j++) {
    let v = ${ct}(X[base + j * u.inner]);
    ${nanWins}
    if (${better}) { best = v; at = j; }
  }
  V[o] = ${vt}(best);
  I[o] = i32(at);
}`;
    const uniforms = new UniformWords().u32(outer).u32(size).u32(inner).u32(0).finish();
    const bindings = [ctx.input(x), ctx.output(values), ctx.output(indices)];
    ctx.dispatch(`argReduce:${op}:${xt}:${vt}`, wgsl, bindings, uniforms, workgroupsFor(count, 64));
  }

  return { reduce, argReduce };
}
