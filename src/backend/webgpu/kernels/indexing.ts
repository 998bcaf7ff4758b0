// @file Index kernels on WebGPU: gather, scatter (deterministic: one thread per fiber along dim), indexSelect, indexAdd.
import { stridesOf, type Shape } from '../../../tensor/shape.js';
import type { TypedArray } from '../../../tensor/dtype.js';
import { ShapeError, fmtShape } from '../../../errors.js';
import { wgslElementType, type GpuContext, type UniformWords } from '../context.js';
import { ELEMENT_ENTRY, ShaderBindings, elementGrid, pack, uniforms } from './common.js';

/** Most dimensions of a gather or scatter (the shape table is a fixed-size uniform array). */
const MAX_DIMS = 16;

/**
 * The shapes of a gather or scatter for the shader, appended to its uniforms as `table` (vec4 rows, as uniform
 * arrays need): the index's shape, then the strides of the indexed tensor (x for gather, out for scatter),
 * then those of the index-shaped tensor it pairs with (src), each MAX_DIMS entries long.
 */
function withShapeTable(
  words: UniformWords,
  op: string,
  indexShape: Shape,
  strides: readonly number[],
  pairedStrides: readonly number[],
): Uint32Array {
  if (indexShape.length > MAX_DIMS)
    throw new ShapeError(
      op,
      `the webgpu kernel takes at most ${MAX_DIMS} dims, got index shape ${fmtShape(indexShape)}`,
    );
  words.align4();
  for (const list of [indexShape, strides, pairedStrides])
    for (let d = 0; d < MAX_DIMS; d++) words.u32(list[d] ?? 0);
  return words.finish();
}

const TABLE_FIELD = `table: array<vec4u, ${(3 * MAX_DIMS) / 4}>`;

/** WGSL: the offsets of index position `k` in the indexed tensor (dim's stride left out) and the paired one. */
const OFFSETS = /* wgsl */ `
fn table_at(e: u32) -> u32 { return pm.table[e / 4u][e % 4u]; }
fn offsets(k: u32, skip: u32) -> vec2u {
  var rest = k;
  var result = vec2u(0u);
  for (var d = i32(pm.ndim) - 1; d >= 0; d--) {
    let extent = table_at(u32(d));
    let coordinate = rest % extent;
    rest = rest / extent;
    if (u32(d) != skip) { result.x += coordinate * table_at(${MAX_DIMS}u + u32(d)); }
    result.y += coordinate * table_at(${2 * MAX_DIMS}u + u32(d));
  }
  return result;
}`;

/**
 * Backend.gather: out[…, i, …] = x[…, index[…, i, …], …] along `dim`, one thread per index position (exact).
 */
export function gather(
  ctx: GpuContext,
  x: TypedArray,
  shape: Shape,
  dim: number,
  index: Int32Array,
  indexShape: Shape,
  out: TypedArray,
): void {
  const count = index.length;
  if (count === 0) return;
  const xStrides = shape.length > 0 ? stridesOf(shape) : [1];
  const dims = indexShape.length > 0 ? indexShape : [1];
  const type = wgslElementType(x);
  const b = new ShaderBindings()
    .add('x', ctx.input(x), type, 'read')
    .add('indices', ctx.input(index), 'i32', 'read')
    .add('out', ctx.output(out), type, 'read_write');
  const source = (): string => /* wgsl */ `
${b.declarations(`count: u32, ndim: u32, dim: u32, dimStride: u32, ${TABLE_FIELD}`)}
${OFFSETS}
${ELEMENT_ENTRY}
  if (index >= pm.count) { return; }
  let base = offsets(index, pm.dim).x;
  out[index] = x[base + u32(indices[index]) * pm.dimStride];
}`;
  const words = uniforms()
    .u32(count)
    .u32(dims.length)
    .u32(dim)
    .u32(xStrides[dim] ?? 1);
  const table = withShapeTable(words, 'gather', dims, xStrides, stridesOf(dims));
  ctx.dispatch(`index:gather:${type}`, source, b.list, table, elementGrid(count));
}

/**
 * Backend.scatter: out[…, index[…, i, …], …] = src[…, i, …] (+= when `accumulate`). Positions that differ off
 * `dim` never meet, so one thread walks each fiber along `dim` in order: later writes win and sums add in the
 * reference's order, with no atomics.
 */
