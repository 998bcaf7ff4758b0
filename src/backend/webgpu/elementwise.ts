// @file WebGPU elementwise kernels: unary maps and their fused gradients, broadcast binary ops, where, erf.
import type { FloatArray, TypedArray } from '../../tensor/dtype.js';
import { numel, type Shape } from '../../tensor/shape.js';
import type { Backend, BinaryOp, UnaryGradOp, UnaryOp } from '../types.js';
import { type GpuContext, UniformWords, WGSL_FLAT_INDEX, wgslElementType, workgroupsFor } from './context.js';
import { binaryWgsl, MATH_WGSL, NAN_AWARE, UNARY_INT_WGSL, UNARY_WGSL } from './elementwise-wgsl.js';
import { broadcastOperandStrides, stridedMap, stridedParamsWgsl } from './strided-index.js';

/** Invocations per workgroup of every elementwise kernel. */
export const ELEMENTWISE_WORKGROUP = 256;

/** Unary ops with a vec4<f32> expression in `x` (NaN kept: relu tests it, the others keep it by arithmetic). */
const VECTOR_UNARY: Partial<Record<UnaryOp, string>> = {
  copy: 'x',
  neg: '-x',
  abs: 'abs(x)',
  square: 'x * x',
  relu: 'select(vec4<f32>(0.0), x, (x > vec4<f32>(0.0)) | is_nan4(x))',
};

/** Binary ops whose WGSL expression works on vec4<f32> as on f32. */
const VECTOR_OPS: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['add', 'sub', 'mul']);

/** Consecutive elements each invocation of a flat (index-map-free) elementwise kernel handles. */
const PER_INVOCATION = 4;

/** WGSL running `body` for elements j = 4i … 4i + 3 below `count` (i: the invocation's flat index). */
function perInvocation(count: string, body: string): string {
  return `  for (var k = 0u; k < ${PER_INVOCATION}u; k++) {
    let j = i * ${PER_INVOCATION}u + k;
    if (j >= ${count}) { return; }
    ${body}
  }`;
}

/** The grid of a flat kernel over `count` elements. */
function flatGrid(count: number): [number, number] {
  return workgroupsFor(Math.ceil(count / PER_INVOCATION), ELEMENTWISE_WORKGROUP);
}

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
    const vectorExpr = VECTOR_UNARY[op];
    if (vectorExpr !== undefined && n % 4 === 0 && xt === 'f32' && ot === 'f32') {
      return vec4Map(`unary:${op}`, [['x', x]], out, vectorExpr);
    }
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
  let p0 = u.p0;
  let p1 = u.p1;
${perInvocation(
  'u.n',
  `let x = ${computeType}(X[j]);
    Y[j] = ${ot}(${expr});`,
)}
}`;
    const uniforms = new UniformWords().u32(n).f32(p0).f32(p1).u32(0).finish();
    ctx.dispatch(key, wgsl, [ctx.input(x), ctx.output(out)], uniforms, flatGrid(n));
  }

  function unaryGrad(op: UnaryGradOp, g: FloatArray, saved: FloatArray, out: FloatArray): void {
    const n = out.length;
    if (n === 0) return;
    if (
      n % 4 === 0 &&
      g instanceof Float32Array &&
      saved instanceof Float32Array &&
      out instanceof Float32Array
    ) {
      const vectorExpr =
        op === 'relu'
          ? 'select(g, vec4<f32>(0.0), s <= vec4<f32>(0.0))'
          : op === 'sigmoid'
            ? 'g * (s * (1.0 - s))'
            : 'g * (1.0 - s * s)';
      return vec4Map(
        `unaryGrad:${op}`,
        [
          ['g', g],
          ['s', saved],
        ],
        out,
        vectorExpr,
      );
    }
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
    const at = wgslElementType(a);
    const bt = wgslElementType(b);
    const ot = wgslElementType(out);
    const float = at === 'f32' || bt === 'f32';
    const ct = float ? 'f32' : 'i32';
    const count = numel(outShape);
    // Operands of the result's size or scalars need no index map: element j, or element 0.
    const flat = (shape: Shape): string | null =>
      numel(shape) === count ? 'j' : numel(shape) === 1 ? '0u' : null;
    const [flatA, flatB] = [flat(aShape), flat(bShape)];
    if (flatA !== null && flatB !== null) {
      if (count === 0) return;
      if (count % 4 === 0 && at === 'f32' && bt === 'f32' && ot === 'f32' && VECTOR_OPS.has(op)) {
        return binaryVec4(op, a, flatA, b, flatB, out, count);
      }
      const body = `let a = ${ct}(A[${flatA}]);
    let b = ${ct}(B[${flatB}]);
    Y[j] = ${ot}(${binaryWgsl(op, float)});`;
      const source = () => /* wgsl */ `
