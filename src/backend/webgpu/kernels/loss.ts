// @file The fused losses on WebGPU: class-index and class-probability cross-entropy / NLL, elementwise BCE.
import type { ClassLossSpec, LossUpstream, PointwiseLossKind } from '../../loss-kernels.js';
import type { FloatArray, TypedArray } from '../../../tensor/dtype.js';
import { wgslElementType, type GpuBinding, type GpuContext } from '../context.js';
import { ELEMENT_ENTRY, ShaderBindings, elementGrid, pack, uniforms } from './common.js';
import { POINTWISE_RULES } from './loss-rules.js';

/**
 * The formulas are backend/js/loss.ts's, per position in f32; the totals are summed by one workgroup in f32 (a
 * tree of 256 partial sums), so they differ from the float64 reference by about log₂(positions)·2⁻²⁴ relative
 * to Σ|lᵢ|, and each lᵢ by a few 2⁻²⁴ relative to its terms (log-sum-exp over C classes: C·2⁻²⁴).
 */
const SPEC_FIELDS = 'positions: u32, classes: u32, inner: u32, ignoreIndex: i32, eps: f32';

function specWords(spec: ClassLossSpec) {
  return uniforms()
    .u32(spec.batch * spec.inner)
    .u32(spec.classes)
    .u32(spec.inner)
    .i32(spec.ignoreIndex)
    .f32(spec.labelSmoothing);
}

/** WGSL: the log-normaliser of position `pos` (m + log Σ e^{x_c − m}, NaN propagating) as `norm`. */
const NORMALISER = /* wgsl */ `
  var top = x[base];
  for (var c = 1u; c < pm.classes; c++) {
    let v = x[base + c * pm.inner];
    if (v > top || (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u) { top = v; }
  }
  var total = 0.0;
  for (var c = 0u; c < pm.classes; c++) { total += exp(x[base + c * pm.inner] - top); }
  let norm = top + log(total);`;

const POSITION = /* wgsl */ `
  if (index >= pm.positions) { return; }
  let pos = index;
  let base = (pos / pm.inner) * pm.classes * pm.inner + pos % pm.inner;`;

const weightOf = (hasWeight: boolean, c: string): string => (hasWeight ? `weight[${c}]` : '1.0');

/** Backend.classIndexLoss on the GPU (formulas in backend/js/loss.ts). */
export function classIndexLoss(
  ctx: GpuContext,
  spec: ClassLossSpec,
  x: FloatArray,
  labels: TypedArray,
  weight: FloatArray | null,
  normalisers: Float64Array | null,
  losses: Float64Array,
  sums: Float64Array,
): void {
  const positions = spec.batch * spec.inner;
  const perPosition = ctx.output(losses);
  const denominators = ctx.scratch(positions * 4);
  if (positions > 0) {
    const b = new ShaderBindings().add('x', ctx.input(x), 'f32', 'read');
    b.add('labels', ctx.input(labels), wgslElementType(labels), 'read');
    if (weight) b.add('weight', ctx.input(weight), 'f32', 'read');
    if (normalisers) b.add('normalisers', ctx.output(normalisers), 'f32', 'read_write');
    b.add('losses', perPosition, 'f32', 'read_write').add('denominators', denominators, 'f32', 'read_write');
    const w = weight !== null;
    const logProb = (i: string): string => (normalisers ? `(x[${i}] - norm)` : `x[${i}]`);
    const source = (): string => /* wgsl */ `
${b.declarations(SPEC_FIELDS)}
${ELEMENT_ENTRY}
  ${POSITION}
  ${normalisers ? `${NORMALISER}\n  normalisers[pos] = norm;` : ''}
  let t = i32(labels[pos]);
  if (t == pm.ignoreIndex) { losses[pos] = 0.0; denominators[pos] = 0.0; return; }
  let wt = ${weightOf(w, 'u32(t)')};
  var loss = -wt * ${logProb('base + u32(t) * pm.inner')};
  if (pm.eps > 0.0) {
    var smoothSum = 0.0;
    for (var c = 0u; c < pm.classes; c++) { smoothSum -= ${weightOf(w, 'c')} * ${logProb('base + c * pm.inner')}; }
    loss = (1.0 - pm.eps) * loss + (pm.eps / f32(pm.classes)) * smoothSum;
  }
  losses[pos] = loss;
  denominators[pos] = wt;
}`;
    const key = `loss:classIndex:${normalisers ? 'ce' : 'nll'}:${w ? 'w' : '-'}:${wgslElementType(labels)}`;
    ctx.dispatch(key, source, b.list, pack(specWords(spec)), elementGrid(positions));
  }
  sumInto(ctx, positions, perPosition, denominators, null, sums);
}

