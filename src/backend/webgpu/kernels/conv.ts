// @file Convolutions on WebGPU: forward and weight gradient as implicit matmuls, the input gradient via matmul and col2im; im2col, col2im.
import type { FloatArray } from '../../../tensor/dtype.js';
import type { ConvGeometry, Window2d } from '../../types.js';
import type { GpuBinding, GpuContext } from '../context.js';
import { ELEMENT_ENTRY, ShaderBindings, elementGrid, pack, uniforms } from './common.js';
import { convForwardImplicit, convWeightGradImplicit } from './conv-implicit.js';
import { matmulBound } from './matmul.js';
import { WINDOW_FIELDS, windowWords } from './window.js';

/** Most column-buffer elements per chunk of images (64 MiB of f32, under every device's binding limit). */
const COLUMNS_LIMIT = 1 << 24;

/** Sizes of one group's product: Kg rows of columns, L positions, m outputs, and the planes. */
function sizes(geo: ConvGeometry) {
  const w = geo.window;
  const kernelGroup = (geo.inChannels / geo.groups) * w.kernelH * w.kernelW;
  return {
    kernelGroup,
    positions: w.outH * w.outW,
    outPerGroup: geo.outChannels / geo.groups,
    inPlane: w.inH * w.inW,
    /** Images per chunk, so that one chunk's columns stay under COLUMNS_LIMIT. */
    chunk: Math.max(
      1,
      Math.min(
        geo.images,
        Math.floor(COLUMNS_LIMIT / Math.max(1, geo.groups * kernelGroup * w.outH * w.outW)),
      ),
    ),
  };
}

/**
 * Backend.im2col: cols [images, channels·kH·kW, outH·outW] gets x[c, oh·sH − padH + ki·dH, ow·sW − padW + kj·dW]
 * at row (c, ki, kj) and column (oh, ow), 0 in padding: one thread per column entry.
 */
export function im2col(
  ctx: GpuContext,
  x: FloatArray,
  images: number,
  channels: number,
  window: Window2d,
  cols: FloatArray,
): void {
  const w = window;
  const count = images * channels * w.kernelH * w.kernelW * w.outH * w.outW;
  if (count === 0) return;
  const b = new ShaderBindings()
    .add('x', ctx.input(x), 'f32', 'read')
    .add('cols', ctx.output(cols), 'f32', 'read_write');
  const words = windowWords(uniforms().u32(count).u32(channels), w);
  const source = (): string => /* wgsl */ `
${b.declarations(`count: u32, channels: u32, ${WINDOW_FIELDS}`)}
${ELEMENT_ENTRY}
  if (index >= pm.count) { return; }
  let positions = u32(pm.outH * pm.outW);
  let taps = u32(pm.kernelH * pm.kernelW);
  let column = index % positions;
  let row = (index / positions) % (pm.channels * taps);
  let image = index / (positions * pm.channels * taps);
  let c = row / taps;
  let tap = i32(row % taps);
  let h = i32(column) / pm.outW * pm.strideH - pm.padH + tap / pm.kernelW * pm.dilationH;
  let w = i32(column) % pm.outW * pm.strideW - pm.padW + tap % pm.kernelW * pm.dilationW;
  var v = 0.0;
  if (h >= 0 && h < pm.inH && w >= 0 && w < pm.inW) {
    v = x[(image * pm.channels + c) * u32(pm.inH * pm.inW) + u32(h * pm.inW + w)];
  }
  cols[index] = v;
}`;
  ctx.dispatch('conv:im2col', source, b.list, pack(words), elementGrid(count));
}

/** Backend.col2im: adds every column entry onto the input position it was read from (`out` is not zeroed). */
export function col2im(
  ctx: GpuContext,
  cols: FloatArray,
  images: number,
  channels: number,
  window: Window2d,
  out: FloatArray,
): void {
  col2imFrom(ctx, ctx.input(cols), 0, images, channels, window, ctx.inout(out), true);
}

/**
 * col2im as a gather: one thread per input element of images first … first + images − 1 sums the column
 * entries whose window tap lands on it (no atomics), then adds to `out` (`accumulate`) or overwrites it.
 */
function col2imFrom(
  ctx: GpuContext,
  cols: GpuBinding,
  first: number,
  images: number,
  channels: number,
  w: Window2d,
  out: GpuBinding,
  accumulate: boolean,
): void {
  const count = images * channels * w.inH * w.inW;
  if (count === 0) return;
  const b = new ShaderBindings().add('cols', cols, 'f32', 'read').add('out', out, 'f32', 'read_write');
  const words = windowWords(uniforms().u32(count).u32(channels).u32(first), w);
  const source = (): string => /* wgsl */ `
${b.declarations(`count: u32, channels: u32, first: u32, ${WINDOW_FIELDS}`)}
${ELEMENT_ENTRY}
  if (index >= pm.count) { return; }
  let plane = u32(pm.inH * pm.inW);
  let h = i32(index % plane) / pm.inW;
  let w = i32(index % plane) % pm.inW;
  let imageChannel = index / plane;
  let positions = pm.outH * pm.outW;
  // Rows of this image and channel in the columns: (imageChannel·kH·kW + tap)·positions.
  let rowBase = imageChannel * u32(pm.kernelH * pm.kernelW);
  var sum = 0.0;
  for (var ki = 0; ki < pm.kernelH; ki++) {
    let hAt = h + pm.padH - ki * pm.dilationH;
    if (hAt < 0 || hAt % pm.strideH != 0 || hAt / pm.strideH >= pm.outH) { continue; }
    let oh = hAt / pm.strideH;
    for (var kj = 0; kj < pm.kernelW; kj++) {
      let wAt = w + pm.padW - kj * pm.dilationW;
      if (wAt < 0 || wAt % pm.strideW != 0 || wAt / pm.strideW >= pm.outW) { continue; }
      let row = rowBase + u32(ki * pm.kernelW + kj);
      sum += cols[row * u32(positions) + u32(oh * pm.outW + wAt / pm.strideW)];
    }
  }
  let at = pm.first * pm.channels * plane + index;
  out[at] = ${accumulate ? 'out[at] + sum' : 'sum'};
}`;
  ctx.dispatch(`conv:col2im:${accumulate ? 'add' : 'set'}`, source, b.list, pack(words), elementGrid(count));
}

