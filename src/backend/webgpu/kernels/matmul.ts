// @file Batched matrix product on WebGPU: each thread accumulates an 8×4 block of C in registers.
import type { FloatArray } from '../../../tensor/dtype.js';
import { MAX_WORKGROUPS_PER_DIMENSION, type GpuBinding, type GpuContext } from '../context.js';
import { pack, uniforms } from './common.js';
import { vec4Eligible, vec4Shader } from './matmul-vec4.js';

/** Rows and columns of C per thread. */
export const ROWS = 8;
export const COLUMNS = 4;
/** Most threads per workgroup, arranged to fit the output's shape (see {@link threadShape}). */
const THREADS = 64;

/** The least power of two ≥ x (1 for x ≤ 1). */
const ceilPow2 = (x: number): number => 2 ** Math.max(0, Math.ceil(Math.log2(Math.max(1, x))));

/**
 * The workgroup's threads [across columns, across rows]: 8×8 for large outputs, no more rows or columns of
 * threads than C needs (a convolution's m = 6 output channels: 64×1; its weight gradient's 6×25: 8×1; a
 * classifier's n = 10 columns: 4×8), so that few threads compute clamped duplicates.
 */
export function threadShape(m: number, n: number): [number, number] {
  const rowsNeeded = ceilPow2(m / ROWS);
  const columnsNeeded = ceilPow2(n / COLUMNS);
  let rowsOfThreads = Math.min(8, rowsNeeded);
  const columnsOfThreads = Math.min(THREADS / rowsOfThreads, columnsNeeded);
  rowsOfThreads = Math.min(THREADS / columnsOfThreads, rowsNeeded);
  return [columnsOfThreads, rowsOfThreads];
}

/**
 * Backend.matmul: out[i] (m×n) = op(a[aOffsets[i]]) · op(b[bOffsets[i]]) for every batch entry i, where op
 * transposes when its flag is set (a stored k×m under `transA`, b stored n×k under `transB`). Sums are f32 in
 * k order, so a result differs from the float64 reference by about k·2⁻²⁴ relative to Σ|a||b|.
 */
export function matmul(
  ctx: GpuContext,
  a: FloatArray,
  aOffsets: readonly number[],
  b: FloatArray,
  bOffsets: readonly number[],
  out: FloatArray,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  matmulBound(ctx, ctx.input(a), aOffsets, ctx.input(b), bOffsets, ctx.output(out), m, k, n, transA, transB);
}

/** The product behind matmul on operands already bound (the convolution's input gradient writes scratch). */
export function matmulBound(
  ctx: GpuContext,
  a: GpuBinding,
  aOffsets: readonly number[],
  b: GpuBinding,
  bOffsets: readonly number[],
  out: GpuBinding,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  const entries = aOffsets.length;
  if (entries === 0 || m === 0 || n === 0) return;
  const offsets = new Int32Array(2 * entries);
  for (let i = 0; i < entries; i++) {
    offsets[i] = aOffsets[i]!;
    offsets[entries + i] = bOffsets[i]!;
  }
  const bindings = [a, b, ctx.input(offsets), out];
  const [tx, ty] = threadShape(m, n);
  const vec4 = vec4Eligible(aOffsets, bOffsets, k, n, transA, transB);
  const key = `matmul:${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}:${tx}x${ty}${vec4 ? ':vec4' : ''}`;
  const source = (): string => (vec4 ? vec4Shader(transB, tx, ty) : matmulShader(transA, transB, tx, ty));
  const columns = Math.ceil(n / (tx * COLUMNS));
  const rows = Math.ceil(m / (ty * ROWS));
  for (let base = 0; base < entries; base += MAX_WORKGROUPS_PER_DIMENSION) {
    const count = Math.min(MAX_WORKGROUPS_PER_DIMENSION, entries - base);
    const words = uniforms().u32(m).u32(k).u32(n).u32(entries).u32(base);
    ctx.dispatch(key, source, bindings, pack(words), [columns, rows, count]);
  }
}

/**
 * The WGSL of one transpose combination and thread shape. Thread (x, y) of workgroup (gx, gy, z) computes rows
 * i0 … i0 + 7 and columns j0 … j0 + 3 of output matrix z: per k step one value of op(A) per row and a vec4 of op(B), 8 vector
 * multiply-adds. Why no workgroup memory: measured on SwiftShader (the CI adapter, which runs invocations as
 * CPU SIMD lanes and barriers as coroutine switches), this register-blocked kernel ran matmul 1024 at
 * 1.3–2.9 GFLOPS against 0.6–1.6 for 64×64 tiles staged through workgroup memory, on the same busy machine.
 * Rows and columns past the edge read the last valid one (clamped addresses, no branch in the loop) and are
 * not stored.
 */
function matmulShader(transA: boolean, transB: boolean, tx: number, ty: number): string {
  // Element (i, p) of op(A) is a[aOff + i·rowStep + p·aStep]; element (p, j) of op(B) is b[bOff + j·colStep + p·bStep].
  const rowStep = transA ? '1u' : 'pm.k';
  const aStep = transA ? 'pm.m' : '1u';
  const colStep = transB ? 'pm.k' : '1u';
  const bStep = transB ? '1u' : 'pm.n';
  const lines = (count: number, line: (i: number) => string): string =>
    Array.from({ length: count }, (_, i) => line(i)).join('\n  ');
  return /* wgsl */ `
struct Params { m: u32, k: u32, n: u32, entries: u32, base: u32 }
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read> offsets: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> pm: Params;

@compute @workgroup_size(${tx}, ${ty})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wg: vec3u) {
  let i0 = gid.y * ${ROWS}u;
  let j0 = gid.x * ${COLUMNS}u;
  let matrix = wg.z + pm.base;
  ${lines(ROWS, (r) => `var acc${r} = vec4f(0.0);`)}
  let aOff = u32(offsets[matrix]);
  let bOff = u32(offsets[pm.entries + matrix]);
  ${lines(ROWS, (r) => `let row${r} = aOff + min(i0 + ${r}u, pm.m - 1u) * ${rowStep};`)}
  ${lines(COLUMNS, (c) => `let col${c} = bOff + min(j0 + ${c}u, pm.n - 1u) * ${colStep};`)}
  var pa = 0u;
  var pb = 0u;
  for (var p = 0u; p < pm.k; p++) {
    let bv = vec4f(b[col0 + pb], b[col1 + pb], b[col2 + pb], b[col3 + pb]);
    ${lines(ROWS, (r) => `acc${r} += a[row${r} + pa] * bv;`)}
    pa += ${aStep};
    pb += ${bStep};
  }
  let outBase = matrix * pm.m * pm.n;
  ${lines(ROWS, (r) => `store_row(outBase, i0 + ${r}u, j0, acc${r});`)}
}

fn store_row(outBase: u32, i: u32, j0: u32, values: vec4f) {
  if (i >= pm.m) { return; }
  for (var c = 0u; c < ${COLUMNS}u; c++) {
    if (j0 + c < pm.n) { out[outBase + i * pm.n + j0 + c] = values[c]; }
  }
}
`;
}