/** Backend.classIndexLossBackward: writes every element of `out` (zeros at ignored positions). */
export function classIndexLossBackward(
  ctx: GpuContext,
  spec: ClassLossSpec,
  x: FloatArray,
  labels: TypedArray,
  weight: FloatArray | null,
  normalisers: Float64Array | null,
  g: LossUpstream,
  out: FloatArray,
): void {
  const positions = spec.batch * spec.inner;
  if (positions === 0) return;
  // NLL's gradient reads neither x nor normalisers; a kernel binds exactly what its shader reads.
  const b = new ShaderBindings();
  if (normalisers)
    b.add('x', ctx.input(x), 'f32', 'read').add('normalisers', ctx.input(normalisers), 'f32', 'read');
  b.add('labels', ctx.input(labels), wgslElementType(labels), 'read');
  if (weight) b.add('weight', ctx.input(weight), 'f32', 'read');
  b.add('upstream', ctx.input(g.values), 'f32', 'read').add('out', ctx.output(out), 'f32', 'read_write');
  const w = weight !== null;
  const body = normalisers
    ? /* wgsl */ `
  let shift = normalisers[pos];
  let smoothScale = gAt * pm.eps / f32(pm.classes);
  var weightSum = f32(pm.classes);
  ${w ? 'if (pm.eps > 0.0) { weightSum = 0.0; for (var c = 0u; c < pm.classes; c++) { weightSum += weight[c]; } }' : ''}
  for (var c = 0u; c < pm.classes; c++) {
    let i = base + c * pm.inner;
    let p = exp(x[i] - shift);
    var d = (1.0 - pm.eps) * s * select(p, p - 1.0, c == u32(t));
    if (pm.eps > 0.0) { d += smoothScale * (weightSum * p - ${weightOf(w, 'c')}); }
    out[i] = d;
  }`
    : /* wgsl */ `
  for (var c = 0u; c < pm.classes; c++) { out[base + c * pm.inner] = select(0.0, -s, c == u32(t)); }`;
  const source = (): string => /* wgsl */ `
${b.declarations(`${SPEC_FIELDS}, step: u32, scale: f32`)}
${ELEMENT_ENTRY}
  ${POSITION}
  let t = i32(labels[pos]);
  if (t == pm.ignoreIndex) {
    for (var c = 0u; c < pm.classes; c++) { out[base + c * pm.inner] = 0.0; }
    return;
  }
  let gAt = pm.scale * upstream[pos * pm.step];
  let s = gAt * ${weightOf(w, 'u32(t)')};
  ${body}
}`;
  const key = `loss:classIndexBackward:${normalisers ? 'ce' : 'nll'}:${w ? 'w' : '-'}:${wgslElementType(labels)}`;
  const words = specWords(spec).u32(g.step).f32(g.scale);
  ctx.dispatch(key, source, b.list, pack(words), elementGrid(positions));
}

/** Backend.classProbabilityLoss: sums = [Σ lᵢ, positions]. */
export function classProbabilityLoss(
  ctx: GpuContext,
  spec: ClassLossSpec,
  x: FloatArray,
  y: FloatArray,
  weight: FloatArray | null,
  normalisers: Float64Array,
  losses: Float64Array,
  sums: Float64Array,
): void {
  const positions = spec.batch * spec.inner;
  const perPosition = ctx.output(losses);
  if (positions > 0) {
    const b = new ShaderBindings()
      .add('x', ctx.input(x), 'f32', 'read')
      .add('y', ctx.input(y), 'f32', 'read');
    if (weight) b.add('weight', ctx.input(weight), 'f32', 'read');
    b.add('normalisers', ctx.output(normalisers), 'f32', 'read_write').add(
      'losses',
      perPosition,
      'f32',
      'read_write',
    );
    const source = (): string => /* wgsl */ `
${b.declarations(SPEC_FIELDS)}
${ELEMENT_ENTRY}
  ${POSITION}
  ${NORMALISER}
  normalisers[pos] = norm;
  var loss = 0.0;
  for (var c = 0u; c < pm.classes; c++) {
    let i = base + c * pm.inner;
    loss -= ${weightOf(weight !== null, 'c')} * (y[i] * (1.0 - pm.eps) + pm.eps / f32(pm.classes)) * (x[i] - norm);
  }
  losses[pos] = loss;
}`;
    const key = `loss:classProbability:${weight ? 'w' : '-'}`;
    ctx.dispatch(key, source, b.list, pack(specWords(spec)), elementGrid(positions));
  }
  sumInto(ctx, positions, perPosition, null, positions, sums);
}

