// @file Batched matrix product on WebGPU: each thread accumulates an 8×4 block of C in registers.
import type { FloatArray } from '../../../tensor/dtype.js';
import { MAX_WORKGROUPS_PER_DIMENSION, type GpuBinding, type GpuContext } from '../context.js';
import { pack, uniforms } from './common.js';

/** Rows and columns of C per thread. */
export const ROWS = 8;
export const COLUMNS = 4;
/** Threads per workgroup, arranged to fit the output's shape (see {@link threadShape}). */
const THREADS = 64;

/** The least power of two ≥ x (1 for x ≤ 1). */
const ceilPow2 = (x: number): number => 2 ** Math.max(0, Math.ceil(Math.log2(Math.max(1, x))));

/**
 * The workgroup's threads [across columns, across rows]: 8×8 for large outputs; fewer rows of threads when C has
 * few rows (a convolution's m = 6 output channels: 64×1, a tile of 8 rows × 256 columns), fewer columns of
 * threads when it has few columns (a classifier's n = 10: 4×16), so that clamped edge threads stay few.
 */
export function threadShape(m: number, n: number): [number, number] {
  let rowsOfThreads = Math.min(8, ceilPow2(m / ROWS));
  let columnsOfThreads = THREADS / rowsOfThreads;
  const needed = ceilPow2(n / COLUMNS);
  if (needed < columnsOfThreads) {
    columnsOfThreads = needed;
    rowsOfThreads = THREADS / columnsOfThreads;
  }
  return [columnsOfThreads, rowsOfThreads];
}

/**
 * How a product's outputs combine its batch entries: output matrix z (written at matrix firstOutput + z of
 * `out`) sums the products of entries z + r·reduceStride for r < reduceCount (1 for an ordinary batched
 * matmul), and adds onto `out` instead of overwriting it when `accumulate`.
 */
export interface MatmulPlan {
  readonly outputs: number;
  readonly firstOutput: number;
  readonly reduceCount: number;
  readonly reduceStride: number;
  readonly accumulate: boolean;
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
  const plan = {
    outputs: aOffsets.length,
    firstOutput: 0,
    reduceCount: 1,
    reduceStride: 0,
    accumulate: false,
  };
  matmulPlanned(ctx, ctx.input(a), aOffsets, ctx.input(b), bOffsets, out, m, k, n, transA, transB, plan);
}

/**
 * The product behind matmul for operands already bound (a scratch buffer of im2col columns, say), with a
 * {@link MatmulPlan}: convolution gradients use it to sum over images in one pass.
 */
export function matmulPlanned(
  ctx: GpuContext,
  a: GpuBinding,
  aOffsets: readonly number[],
  b: GpuBinding,
  bOffsets: readonly number[],
  out: FloatArray | GpuBinding,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  plan: MatmulPlan,
): void {
  if (plan.outputs === 0 || m === 0 || n === 0) return;
  const entries = aOffsets.length;
  const offsets = new Int32Array(2 * entries);
  for (let i = 0; i < entries; i++) {
    offsets[i] = aOffsets[i]!;
    offsets[entries + i] = bOffsets[i]!;
  }
  const outBinding = isBinding(out) ? out : plan.accumulate ? ctx.inout(out) : ctx.output(out);
  const bindings = [a, b, ctx.input(offsets), outBinding];
  const [tx, ty] = threadShape(m, n);
  const key = `matmul:${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}${plan.accumulate ? '+' : '='}:${tx}x${ty}`;
  const source = (): string => matmulShader(transA, transB, plan.accumulate, tx, ty);
  const columns = Math.ceil(n / (tx * COLUMNS));
  const rows = Math.ceil(m / (ty * ROWS));
  for (let base = 0; base < plan.outputs; base += MAX_WORKGROUPS_PER_DIMENSION) {
    const count = Math.min(MAX_WORKGROUPS_PER_DIMENSION, plan.outputs - base);
    const words = uniforms()
      .u32(m)
      .u32(k)
      .u32(n)
      .u32(entries)
      .u32(base)
      .u32(plan.reduceCount)
      .u32(plan.reduceStride)
      .u32(plan.firstOutput);
    ctx.dispatch(key, source, bindings, pack(words), [columns, rows, count]);
  }
}

function isBinding(x: FloatArray | GpuBinding): x is GpuBinding {
  return !ArrayBuffer.isView(x);
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
function matmulShader(transA: boolean, transB: boolean, accumulate: boolean, tx: number, ty: number): string {
  // Element (i, p) of op(A) is a[aOff + i·rowStep + p·aStep]; element (p, j) of op(B) is b[bOff + j·colStep + p·bStep].
  const rowStep = transA ? '1u' : 'pm.k';
  const aStep = transA ? 'pm.m' : '1u';
  const colStep = transB ? 'pm.k' : '1u';
  const bStep = transB ? '1u' : 'pm.n';
  const lines = (count: number, line: (i: number) => string): string =>
    Array.from({ length: count }, (_, i) => line(i)).join('\n    ');
  const assign = accumulate ? '+=' : '=';
  return /* wgsl */ `
struct Params { m: u32, k: u32, n: u32, entries: u32, base: u32, reduceCount: u32, reduceStride: u32, firstOutput: u32 }
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
  for (var r = 0u; r < pm.reduceCount; r++) {
    let entry_index = matrix + r * pm.reduceStride;
    let aOff = u32(offsets[entry_index]);
    let bOff = u32(offsets[pm.entries + entry_index]);
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
  }
  let outBase = (pm.firstOutput + matrix) * pm.m * pm.n;
  ${lines(ROWS, (r) => `store_row(outBase, i0 + ${r}u, j0, acc${r});`)}
}

fn store_row(outBase: u32, i: u32, j0: u32, values: vec4f) {
  if (i >= pm.m) { return; }
  for (var c = 0u; c < ${COLUMNS}u; c++) {
    if (j0 + c < pm.n) { out[outBase + i * pm.n + j0 + c] ${assign} values[c]; }
  }
}
`;
}
