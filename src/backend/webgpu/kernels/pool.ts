// @file Max and average pooling on WebGPU, forward and adjoint: one thread per output or per input element.
import type { FloatArray } from '../../../tensor/dtype.js';
import type { AxisWindows, Window2d } from '../../types.js';
import type { GpuContext } from '../context.js';
import { ELEMENT_ENTRY, SPECIAL_FLOATS, ShaderBindings, elementGrid, pack, uniforms } from './common.js';
import { WINDOW_FIELDS, windowWords } from './window.js';

/**
 * Backend.maxPool2d: the max over each (dilated) window of `planes` planes with the winner's in-plane index
 * h·inW + w; padding never wins, the first maximum in row-major order wins ties and NaN always wins (the last
 * one seen), as in the reference. Exact: no arithmetic.
 */
export function maxPool2d(
  ctx: GpuContext,
  x: FloatArray,
  planes: number,
  window: Window2d,
  out: FloatArray,
  indices: Int32Array,
): void {
  const count = planes * window.outH * window.outW;
  if (count === 0) return;
  const b = new ShaderBindings()
    .add('x', ctx.input(x), 'f32', 'read')
    .add('out', ctx.output(out), 'f32', 'read_write')
    .add('indices', ctx.output(indices), 'i32', 'read_write');
  const source = (): string => /* wgsl */ `
${b.declarations(`count: u32, ${WINDOW_FIELDS}`)}
${SPECIAL_FLOATS}
${ELEMENT_ENTRY}
  if (index >= pm.count) { return; }
  let positions = u32(pm.outH * pm.outW);
  let plane = index / positions;
  let oh = i32(index % positions) / pm.outW;
  let ow = i32(index % positions) % pm.outW;
  var hStart = oh * pm.strideH - pm.padH;
  let hEnd = min(hStart + (pm.kernelH - 1) * pm.dilationH + 1, pm.inH);
  while (hStart < 0) { hStart += pm.dilationH; }
  var wStart = ow * pm.strideW - pm.padW;
  let wEnd = min(wStart + (pm.kernelW - 1) * pm.dilationW + 1, pm.inW);
  while (wStart < 0) { wStart += pm.dilationW; }
  let base = plane * u32(pm.inH * pm.inW);
  var best = neg_inf();
  var bestIndex = hStart * pm.inW + wStart;
  for (var h = hStart; h < hEnd; h += pm.dilationH) {
    for (var w = wStart; w < wEnd; w += pm.dilationW) {
      let at = h * pm.inW + w;
      let v = x[base + u32(at)];
      if (v > best || is_nan(v)) { best = v; bestIndex = at; }
    }
  }
  out[index] = best;
  indices[index] = bestIndex;
}`;
  ctx.dispatch(
    'pool:max',
    source,
    b.list,
    pack(windowWords(uniforms().u32(count), window)),
    elementGrid(count),
  );
}

/**
 * Backend.maxPool2dBackward: gradIn[p, indices[p, o]] += gradOut[p, o], one thread per output position; windows
 * that overlap may pick one winner, so the add is an atomic compare-exchange loop on the f32's bits. The order
 * of colliding adds is unspecified: a sum of n gradients differs from the reference's order by ≤ n·2⁻²⁴ relative.
 */
export function maxPool2dBackward(
  ctx: GpuContext,
  gradOut: FloatArray,
  indices: Int32Array,
  planes: number,
  positions: number,
  inPlane: number,
  gradIn: FloatArray,
): void {
  const count = planes * positions;
  if (count === 0) return;
  // gradIn's f32 elements are updated as atomic u32 bits.
  const b = new ShaderBindings()
    .add('gradOut', ctx.input(gradOut), 'f32', 'read')
    .add('indices', ctx.input(indices), 'i32', 'read')
    .add('gradIn', ctx.inout(gradIn), 'atomic<u32>', 'read_write');
  const source = (): string => /* wgsl */ `
${b.declarations('count: u32, positions: u32, inPlane: u32')}
${ELEMENT_ENTRY}
  if (index >= pm.count) { return; }
  let at = (index / pm.positions) * pm.inPlane + u32(indices[index]);
  let g = gradOut[index];
  var old = atomicLoad(&gradIn[at]);
  loop {
    let result = atomicCompareExchangeWeak(&gradIn[at], old, bitcast<u32>(bitcast<f32>(old) + g));
    if (result.exchanged) { break; }
    old = result.old_value;
  }
}`;
  ctx.dispatch(
    'pool:maxBackward',
    source,
    b.list,
    pack(uniforms().u32(count).u32(positions).u32(inPlane)),
    elementGrid(count),
  );
}

