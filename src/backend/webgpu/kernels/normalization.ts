// @file Batch normalization on WebGPU: one workgroup per channel for the statistics and the VJP's sums.
import type { FloatArray } from '../../../tensor/dtype.js';
import { WGSL_FLAT_INDEX, workgroupsFor, type GpuContext } from '../context.js';
import { ELEMENT_ENTRY, ShaderBindings, elementGrid, pack, uniforms } from './common.js';

const FIELDS = 'outer: u32, channels: u32, inner: u32, eps: f32';

/**
 * The head of a one-workgroup-per-channel entry: `c` is the channel, `lid` the thread; `count` = outer·inner
 * values, value j of the channel at (j / inner)·channels·inner + c·inner + j % inner. `reduce2(v)` sums a vec2
 * over the workgroup (a tree in workgroup memory) and returns it to every thread.
 */
const CHANNEL_ENTRY = /* wgsl */ `
var<workgroup> partial: array<vec2f, 256>;
fn reduce2(lid: u32, v: vec2f) -> vec2f {
  partial[lid] = v;
  for (var width = 128u; width > 0u; width /= 2u) {
    workgroupBarrier();
    if (lid < width) { partial[lid] += partial[lid + width]; }
  }
  workgroupBarrier();
  let total = partial[0];
  workgroupBarrier();
  return total;
}
fn at(c: u32, j: u32) -> u32 { return (j / pm.inner) * pm.channels * pm.inner + c * pm.inner + j % pm.inner; }
${WGSL_FLAT_INDEX}
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let c = wid.y * nwg.x + wid.x;
  if (c >= pm.channels) { return; }
  let count = pm.outer * pm.inner;`;

/**
 * Backend.batchNorm: per channel μ = mean of x, σ² = mean of (x − μ)² (two passes, f32 tree sums: about
 * log₂(count)·2⁻²⁴ relative), invstd = 1/√(σ² + ε), out = x·(γ·invstd) + (β − μ·γ·invstd). Writes μ, σ² and
 * invstd into their (float64 on the host, f32 here) arrays.
 */
export function batchNorm(
  ctx: GpuContext,
  x: FloatArray,
  outer: number,
  channels: number,
  inner: number,
  weight: FloatArray | null,
  bias: FloatArray | null,
  eps: number,
  out: FloatArray,
  mean: Float64Array,
  variance: Float64Array,
  invstd: Float64Array,
): void {
  if (channels === 0) return;
  const b = new ShaderBindings().add('x', ctx.input(x), 'f32', 'read');
  if (weight) b.add('weight', ctx.input(weight), 'f32', 'read');
  if (bias) b.add('bias', ctx.input(bias), 'f32', 'read');
  b.add('out', ctx.output(out), 'f32', 'read_write')
    .add('mean', ctx.output(mean), 'f32', 'read_write')
    .add('variance', ctx.output(variance), 'f32', 'read_write')
    .add('invstd', ctx.output(invstd), 'f32', 'read_write');
  const source = (): string => /* wgsl */ `
${b.declarations(FIELDS)}
${CHANNEL_ENTRY}
  var s = 0.0;
  for (var j = lid; j < count; j += 256u) { s += x[at(c, j)]; }
  let mu = reduce2(lid, vec2f(s, 0.0)).x / f32(count);
  var squares = 0.0;
  for (var j = lid; j < count; j += 256u) { let d = x[at(c, j)] - mu; squares += d * d; }
  let sigma2 = reduce2(lid, vec2f(squares, 0.0)).x / f32(count);
  let inv = 1.0 / sqrt(sigma2 + pm.eps);
  if (lid == 0u) { mean[c] = mu; variance[c] = sigma2; invstd[c] = inv; }
  let scale = ${weight ? 'weight[c]' : '1.0'} * inv;
  let shift = ${bias ? 'bias[c]' : '0.0'} - mu * scale;
  for (var j = lid; j < count; j += 256u) { let i = at(c, j); out[i] = x[i] * scale + shift; }
}`;
  const words = uniforms().u32(outer).u32(channels).u32(inner).f32(eps);
  ctx.dispatch(
    `norm:batch:${weight ? 'w' : '-'}${bias ? 'b' : '-'}`,
    source,
    b.list,
    pack(words),
    workgroupsFor(channels, 1),
  );
}