${MATH_WGSL}
${WGSL_FLAT_INDEX}
@group(0) @binding(0) var<storage, read> A: array<${at}>;
@group(0) @binding(1) var<storage, read> B: array<${bt}>;
@group(0) @binding(2) var<storage, read_write> Y: array<${ot}>;
@group(0) @binding(3) var<uniform> n: vec4u;
${ENTRY}
${perInvocation('n.x', body)}
}`;
      const key = `binary-flat:${op}:${at}:${bt}:${ot}:${flatA}:${flatB}`;
      const bindings = [ctx.input(a), ctx.input(b), ctx.output(out)];
      const uniforms = new UniformWords().u32(count).align4().finish();
      ctx.dispatch(key, source, bindings, uniforms, flatGrid(count));
      return;
    }
    const map = stridedMap(op, outShape, [
      { strides: broadcastOperandStrides(aShape, outShape), offset: 0 },
      { strides: broadcastOperandStrides(bShape, outShape), offset: 0 },
    ]);
    if (map.count === 0) return;
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

  /**
   * out = expr over vec4<f32> loads of same-length f32 arrays (`inputs` as [name, array], the name usable in
   * `expr`); the length is a multiple of 4.
   */
  function vec4Map(
    key: string,
    inputs: readonly [string, TypedArray][],
    out: TypedArray,
    expr: string,
  ): void {
    const vectors = out.length / 4;
    const decls = inputs
      .map(
        ([name], k) => `@group(0) @binding(${k}) var<storage, read> ${name.toUpperCase()}: array<vec4<f32>>;`,
      )
      .join('\n');
    const loads = inputs.map(([name]) => `let ${name} = ${name.toUpperCase()}[i];`).join('\n  ');
    const wgsl = () => /* wgsl */ `
${WGSL_FLAT_INDEX}
fn is_nan4(v: vec4<f32>) -> vec4<bool> { return (bitcast<vec4u>(v) & vec4u(0x7fffffffu)) > vec4u(0x7f800000u); }
${decls}
@group(0) @binding(${inputs.length}) var<storage, read_write> OUT: array<vec4<f32>>;
@group(0) @binding(${inputs.length + 1}) var<uniform> n: vec4u;
${ENTRY}
  if (i >= n.x) { return; }
  ${loads}
  OUT[i] = ${expr};
}`;
    const bindings = [...inputs.map(([, arr]) => ctx.input(arr)), ctx.output(out)];
    const uniforms = new UniformWords().u32(vectors).align4().finish();
    ctx.dispatch(`vec4:${key}`, wgsl, bindings, uniforms, workgroupsFor(vectors, ELEMENTWISE_WORKGROUP));
  }

  /** add, sub, mul of f32 operands (each the result's size or a scalar) as vec4 loads and stores. */
  function binaryVec4(
    op: BinaryOp,
    a: TypedArray,
    flatA: string,
    b: TypedArray,
    flatB: string,
    out: TypedArray,
    count: number,
  ): void {
    const operand = (name: string, flat: string) =>
      flat === 'j'
        ? { decl: 'vec4<f32>', load: `${name}[i]` }
        : { decl: 'f32', load: `vec4<f32>(${name}[0])` };
    const [va, vb] = [operand('A', flatA), operand('B', flatB)];
    const wgsl = () => /* wgsl */ `
${WGSL_FLAT_INDEX}
@group(0) @binding(0) var<storage, read> A: array<${va.decl}>;
@group(0) @binding(1) var<storage, read> B: array<${vb.decl}>;
@group(0) @binding(2) var<storage, read_write> Y: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> n: vec4u;
${ENTRY}
  if (i >= n.x) { return; }
  let a = ${va.load};
  let b = ${vb.load};
  Y[i] = ${binaryWgsl(op, true)};
}`;
    const vectors = count / 4;
    const uniforms = new UniformWords().u32(vectors).align4().finish();
    const bindings = [ctx.input(a), ctx.input(b), ctx.output(out)];
    ctx.dispatch(
      `binary-vec4:${op}:${flatA}:${flatB}`,
      wgsl,
      bindings,
      uniforms,
      workgroupsFor(vectors, ELEMENTWISE_WORKGROUP),
    );
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
