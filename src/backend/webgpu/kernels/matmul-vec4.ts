// @file The matmul's aligned variant: op(A) rows and op(B) read as vec4s, four k steps per loop iteration.
import { COLUMNS, ROWS } from './matmul.js';

/**
 * Whether a product can take the vec4 path: A not transposed with k a multiple of 4, B's contiguous axis (n, or
 * k when transposed) a multiple of 4, and every matrix offset a multiple of 4, so that each vec4 is one
 * aligned group of four elements of one row.
 */
export function vec4Eligible(
  aOffsets: readonly number[],
  bOffsets: readonly number[],
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): boolean {
  if (transA || k === 0 || k % 4 !== 0 || (!transB && n % 4 !== 0)) return false;
  return aOffsets.every((o) => o % 4 === 0) && bOffsets.every((o) => o % 4 === 0);
}

/**
 * The vec4 shader (same bindings and uniforms as the scalar one, a and b declared as vec4 arrays): per four k
 * steps each thread loads one vec4 of A per row and four vec4s of B (rows of B, or columns of a transposed B
 * turned into rows in registers), then 32 vector multiply-adds, a quarter of the scalar path's loads.
 */
export function vec4Shader(transB: boolean, tx: number, ty: number): string {
  const lines = (count: number, line: (i: number) => string): string =>
    Array.from({ length: count }, (_, i) => line(i)).join('\n  ');
  const setupB = transB
    ? lines(COLUMNS, (c) => `let col${c} = (bOff + min(j0 + ${c}u, pm.n - 1u) * pm.k) / 4u;`)
    : 'let colBase = (bOff + min(j0, pm.n - 4u)) / 4u;\n  let quarterN = pm.n / 4u;';
  const loadB = transB
    ? `let c0 = b[col0 + p4]; let c1 = b[col1 + p4]; let c2 = b[col2 + p4]; let c3 = b[col3 + p4];
    let b0 = vec4f(c0.x, c1.x, c2.x, c3.x);
    let b1 = vec4f(c0.y, c1.y, c2.y, c3.y);
    let b2 = vec4f(c0.z, c1.z, c2.z, c3.z);
    let b3 = vec4f(c0.w, c1.w, c2.w, c3.w);`
    : `let pb = colBase + 4u * p4 * quarterN;
    let b0 = b[pb];
    let b1 = b[pb + quarterN];
    let b2 = b[pb + 2u * quarterN];
    let b3 = b[pb + 3u * quarterN];`;
  return /* wgsl */ `
struct Params { m: u32, k: u32, n: u32, entries: u32, base: u32 }
@group(0) @binding(0) var<storage, read> a: array<vec4f>;
@group(0) @binding(1) var<storage, read> b: array<vec4f>;
@group(0) @binding(2) var<storage, read> offsets: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> pm: Params;

@compute @workgroup_size(${tx}, ${ty})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wg: vec3u) {
  let i0 = gid.y * ${ROWS}u;
  let j0 = gid.x * ${COLUMNS}u;
  let matrix = wg.z + pm.base;
  let aOff = u32(offsets[matrix]);
  let bOff = u32(offsets[pm.entries + matrix]);
  ${lines(ROWS, (r) => `let row${r} = (aOff + min(i0 + ${r}u, pm.m - 1u) * pm.k) / 4u;`)}
  ${setupB}
  ${lines(ROWS, (r) => `var acc${r} = vec4f(0.0);`)}
  for (var p4 = 0u; p4 < pm.k / 4u; p4++) {
    ${loadB}
    ${lines(ROWS, (r) => `{ let av = a[row${r} + p4]; acc${r} += av.x * b0 + av.y * b1 + av.z * b2 + av.w * b3; }`)}
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