/** Backend.channelAffine: out = x·scale[c] + shift[c] over x viewed as [outer, channels, inner] (f32). */
export function channelAffine(
  ctx: GpuContext,
  x: FloatArray,
  outer: number,
  channels: number,
  inner: number,
  scale: Float64Array,
  shift: Float64Array,
  out: FloatArray,
): void {
  const count = outer * channels * inner;
  if (count === 0) return;
  const b = new ShaderBindings()
    .add('x', ctx.input(x), 'f32', 'read')
    .add('scale', ctx.input(scale), 'f32', 'read')
    .add('shift', ctx.input(shift), 'f32', 'read')
    .add('out', ctx.output(out), 'f32', 'read_write');
  const source = (): string => /* wgsl */ `
${b.declarations('count: u32, channels: u32, inner: u32')}
${ELEMENT_ENTRY}
  if (index >= pm.count) { return; }
  let c = (index / pm.inner) % pm.channels;
  out[index] = x[index] * scale[c] + shift[c];
}`;
  const words = uniforms().u32(count).u32(channels).u32(inner);
  ctx.dispatch('norm:affine', source, b.list, pack(words), elementGrid(count));
}

/**
 * Backend.batchNormBackward: per channel Σ∂y and Σ∂y·(x − μ) in one pass (f32 tree sums), ∂β = Σ∂y,
 * ∂γ = invstd·Σ∂y·(x − μ), ∂x = γ·invstd·(∂y − Σ∂y/M − x̂·∂γ/M); each output only where given.
 */
export function batchNormBackward(
  ctx: GpuContext,
  gradOut: FloatArray,
  x: FloatArray,
  outer: number,
  channels: number,
  inner: number,
  weight: FloatArray | null,
  mean: Float64Array,
  invstd: Float64Array,
  gradInput: FloatArray | null,
  gradWeight: FloatArray | null,
  gradBias: FloatArray | null,
): void {
  if (channels === 0 || (!gradInput && !gradWeight && !gradBias)) return;
  const b = new ShaderBindings()
    .add('gradOut', ctx.input(gradOut), 'f32', 'read')
    .add('x', ctx.input(x), 'f32', 'read')
    .add('mean', ctx.input(mean), 'f32', 'read')
    .add('invstd', ctx.input(invstd), 'f32', 'read');
  if (weight && gradInput) b.add('weight', ctx.input(weight), 'f32', 'read');
  if (gradInput) b.add('gradInput', ctx.output(gradInput), 'f32', 'read_write');
  if (gradWeight) b.add('gradWeight', ctx.output(gradWeight), 'f32', 'read_write');
  if (gradBias) b.add('gradBias', ctx.output(gradBias), 'f32', 'read_write');
  const source = (): string => /* wgsl */ `
${b.declarations(FIELDS)}
${CHANNEL_ENTRY}
  let mu = mean[c];
  let inv = invstd[c];
  var sums = vec2f(0.0);
  for (var j = lid; j < count; j += 256u) {
    let i = at(c, j);
    let dy = gradOut[i];
    sums += vec2f(dy, dy * (x[i] - mu));
  }
  let total = reduce2(lid, sums);
  let sumDyXhat = total.y * inv;
  if (lid == 0u) {
    ${gradBias ? 'gradBias[c] = total.x;' : ''}
    ${gradWeight ? 'gradWeight[c] = sumDyXhat;' : ''}
  }
  ${
    gradInput
      ? `let k = ${weight ? 'weight[c]' : '1.0'} * inv;
  let meanDy = total.x / f32(count);
  let slope = sumDyXhat * inv / f32(count);
  for (var j = lid; j < count; j += 256u) {
    let i = at(c, j);
    gradInput[i] = k * (gradOut[i] - meanDy - (x[i] - mu) * slope);
  }`
      : ''
  }
}`;
  const key = `norm:batchBackward:${weight && gradInput ? 'w' : '-'}${gradInput ? 'x' : '-'}${gradWeight ? 'g' : '-'}${gradBias ? 'b' : '-'}`;
  const words = uniforms().u32(outer).u32(channels).u32(inner).f32(0);
  ctx.dispatch(key, source, b.list, pack(words), workgroupsFor(channels, 1));
}
