// @file The convolution forward as an implicit matmul on WebGPU: W · im2col(x) with the columns read from x in place.
import type { ConvGeometry } from '../../types.js';
import { MAX_WORKGROUPS_PER_DIMENSION, type GpuBinding, type GpuContext } from '../context.js';
import { ELEMENT_ENTRY, ShaderBindings, elementGrid, pack, uniforms } from './common.js';
import { COLUMNS, ROWS, threadShape } from './matmul.js';
import { WINDOW_FIELDS, windowWords } from './window.js';

/**
 * y[n, g·m + o, j] = Σ_p W[g·m + o, p] · x[n, g·Cg + c_p, oh_j·sH − padH + ki_p·dH, ow_j·sW − padW + kj_p·dW]
 * (0 in padding) for every image n and group g: the batched matmul's register blocks (8 output channels × 4
 * positions per thread, f32 sums in p order) with op(B) = im2col(x) read from x as the loop walks p = (c, ki, kj)
 * by counters, so no column buffer is written or read. Overwrites `out` ([images, outChannels, outH·outW]).
 */
export function convForwardImplicit(
  ctx: GpuContext,
  x: GpuBinding,
  weight: GpuBinding,
  out: GpuBinding,
  geo: ConvGeometry,
): void {
  const w = geo.window;
  const m = geo.outChannels / geo.groups;
  const channels = geo.inChannels / geo.groups;
  const kernelGroup = channels * w.kernelH * w.kernelW;
  const positions = w.outH * w.outW;
  const matrices = geo.images * geo.groups;
  if (matrices === 0 || m === 0 || positions === 0) return;
  const [tx, ty] = threadShape(m, positions);
  const b = new ShaderBindings()
    .add('weight', weight, 'f32', 'read')
    .add('x', x, 'f32', 'read')
    .add('out', out, 'f32', 'read_write');
  const source = (): string => convShader(b, tx, ty);
  for (let base = 0; base < matrices; base += MAX_WORKGROUPS_PER_DIMENSION) {
    const count = Math.min(MAX_WORKGROUPS_PER_DIMENSION, matrices - base);
    const words = uniforms()
      .u32(m)
      .u32(kernelGroup)
      .u32(positions)
      .u32(base)
      .u32(geo.groups)
      .u32(channels)
      .u32(geo.inChannels);
    windowWords(words, w);
    const grid: [number, number, number] = [
      Math.ceil(positions / (tx * COLUMNS)),
      Math.ceil(m / (ty * ROWS)),
      count,
    ];
    ctx.dispatch(`conv:implicit:${tx}x${ty}`, source, b.list, pack(words), grid);
  }
}

/** WGSL: the input value at row h, column w of the plane starting at `plane`, 0 in padding (a clamped read). */
const TAP = /* wgsl */ `
fn tap(plane: u32, h: i32, w: i32) -> f32 {
  let inside = h >= 0 && h < pm.inH && w >= 0 && w < pm.inW;
  let at = plane + u32(clamp(h, 0, pm.inH - 1) * pm.inW + clamp(w, 0, pm.inW - 1));
  return select(0.0, x[at], inside);
}`;

const lines = (count: number, line: (i: number) => string): string =>
  Array.from({ length: count }, (_, i) => line(i)).join('\n  ');

