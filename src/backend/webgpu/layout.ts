// @file WebGPU layout kernels: every copy between a strided view and a row-major array (permute, expand, slice, sliceAssign, strided gather/scatter) and triangle.
import type { TypedArray } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import type { Backend } from '../types.js';
import { type GpuContext, UniformWords, WGSL_FLAT_INDEX, wgslElementType, workgroupsFor } from './context.js';
import { ELEMENTWISE_WORKGROUP } from './elementwise.js';
import {
  broadcastOperandStrides,
  contiguousStrides,
  stridedMap,
  stridedParamsWgsl,
  type StridedOperand,
} from './strided-index.js';

const ENTRY = `@compute @workgroup_size(${ELEMENTWISE_WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_index(wid, nwg, lid, ${ELEMENTWISE_WORKGROUP}u);`;

/** The strided copies every layout kernel reduces to, plus the layout kernels of the Backend interface. */
export interface LayoutKernels extends Pick<
  Backend,
  'permute' | 'expand' | 'slice' | 'sliceAssign' | 'triangle'
> {
  /** out (row-major over `shape`) = the elements of `x` at `view` (out[i] = x[offset + Σ iₖ·strides[k]]). */
  gather(x: TypedArray, shape: Shape, view: StridedOperand, out: TypedArray): void;
  /** The inverse: x[offset + Σ iₖ·strides[k]] = values[i] over `shape`; the rest of `x` is kept. */
  scatter(values: TypedArray, shape: Shape, x: TypedArray, view: StridedOperand): void;
}

/** The layout kernels of the webgpu backend, on `ctx`. */
export function layoutKernels(ctx: GpuContext): LayoutKernels {
  function gather(x: TypedArray, shape: Shape, view: StridedOperand, out: TypedArray): void {
    const map = stridedMap('gather', shape, [view]);
    if (map.count === 0) return;
    const [xt, ot] = [wgslElementType(x), wgslElementType(out)];
    const wgsl = () => /* wgsl */ `
${WGSL_FLAT_INDEX}
${stridedParamsWgsl(map.rank, 2)}
@group(0) @binding(0) var<storage, read> X: array<${xt}>;
@group(0) @binding(1) var<storage, read_write> Y: array<${ot}>;
${ENTRY}
  if (i >= P.count) { return; }
  Y[i] = ${ot}(X[locate(i).x]);
}`;
    const bindings = [ctx.input(x), ctx.output(out)];
    ctx.dispatch(
      `gather:${xt}:${ot}:${map.rank}`,
      wgsl,
      bindings,
      map.uniforms,
      workgroupsFor(map.count, ELEMENTWISE_WORKGROUP),
    );
  }

  function scatter(values: TypedArray, shape: Shape, x: TypedArray, view: StridedOperand): void {
    const map = stridedMap('scatter', shape, [view]);
    if (map.count === 0) return;
    const [vt, xt] = [wgslElementType(values), wgslElementType(x)];
    const wgsl = () => /* wgsl */ `
${WGSL_FLAT_INDEX}
${stridedParamsWgsl(map.rank, 2)}
@group(0) @binding(0) var<storage, read> V: array<${vt}>;
@group(0) @binding(1) var<storage, read_write> X: array<${xt}>;
${ENTRY}
  if (i >= P.count) { return; }
  X[locate(i).x] = ${xt}(V[i]);
}`;
    const bindings = [ctx.input(values), ctx.inout(x)];
    ctx.dispatch(
      `scatter:${vt}:${xt}:${map.rank}`,
      wgsl,
      bindings,
      map.uniforms,
      workgroupsFor(map.count, ELEMENTWISE_WORKGROUP),
    );
  }

  function permute(x: TypedArray, shape: Shape, perm: readonly number[], out: TypedArray): void {
    const own = contiguousStrides(shape);
    gather(
      x,
      perm.map((p) => shape[p]!),
      { strides: perm.map((p) => own[p]!), offset: 0 },
      out,
    );
  }

  function expand(x: TypedArray, shape: Shape, out: TypedArray, outShape: Shape): void {
    gather(x, outShape, { strides: broadcastOperandStrides(shape, outShape), offset: 0 }, out);
  }

  /** The view of `shape` (row-major) that starts at `starts` and steps by `steps`. */
  function window(shape: Shape, starts: readonly number[], steps: readonly number[]): StridedOperand {
    const own = contiguousStrides(shape);
    let offset = 0;
    for (let d = 0; d < shape.length; d++) offset += starts[d]! * own[d]!;
    return { strides: own.map((s, d) => s * steps[d]!), offset };
  }

  function slice(
    x: TypedArray,
    shape: Shape,
    starts: readonly number[],
    steps: readonly number[],
    out: TypedArray,
    outShape: Shape,
  ): void {
    gather(x, outShape, window(shape, starts, steps), out);
  }

  function sliceAssign(
    src: TypedArray,
    srcShape: Shape,
    out: TypedArray,
    outShape: Shape,
    starts: readonly number[],
    steps: readonly number[],
  ): void {
    scatter(src, srcShape, out, window(outShape, starts, steps));
  }

  function triangle(
    x: TypedArray,
    rows: number,
    cols: number,
    diagonal: number,
    lower: boolean,
    out: TypedArray,
  ): void {
    const n = out.length;
    if (n === 0) return;
    const [xt, ot] = [wgslElementType(x), wgslElementType(out)];
    const keep = lower ? 'j - r <= u.diagonal' : 'j - r >= u.diagonal';
    const wgsl = () => /* wgsl */ `
${WGSL_FLAT_INDEX}
struct U { n: u32, rows: u32, cols: u32, diagonal: i32 }
@group(0) @binding(0) var<storage, read> X: array<${xt}>;
@group(0) @binding(1) var<storage, read_write> Y: array<${ot}>;
@group(0) @binding(2) var<uniform> u: U;
${ENTRY}
  if (i >= u.n) { return; }
  let j = i32(i % u.cols);
  let r = i32((i / u.cols) % u.rows);
  Y[i] = select(${ot}(0), ${ot}(X[i]), ${keep});
}`;
    const uniforms = new UniformWords().u32(n).u32(rows).u32(cols).i32(diagonal).finish();
    const bindings = [ctx.input(x), ctx.output(out)];
    ctx.dispatch(
      `triangle:${lower}:${xt}:${ot}`,
      wgsl,
      bindings,
      uniforms,
      workgroupsFor(n, ELEMENTWISE_WORKGROUP),
    );
  }

  return { gather, scatter, permute, expand, slice, sliceAssign, triangle };
}