/** Backend.classProbabilityLossBackward: ∂/∂x into `inputGrad` and ∂/∂y into `targetGrad`, each when given. */
export function classProbabilityLossBackward(
  ctx: GpuContext,
  spec: ClassLossSpec,
  x: FloatArray,
  y: FloatArray,
  weight: FloatArray | null,
  normalisers: Float64Array,
  g: LossUpstream,
  inputGrad: FloatArray | null,
  targetGrad: FloatArray | null,
): void {
  const positions = spec.batch * spec.inner;
  if (positions === 0 || (!inputGrad && !targetGrad)) return;
  const b = new ShaderBindings().add('x', ctx.input(x), 'f32', 'read');
  if (inputGrad) b.add('y', ctx.input(y), 'f32', 'read');
  if (weight) b.add('weight', ctx.input(weight), 'f32', 'read');
  b.add('normalisers', ctx.input(normalisers), 'f32', 'read').add(
    'upstream',
    ctx.input(g.values),
    'f32',
    'read',
  );
  if (inputGrad) b.add('inputGrad', ctx.output(inputGrad), 'f32', 'read_write');
  if (targetGrad) b.add('targetGrad', ctx.output(targetGrad), 'f32', 'read_write');
  const w = weight !== null;
  const smoothed = (i: string): string => `(y[${i}] * (1.0 - pm.eps) + pm.eps / f32(pm.classes))`;
  const source = (): string => /* wgsl */ `
${b.declarations(`${SPEC_FIELDS}, step: u32, scale: f32`)}
${ELEMENT_ENTRY}
  ${POSITION}
  let shift = normalisers[pos];
  let s = pm.scale * upstream[pos * pm.step];
  var mass = 0.0;
  ${inputGrad ? `for (var c = 0u; c < pm.classes; c++) { mass += ${weightOf(w, 'c')} * ${smoothed('base + c * pm.inner')}; }` : ''}
  for (var c = 0u; c < pm.classes; c++) {
    let i = base + c * pm.inner;
    let wc = ${weightOf(w, 'c')};
    ${inputGrad ? `inputGrad[i] = s * (exp(x[i] - shift) * mass - wc * ${smoothed('i')});` : ''}
    ${targetGrad ? 'targetGrad[i] = -s * (1.0 - pm.eps) * wc * (x[i] - shift);' : ''}
  }
}`;
  const key = `loss:classProbabilityBackward:${w ? 'w' : '-'}:${inputGrad ? 'x' : '-'}${targetGrad ? 'y' : '-'}`;
  const words = specWords(spec).u32(g.step).f32(g.scale);
  ctx.dispatch(key, source, b.list, pack(words), elementGrid(positions));
}

/** Backend.pointwiseLoss: lᵢ into `losses` (or a scratch buffer when null), [Σ lᵢ, count] into `sums`. */
export function pointwiseLoss(
  ctx: GpuContext,
  kind: PointwiseLossKind,
  x: FloatArray,
  y: FloatArray,
  w: FloatArray | null,
  p: FloatArray | null,
  losses: Float64Array | null,
  sums: Float64Array,
): void {
  const count = x.length;
  const perElement = losses ? ctx.output(losses) : ctx.scratch(count * 4);
  if (count > 0) {
    const b = pointwiseBindings(ctx, x, y, w, p).add('losses', perElement, 'f32', 'read_write');
    const source = (): string => /* wgsl */ `
${b.declarations('count: u32')}
${POINTWISE_RULES}
${ELEMENT_ENTRY}
  if (index >= pm.count) { return; }
  let i = index;
  losses[i] = ${kind}_loss(x[i], y[i], ${w ? 'w[i]' : '1.0'}, ${p ? 'p[i]' : '1.0'});
}`;
    const key = `loss:pointwise:${kind}:${w ? 'w' : '-'}${p ? 'p' : '-'}`;
    ctx.dispatch(key, source, b.list, pack(uniforms().u32(count)), elementGrid(count));
  }
  sumInto(ctx, count, perElement, null, count, sums);
}