/** The bindings of an average pooling's windows: starts, ends and divisors of rows, then of columns. */
function windowBindings(
  ctx: GpuContext,
  b: ShaderBindings,
  rows: AxisWindows,
  cols: AxisWindows,
): ShaderBindings {
  return b
    .add('rowStart', ctx.input(rows.start), 'i32', 'read')
    .add('rowEnd', ctx.input(rows.end), 'i32', 'read')
    .add('rowDivisor', ctx.input(rows.divisor), 'f32', 'read')
    .add('colStart', ctx.input(cols.start), 'i32', 'read')
    .add('colEnd', ctx.input(cols.end), 'i32', 'read')
    .add('colDivisor', ctx.input(cols.divisor), 'f32', 'read');
}

const AVG_FIELDS = 'count: u32, inH: u32, inW: u32, outH: u32, outW: u32';

/**
 * Backend.avgPool2d: out[p, oh, ow] = Σ x over rows [rowStart, rowEnd) × columns [colStart, colEnd) divided by
 * rowDivisor[oh]·colDivisor[ow] (f32 sum: window size·2⁻²⁴ relative to Σ|x|).
 */
export function avgPool2d(
  ctx: GpuContext,
  x: FloatArray,
  planes: number,
  inH: number,
  inW: number,
  rows: AxisWindows,
  cols: AxisWindows,
  out: FloatArray,
): void {
  const outH = rows.start.length;
  const outW = cols.start.length;
  const count = planes * outH * outW;
  if (count === 0) return;
  const b = windowBindings(ctx, new ShaderBindings().add('x', ctx.input(x), 'f32', 'read'), rows, cols);
  b.add('out', ctx.output(out), 'f32', 'read_write');
  const source = (): string => /* wgsl */ `
${b.declarations(AVG_FIELDS)}
${ELEMENT_ENTRY}
  if (index >= pm.count) { return; }
  let oh = (index / pm.outW) % pm.outH;
  let ow = index % pm.outW;
  let base = index / (pm.outH * pm.outW) * pm.inH * pm.inW;
  var sum = 0.0;
  for (var h = rowStart[oh]; h < rowEnd[oh]; h++) {
    for (var w = colStart[ow]; w < colEnd[ow]; w++) { sum += x[base + u32(h) * pm.inW + u32(w)]; }
  }
  out[index] = sum / (rowDivisor[oh] * colDivisor[ow]);
}`;
  const words = uniforms().u32(count).u32(inH).u32(inW).u32(outH).u32(outW);
  ctx.dispatch('pool:avg', source, b.list, pack(words), elementGrid(count));
}

/**
 * Backend.avgPool2dBackward, as a gather: one thread per input element adds gradOut/divisor of every window
 * that holds it (rows whose window covers h, then their columns covering w) onto gradIn (not zeroed here).
 */
export function avgPool2dBackward(
  ctx: GpuContext,
  gradOut: FloatArray,
  planes: number,
  inH: number,
  inW: number,
  rows: AxisWindows,
  cols: AxisWindows,
  gradIn: FloatArray,
): void {
  const outH = rows.start.length;
  const outW = cols.start.length;
  const count = planes * inH * inW;
  if (count === 0) return;
  const b = windowBindings(
    ctx,
    new ShaderBindings().add('gradOut', ctx.input(gradOut), 'f32', 'read'),
    rows,
    cols,
  );
  b.add('gradIn', ctx.inout(gradIn), 'f32', 'read_write');
  const source = (): string => /* wgsl */ `
${b.declarations(AVG_FIELDS)}
${ELEMENT_ENTRY}
  if (index >= pm.count) { return; }
  let h = i32((index / pm.inW) % pm.inH);
  let w = i32(index % pm.inW);
  let base = index / (pm.inH * pm.inW) * pm.outH * pm.outW;
  var sum = 0.0;
  for (var oh = 0u; oh < pm.outH; oh++) {
    if (h < rowStart[oh] || h >= rowEnd[oh]) { continue; }
    for (var ow = 0u; ow < pm.outW; ow++) {
      if (w < colStart[ow] || w >= colEnd[ow]) { continue; }
      sum += gradOut[base + oh * pm.outW + ow] / (rowDivisor[oh] * colDivisor[ow]);
    }
  }
  gradIn[index] += sum;
}`;
  const words = uniforms().u32(count).u32(inH).u32(inW).u32(outH).u32(outW);
  ctx.dispatch('pool:avgBackward', source, b.list, pack(words), elementGrid(count));
}