function convShader(b: ShaderBindings, tx: number, ty: number): string {
  return /* wgsl */ `
${b.declarations(`m: u32, k: u32, n: u32, base: u32, groups: u32, channels: u32, inChannels: u32, ${WINDOW_FIELDS}`)}

${TAP}
@compute @workgroup_size(${tx}, ${ty})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wg: vec3u) {
  let i0 = gid.y * ${ROWS}u;
  let j0 = gid.x * ${COLUMNS}u;
  let matrix = wg.z + pm.base;
  let image = matrix / pm.groups;
  let group = matrix % pm.groups;
  let inPlane = u32(pm.inH * pm.inW);
  let aOff = group * pm.m * pm.k;
  let xOff = (image * pm.inChannels + group * pm.channels) * inPlane;
  ${lines(ROWS, (r) => `let row${r} = aOff + min(i0 + ${r}u, pm.m - 1u) * pm.k;`)}
  ${lines(
    COLUMNS,
    (c) => `let column${c} = i32(min(j0 + ${c}u, pm.n - 1u));
  let h${c} = column${c} / pm.outW * pm.strideH - pm.padH;
  let w${c} = column${c} % pm.outW * pm.strideW - pm.padW;`,
  )}
  ${lines(ROWS, (r) => `var acc${r} = vec4f(0.0);`)}
  var plane = xOff;
  var ki = 0;
  var kj = 0;
  for (var p = 0u; p < pm.k; p++) {
    let dh = ki * pm.dilationH;
    let dw = kj * pm.dilationW;
    let bv = vec4f(tap(plane, h0 + dh, w0 + dw), tap(plane, h1 + dh, w1 + dw),
                   tap(plane, h2 + dh, w2 + dw), tap(plane, h3 + dh, w3 + dw));
    ${lines(ROWS, (r) => `acc${r} += weight[row${r} + p] * bv;`)}
    kj++;
    if (kj == pm.kernelW) {
      kj = 0;
      ki++;
      if (ki == pm.kernelH) { ki = 0; plane += inPlane; }
    }
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

/** Partial sums of the weight gradient: at most this many, each over every CHUNKS-th image. */
const CHUNKS = 16;

/**
 * ∂W[g][o, r] = Σₙ Σ_q ∂y[n, g·m + o, q] · x[n, g·Cg + c_r, oh_q·sH − padH + ki_r·dH, ow_q·sW − padW + kj_r·dW]:
 * the register-blocked product with op(B) = im2col(x)ᵀ read from x in place, positions q walked by counters.
 * Images are split into up to CHUNKS strided partial sums (so that a small ∂W still spreads over many
 * workgroups), written to a scratch buffer and summed by one more pass. f32 sums over images·positions.
 */
export function convWeightGradImplicit(
  ctx: GpuContext,
  x: GpuBinding,
  gradOut: GpuBinding,
  gradWeight: GpuBinding,
  geo: ConvGeometry,
): void {
  const w = geo.window;
  const m = geo.outChannels / geo.groups;
  const channels = geo.inChannels / geo.groups;
  const kernelGroup = channels * w.kernelH * w.kernelW;
  const positions = w.outH * w.outW;
  const weightSize = geo.groups * m * kernelGroup;
  if (weightSize === 0) return;
  const chunks = Math.max(1, Math.min(CHUNKS, geo.images));
  const partial = chunks === 1 ? gradWeight : ctx.scratch(chunks * weightSize * 4);
  const [tx, ty] = threadShape(m, kernelGroup);
  const b = new ShaderBindings()
    .add('gradOut', gradOut, 'f32', 'read')
    .add('x', x, 'f32', 'read')
    .add('partial', partial, 'f32', 'read_write');
  const words = uniforms()
    .u32(m)
    .u32(positions)
    .u32(kernelGroup)
    .u32(geo.images)
    .u32(geo.groups)
    .u32(channels)
    .u32(geo.inChannels)
    .u32(chunks);
  windowWords(words, w);
  const grid: [number, number, number] = [
    Math.ceil(kernelGroup / (tx * COLUMNS)),
    Math.ceil(m / (ty * ROWS)),
    chunks * geo.groups,
  ];
  ctx.dispatch(
    `conv:implicitWeightGrad:${tx}x${ty}`,
    () => weightGradShader(b, tx, ty),
    b.list,
    pack(words),
    grid,
  );
  if (chunks > 1) sumChunks(ctx, partial, gradWeight, chunks, weightSize);
}

function weightGradShader(b: ShaderBindings, tx: number, ty: number): string {
  return /* wgsl */ `
${b.declarations(`m: u32, k: u32, n: u32, images: u32, groups: u32, channels: u32, inChannels: u32, chunks: u32, ${WINDOW_FIELDS}`)}
${TAP}

@compute @workgroup_size(${tx}, ${ty})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wg: vec3u) {
  let i0 = gid.y * ${ROWS}u;
  let j0 = gid.x * ${COLUMNS}u;
  let chunk = wg.z / pm.groups;
  let group = wg.z % pm.groups;
  let inPlane = u32(pm.inH * pm.inW);
  let taps = u32(pm.kernelH * pm.kernelW);
  ${lines(
    COLUMNS,
    (c) => `let r${c} = min(j0 + ${c}u, pm.n - 1u);
  let plane${c} = (group * pm.channels + r${c} / taps) * inPlane;
  let dh${c} = i32(r${c} % taps) / pm.kernelW * pm.dilationH - pm.padH;
  let dw${c} = i32(r${c} % taps) % pm.kernelW * pm.dilationW - pm.padW;`,
  )}
  ${lines(ROWS, (r) => `let o${r} = group * pm.m + min(i0 + ${r}u, pm.m - 1u);`)}
  ${lines(ROWS, (r) => `var acc${r} = vec4f(0.0);`)}
  let outChannels = pm.groups * pm.m;
  for (var image = chunk; image < pm.images; image += pm.chunks) {
    let xImage = image * pm.inChannels * inPlane;
    ${lines(ROWS, (r) => `let dy${r} = (image * outChannels + o${r}) * pm.k;`)}
    var oh = 0;
    var ow = 0;
    for (var q = 0u; q < pm.k; q++) {
      let hq = oh * pm.strideH;
      let wq = ow * pm.strideW;
      let bv = vec4f(tap(xImage + plane0, hq + dh0, wq + dw0), tap(xImage + plane1, hq + dh1, wq + dw1),
                     tap(xImage + plane2, hq + dh2, wq + dw2), tap(xImage + plane3, hq + dh3, wq + dw3));
      ${lines(ROWS, (r) => `acc${r} += gradOut[dy${r} + q] * bv;`)}
      ow++;
      if (ow == pm.outW) { ow = 0; oh++; }
    }
  }
  let outBase = (chunk * pm.groups + group) * pm.m * pm.n;
  ${lines(ROWS, (r) => `store_row(outBase, i0 + ${r}u, j0, acc${r});`)}
}

fn store_row(outBase: u32, i: u32, j0: u32, values: vec4f) {
  if (i >= pm.m) { return; }
  for (var c = 0u; c < ${COLUMNS}u; c++) {
    if (j0 + c < pm.n) { partial[outBase + i * pm.n + j0 + c] = values[c]; }
  }
}
`;
}

/** out[e] = Σ_chunk partial[chunk·size + e]. */
function sumChunks(
  ctx: GpuContext,
  partial: GpuBinding,
  out: GpuBinding,
  chunks: number,
  size: number,
): void {
  const b = new ShaderBindings().add('partial', partial, 'f32', 'read').add('out', out, 'f32', 'read_write');
  const source = (): string => /* wgsl */ `
${b.declarations('size: u32, chunks: u32')}
${ELEMENT_ENTRY}
  if (index >= pm.size) { return; }
  var sum = 0.0;
  for (var c = 0u; c < pm.chunks; c++) { sum += partial[c * pm.size + index]; }
  out[index] = sum;
}`;
  ctx.dispatch('conv:sumChunks', source, b.list, pack(uniforms().u32(size).u32(chunks)), elementGrid(size));
}