/** Backend.pointwiseLossBackward: ∂lᵢ/∂xᵢ or ∂lᵢ/∂yᵢ times the upstream gradient, into `out`. */
export function pointwiseLossBackward(
  ctx: GpuContext,
  kind: PointwiseLossKind,
  wrt: 'input' | 'target',
  x: FloatArray,
  y: FloatArray,
  w: FloatArray | null,
  p: FloatArray | null,
  g: LossUpstream,
  out: FloatArray,
): void {
  const count = x.length;
  if (count === 0) return;
  const b = pointwiseBindings(ctx, x, y, w, p)
    .add('upstream', ctx.input(g.values), 'f32', 'read')
    .add('out', ctx.output(out), 'f32', 'read_write');
  const source = (): string => /* wgsl */ `
${b.declarations('count: u32, step: u32, scale: f32')}
${POINTWISE_RULES}
${ELEMENT_ENTRY}
  if (index >= pm.count) { return; }
  let i = index;
  let d = ${kind}_${wrt}_grad(x[i], y[i], ${w ? 'w[i]' : '1.0'}, ${p ? 'p[i]' : '1.0'});
  out[i] = pm.scale * upstream[i * pm.step] * d;
}`;
  const key = `loss:pointwiseBackward:${kind}:${wrt}:${w ? 'w' : '-'}${p ? 'p' : '-'}`;
  const words = uniforms().u32(count).u32(g.step).f32(g.scale);
  ctx.dispatch(key, source, b.list, pack(words), elementGrid(count));
}

function pointwiseBindings(
  ctx: GpuContext,
  x: FloatArray,
  y: FloatArray,
  w: FloatArray | null,
  p: FloatArray | null,
): ShaderBindings {
  const b = new ShaderBindings().add('x', ctx.input(x), 'f32', 'read').add('y', ctx.input(y), 'f32', 'read');
  if (w) b.add('w', ctx.input(w), 'f32', 'read');
  if (p) b.add('p', ctx.input(p), 'f32', 'read');
  return b;
}

/**
 * sums[0] = Σ first[i] and sums[1] = Σ second[i] (or the constant `count` when `second` is null) over i < n,
 * by one workgroup: 256 strided partial sums, then a tree in workgroup memory.
 */
function sumInto(
  ctx: GpuContext,
  n: number,
  first: GpuBinding,
  second: GpuBinding | null,
  count: number | null,
  sums: Float64Array,
): void {
  const b = new ShaderBindings().add('first', first, 'f32', 'read');
  if (second) b.add('second', second, 'f32', 'read');
  b.add('sums', ctx.output(sums), 'f32', 'read_write');
  const source = (): string => /* wgsl */ `
${b.declarations('n: u32, count: f32')}
var<workgroup> partial: array<vec2f, 256>;
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) lid: u32) {
  var acc = vec2f(0.0);
  for (var i = lid; i < pm.n; i += 256u) {
    acc += vec2f(first[i], ${second ? 'second[i]' : '0.0'});
  }
  partial[lid] = acc;
  for (var width = 128u; width > 0u; width /= 2u) {
    workgroupBarrier();
    if (lid < width) { partial[lid] += partial[lid + width]; }
  }
  if (lid == 0u) {
    sums[0] = partial[0].x;
    sums[1] = ${second ? 'partial[0].y' : 'pm.count'};
  }
}`;
  ctx.dispatch(
    `loss:sum:${second ? '2' : '1'}`,
    source,
    b.list,
    pack(
      uniforms()
        .u32(n)
        .f32(count ?? 0),
    ),
    [1],
  );
}