export function scatter(
  ctx: GpuContext,
  src: TypedArray,
  srcShape: Shape,
  dim: number,
  index: Int32Array,
  indexShape: Shape,
  out: TypedArray,
  outShape: Shape,
  accumulate: boolean,
): void {
  if (index.length === 0) return;
  const dims = indexShape.length > 0 ? indexShape : [1];
  const along = dims[dim] ?? 1;
  const fibers = index.length / along;
  const outStrides = outShape.length > 0 ? stridesOf(outShape) : [1];
  const srcStrides = srcShape.length > 0 ? stridesOf(srcShape) : [1];
  const indexStride = stridesOf(dims)[dim] ?? 1;
  const type = wgslElementType(out);
  const b = new ShaderBindings()
    .add('src', ctx.input(src), wgslElementType(src), 'read')
    .add('indices', ctx.input(index), 'i32', 'read')
    .add('out', ctx.inout(out), type, 'read_write');
  const source = (): string => /* wgsl */ `
${b.declarations(
  `fibers: u32, ndim: u32, dim: u32, dimStride: u32, along: u32, indexStride: u32, srcDimStride: u32, ${TABLE_FIELD}`,
)}
${OFFSETS}
${ELEMENT_ENTRY}
  if (index >= pm.fibers) { return; }
  // Fiber f is the index position with coordinate 0 along dim: f = (f / indexStride)·along·indexStride + f % indexStride.
  let first = (index / pm.indexStride) * pm.along * pm.indexStride + index % pm.indexStride;
  let bases = offsets(first, pm.dim);
  for (var i = 0u; i < pm.along; i++) {
    let k = first + i * pm.indexStride;
    let destination = bases.x + u32(indices[k]) * pm.dimStride;
    let value = ${type}(src[bases.y + i * pm.srcDimStride]);
    out[destination] = ${accumulate ? 'out[destination] + value' : 'value'};
  }
}`;
  const words = uniforms()
    .u32(fibers)
    .u32(dims.length)
    .u32(dim)
    .u32(outStrides[dim] ?? 1)
    .u32(along)
    .u32(indexStride)
    .u32(srcStrides[dim] ?? 1);
  const table = withShapeTable(words, 'scatter', dims, outStrides, srcStrides);
  const key = `index:scatter:${wgslElementType(src)}:${type}:${accumulate ? 'add' : 'set'}`;
  ctx.dispatch(key, source, b.list, table, elementGrid(fibers));
}

/** Backend.indexSelect: out[o, j, i] = x[o, index[j], i] over x [outer, size, inner] (exact). */
export function indexSelect(
  ctx: GpuContext,
  x: TypedArray,
  outer: number,
  size: number,
  inner: number,
  index: Int32Array,
  out: TypedArray,
): void {
  const count = outer * index.length * inner;
  if (count === 0) return;
  const type = wgslElementType(x);
  const b = new ShaderBindings()
    .add('x', ctx.input(x), type, 'read')
    .add('indices', ctx.input(index), 'i32', 'read')
    .add('out', ctx.output(out), type, 'read_write');
  const source = (): string => /* wgsl */ `
${b.declarations('count: u32, size: u32, inner: u32, picks: u32')}
${ELEMENT_ENTRY}
  if (index >= pm.count) { return; }
  let i = index % pm.inner;
  let j = (index / pm.inner) % pm.picks;
  let o = index / (pm.inner * pm.picks);
  out[index] = x[(o * pm.size + u32(indices[j])) * pm.inner + i];
}`;
  const words = uniforms().u32(count).u32(size).u32(inner).u32(index.length);
  ctx.dispatch(`index:select:${type}`, source, b.list, pack(words), elementGrid(count));
}

/**
 * Backend.indexAdd: out[o, index[j], i] += src[o, j, i]; one thread per (o, i) adds over j in order, so repeated
 * indices sum as in the reference (f32: about repeats·2⁻²⁴ relative).
 */
export function indexAdd(
  ctx: GpuContext,
  src: TypedArray,
  outer: number,
  size: number,
  inner: number,
  index: Int32Array,
  out: TypedArray,
): void {
  const lanes = outer * inner;
  if (lanes === 0 || index.length === 0) return;
  const type = wgslElementType(out);
  const b = new ShaderBindings()
    .add('src', ctx.input(src), wgslElementType(src), 'read')
    .add('indices', ctx.input(index), 'i32', 'read')
    .add('out', ctx.inout(out), type, 'read_write');
  const source = (): string => /* wgsl */ `
${b.declarations('lanes: u32, size: u32, inner: u32, picks: u32')}
${ELEMENT_ENTRY}
  if (index >= pm.lanes) { return; }
  let i = index % pm.inner;
  let o = index / pm.inner;
  for (var j = 0u; j < pm.picks; j++) {
    let at = (o * pm.size + u32(indices[j])) * pm.inner + i;
    out[at] = out[at] + ${type}(src[(o * pm.picks + j) * pm.inner + i]);
  }
}`;
  const words = uniforms().u32(lanes).u32(size).u32(inner).u32(index.length);
  ctx.dispatch(`index:add:${wgslElementType(src)}:${type}`, source, b.list, pack(words), elementGrid(lanes));
}
