// @file WebGPU elementwise kernels: unary maps and their fused gradients, broadcast binary ops, where, erf.
import type { FloatArray, TypedArray } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import type { Backend, BinaryOp, UnaryGradOp, UnaryOp } from '../types.js';
import { type GpuContext, UniformWords, WGSL_FLAT_INDEX, wgslElementType, workgroupsFor } from './context.js';
import { binaryWgsl, MATH_WGSL, NAN_AWARE, UNARY_INT_WGSL, UNARY_WGSL } from './elementwise-wgsl.js';
import { broadcastOperandStrides, stridedMap, stridedParamsWgsl } from './strided-index.js';

/** Invocations per workgroup of every elementwise kernel. */
export const ELEMENTWISE_WORKGROUP = 256;

const ENTRY = `@compute @workgroup_size(${ELEMENTWISE_WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_index(wid, nwg, lid, ${ELEMENTWISE_WORKGROUP}u);`;

/** The elementwise kernels of the webgpu backend, on `ctx`. */
export function elementwiseKernels(
  ctx: GpuContext,
): Pick<Backend, 'unary' | 'unaryGrad' | 'binary' | 'where' | 'erf'> {
  function unary(op: UnaryOp, x: TypedArray, out: TypedArray, p0 = 0, p1 = 0): void {
    const n = out.length;
    if (n === 0) return;
    const xt = wgslElementType(x);
    const ot = wgslElementType(out);
    const intExpr = xt !== 'f32' ? UNARY_INT_WGSL[op] : undefined;
    const computeType = intExpr !== undefined ? 'i32' : 'f32';
    const floatExpr = NAN_AWARE.has(op) ? UNARY_WGSL[op] : `select(${UNARY_WGSL[op]}, x, is_nan(x))`;
    const expr = intExpr ?? floatExpr;
    const key = `unary:${op}:${xt}:${ot}:${computeType}`;
    const wgsl = () => /* wgsl */ `
${MATH_WGSL}
${WGSL_FLAT_INDEX}
struct U { n: u32, p0: f32, p1: f32, pad: u32 }
@group(0) @binding(0) var<storage, read> X: array<${xt}>;
@group(0) @binding(1) var<storage, read_write> Y: array<${ot}>;
@group(0) @binding(2) var<uniform> u: U;
${ENTRY}
  if (i >= u.n) { return; }
  let x = ${computeType}(X[i]);
  let p0 = u.p0;
  let p1 = u.p1;
  Y[i] = ${ot}(${expr});
}`;
    const uniforms = new UniformWords().u32(n).f32(p0).f32(p1).u32(0).finish();
    ctx.dispatch(
      key,
      wgsl,
      [ctx.input(x), ctx.output(out)],
      uniforms,
      workgroupsFor(n, ELEMENTWISE_WORKGROUP),
    );
  }

  function unaryGrad(op: UnaryGradOp, g: FloatArray, saved: FloatArray, out: FloatArray): void {
    const n = out.length;
    if (n === 0) return;
    const expr =
      op === 'relu'
        ? 'select(g, 0.0, s <= 0.0)'
        : op === 'sigmoid'
          ? 'g * (s * (1.0 - s))'
          : 'g * (1.0 - s * s)';
    const wgsl = () => /* wgsl */ `
${WGSL_FLAT_INDEX}
@group(0) @binding(0) var<storage, read> G: array<f32>;
@group(0) @binding(1) var<storage, read> S: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
@group(0) @binding(3) var<uniform> n: vec4u;
${ENTRY}
  if (i >= n.x) { return; }
  let g = G[i];
  let s = S[i];
  Y[i] = ${expr};
}`;
    const uniforms = new UniformWords().u32(n).align4().finish();
    const bindings = [ctx.input(g), ctx.input(saved), ctx.output(out)];
    ctx.dispatch(`unaryGrad:${op}`, wgsl, bindings, uniforms, workgroupsFor(n, ELEMENTWISE_WORKGROUP));
  }

  function binary(
    op: BinaryOp,
    a: TypedArray,
    aShape: Shape,
    b: TypedArray,
    bShape: Shape,
    out: TypedArray,
    outShape: Shape,
  ): void {
    const map = stridedMap(op, outShape, [
      { strides: broadcastOperandStrides(aShape, outShape), offset: 0 },
      { strides: broadcastOperandStrides(bShape, outShape), offset: 0 },
    ]);
    if (map.count === 0) return;
    const at = wgslElementType(a);
    const bt = wgslElementType(b);
    const ot = wgslElementType(out);
    const float = at === 'f32' || bt === 'f32';
    const ct = float ? 'f32' : 'i32';
    const wgsl = () => /* wgsl */ `
${MATH_WGSL}
${WGSL_FLAT_INDEX}
${stridedParamsWgsl(map.rank, 3)}
@group(0) @binding(0) var<storage, read> A: array<${at}>;
@group(0) @binding(1) var<storage, read> B: array<${bt}>;
@group(0) @binding(2) var<storage, read_write> Y: array<${ot}>;
${ENTRY}
  if (i >= P.count) { return; }
  let at = locate(i);
  let a = ${ct}(A[at.x]);
  let b = ${ct}(B[at.y]);
  Y[i] = ${ot}(${binaryWgsl(op, float)});
}`;
    const key = `binary:${op}:${at}:${bt}:${ot}:${map.rank}`;
    const bindings = [ctx.input(a), ctx.input(b), ctx.output(out)];
    ctx.dispatch(key, wgsl, bindings, map.uniforms, workgroupsFor(map.count, ELEMENTWISE_WORKGROUP));
  }

  function where(
    cond: TypedArray,
    condShape: Shape,
    a: TypedArray,
    aShape: Shape,
    b: TypedArray,
    bShape: Shape,
    out: TypedArray,
    outShape: Shape,
  ): void {
    const map = stridedMap('where', outShape, [
      { strides: broadcastOperandStrides(condShape, outShape), offset: 0 },
      { strides: broadcastOperandStrides(aShape, outShape), offset: 0 },
      { strides: broadcastOperandStrides(bShape, outShape), offset: 0 },
    ]);
    if (map.count === 0) return;
    const [ct, at, bt, ot] = [cond, a, b, out].map(wgslElementType);
    const wgsl = () => /* wgsl */ `
${MATH_WGSL}
${WGSL_FLAT_INDEX}
${stridedParamsWgsl(map.rank, 4)}
@group(0) @binding(0) var<storage, read> C: array<${ct}>;
@group(0) @binding(1) var<storage, read> A: array<${at}>;
@group(0) @binding(2) var<storage, read> B: array<${bt}>;
@group(0) @binding(3) var<storage, read_write> Y: array<${ot}>;
${ENTRY}
  if (i >= P.count) { return; }
  let at = locate(i);
  Y[i] = select(${ot}(B[at.z]), ${ot}(A[at.y]), ${ct === 'f32' ? 'nonzero_f32(C[at.x])' : `C[at.x] != ${ct}(0)`});
}`;
    const key = `where:${ct}:${at}:${bt}:${ot}:${map.rank}`;
    const bindings = [ctx.input(cond), ctx.input(a), ctx.input(b), ctx.output(out)];
    ctx.dispatch(key, wgsl, bindings, map.uniforms, workgroupsFor(map.count, ELEMENTWISE_WORKGROUP));
  }

  function erf(x: TypedArray, out: TypedArray): void {
    const n = out.length;
    if (n === 0) return;
    const [xt, ot] = [wgslElementType(x), wgslElementType(out)];
    const wgsl = () => /* wgsl */ `
${MATH_WGSL}
${WGSL_FLAT_INDEX}
@group(0) @binding(0) var<storage, read> X: array<${xt}>;
@group(0) @binding(1) var<storage, read_write> Y: array<${ot}>;
@group(0) @binding(2) var<uniform> n: vec4u;
${ENTRY}
  if (i >= n.x) { return; }
  Y[i] = ${ot}(erf_f32(f32(X[i])));
}`;
    const uniforms = new UniformWords().u32(n).align4().finish();
    ctx.dispatch(
      `erf:${xt}:${ot}`,
      wgsl,
      [ctx.input(x), ctx.output(out)],
      uniforms,
      workgroupsFor(n, ELEMENTWISE_WORKGROUP),
    );
  }

  return { unary, unaryGrad, binary, where, erf };
}