/** Matrix offsets of a chunk of `count` images × groups, each group's matrix `groupStride` apart. */
function offsets(
  first: number,
  count: number,
  groups: number,
  imageStride: number,
  groupStride: number,
): number[] {
  const out = new Array<number>(count * groups);
  for (let b = 0; b < count; b++)
    for (let g = 0; g < groups; g++) out[b * groups + g] = (first + b) * imageStride + g * groupStride;
  return out;
}

/**
 * Backend.conv2d: y[n, g] = W[g] · im2col(x[n])[g] as one implicit matmul over (image, group) that reads the
 * columns from x in place (conv-implicit.ts; measured on SwiftShader, LeNet's layers on 64 images: 74 → 31 ms
 * and 66 → 43 ms against im2col into scratch plus the matmul); the bias is added by one more pass. f32 sums
 * over Kg = C/groups·kH·kW.
 */
export function conv2d(
  ctx: GpuContext,
  x: FloatArray,
  weight: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
  geo: ConvGeometry,
): void {
  const positions = geo.window.outH * geo.window.outW;
  if (geo.images === 0 || positions === 0 || geo.outChannels === 0) return;
  const outBinding = ctx.output(out);
  convForwardImplicit(ctx, ctx.input(x), ctx.input(weight), outBinding, geo);
  if (bias)
    addBias(
      ctx,
      outBinding,
      ctx.input(bias),
      geo.images * geo.outChannels * positions,
      geo.outChannels,
      positions,
    );
}

/** out[n, o, p] += bias[o]. */
function addBias(
  ctx: GpuContext,
  out: GpuBinding,
  bias: GpuBinding,
  count: number,
  channels: number,
  positions: number,
): void {
  const b = new ShaderBindings().add('out', out, 'f32', 'read_write').add('bias', bias, 'f32', 'read');
  const source = (): string => /* wgsl */ `
${b.declarations('count: u32, channels: u32, positions: u32')}
${ELEMENT_ENTRY}
  if (index >= pm.count) { return; }
  out[index] += bias[(index / pm.positions) % pm.channels];
}`;
  ctx.dispatch(
    'conv:bias',
    source,
    b.list,
    pack(uniforms().u32(count).u32(channels).u32(positions)),
    elementGrid(count),
  );
}

/** Backend.conv2dInputGrad: cols[n, g] = W[g]ᵀ · ∂y[n, g] by matmul, then col2im overwrites ∂x's images. */
export function conv2dInputGrad(
  ctx: GpuContext,
  gradOut: FloatArray,
  weight: FloatArray,
  gradInput: FloatArray,
  geo: ConvGeometry,
): void {
  const { images, inChannels, outChannels, groups, window } = geo;
  const { kernelGroup, positions, outPerGroup, chunk } = sizes(geo);
  if (images === 0 || inChannels === 0) return;
  // With no output positions or channels the products are empty (k = 0 writes zeros) and so is ∂x.
  const gradInputBinding = ctx.output(gradInput);
  const gradOutBinding = ctx.input(gradOut);
  const weightBinding = ctx.input(weight);
  const cols = ctx.scratch(Math.max(1, chunk * groups * kernelGroup * positions) * 4);
  for (let n0 = 0; n0 < images; n0 += chunk) {
    const count = Math.min(chunk, images - n0);
    matmulBound(
      ctx,
      weightBinding,
      offsets(0, count, groups, 0, outPerGroup * kernelGroup),
      gradOutBinding,
      offsets(n0, count, groups, outChannels * positions, outPerGroup * positions),
      cols,
      kernelGroup,
      outPerGroup,
      positions,
      true,
      false,
    );
    col2imFrom(ctx, cols, n0, count, inChannels, window, gradInputBinding, false);
  }
}

/**
 * Backend.conv2dWeightGrad: ∂W[g] = Σₙ ∂y[n, g] · im2col(x[n])[g]ᵀ as an implicit matmul reading x in place
 * (conv-implicit.ts). f32 throughout: the js reference sums per-image products in float64, so results agree
 * to about images·positions·2⁻²⁴ relative to Σ|∂y||x|.
 */
export function conv2dWeightGrad(
  ctx: GpuContext,
  x: FloatArray,
  gradOut: FloatArray,
  gradWeight: FloatArray,
  geo: ConvGeometry,
): void {
  convWeightGradImplicit(ctx, ctx.input(x), ctx.input(gradOut), ctx.output(gradWeight), geo);
}
